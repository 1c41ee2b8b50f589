package io.odoovps.operator.api.v1alpha1.mitigation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.odoovps.operator.api.v1alpha1.NameRules;

/** Requests on a VPS's mitigation state; all optional but the VPS. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MitigationStateSpec {

  @Required
  @Size(max = NameRules.VPS_NAME_MAX)
  @ValidationRule(value = NameRules.VPS_REF_RULE, message = "spec.vps" + NameRules.VPS_REF_MUST)
  @ValidationRule(value = "self == oldSelf", message = "spec.vps is immutable")
  @JsonPropertyDescription("The OdooVps, in this namespace.")
  private String vps;

  @JsonPropertyDescription("DDoS mitigation requests (contract article 9).")
  private Ddos ddos;

  @JsonPropertyDescription("Port 25 requests (contract article 7).")
  private Smtp smtp;

  /** DDoS mitigation requests. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Ddos(
      @JsonPropertyDescription(
              "true: switch mitigation on now (support staff). false: end it; refused before"
                  + " status.ddos.earliestEnd (26 hours after activation), honoured after it once"
                  + " no attack alert fires. Absent: automatic, from the attack alerts.")
          Boolean active,
      @Min(1)
          @Max(3)
          @JsonPropertyDescription(
              "The least level: 1 scrubbing route, 2 inbound limited to the VPS's TCP service"
                  + " ports, 3 inbound only through the scrubbing centre. It may rise while"
                  + " mitigation is on, never fall.")
          Integer level) {}

  /** Port 25 requests. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Smtp(
      @Size(max = 64)
          @JsonPropertyDescription(
              "Set to a new value (a date, a ticket number) to ask that the current port-25 block"
                  + " be lifted; refused from the third block on (contract article 7). The"
                  + " answer is in status.smtp.")
          String unblockRequest) {}

  public String getVps() {
    return vps;
  }

  public void setVps(String vps) {
    this.vps = vps;
  }

  public Ddos getDdos() {
    return ddos;
  }

  public void setDdos(Ddos ddos) {
    this.ddos = ddos;
  }

  public Smtp getSmtp() {
    return smtp;
  }

  public void setSmtp(Smtp smtp) {
    this.smtp = smtp;
  }
}
