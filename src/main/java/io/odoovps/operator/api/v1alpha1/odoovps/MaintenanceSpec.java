package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.odoovps.operator.api.v1alpha1.DateTimeRule;

/**
 * A maintenance reboot the provider requests (contract article 3: OS updates, the customer told by
 * email before a reboot). A new {@code requestedAt} is a new request.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceSpec {

  @Required
  @Size(max = DateTimeRule.MAX_LENGTH)
  @ValidationRule(
      value = DateTimeRule.RULE,
      message = "spec.maintenance.requestedAt" + DateTimeRule.MUST)
  @JsonPropertyDescription(
      "When the reboot was requested (RFC 3339); a new value is a new request.")
  private String requestedAt;

  @Size(max = DateTimeRule.MAX_LENGTH)
  @ValidationRule(
      value = DateTimeRule.RULE,
      message = "spec.maintenance.notBefore" + DateTimeRule.MUST)
  @JsonPropertyDescription(
      "Reboot no earlier than this. The reboot happens at the later of this and the time the"
          + " customer was emailed plus the notice period (odoovps.deadlines.maintenance-notice).")
  private String notBefore;

  @Required
  @Size(min = 1, max = 500)
  @JsonPropertyDescription("Why, for the Events (for example: kernel security update).")
  private String reason;

  public MaintenanceSpec() {}

  public MaintenanceSpec(String requestedAt, String notBefore, String reason) {
    this.requestedAt = requestedAt;
    this.notBefore = notBefore;
    this.reason = reason;
  }

  public String getRequestedAt() {
    return requestedAt;
  }

  public void setRequestedAt(String requestedAt) {
    this.requestedAt = requestedAt;
  }

  public String getNotBefore() {
    return notBefore;
  }

  public void setNotBefore(String notBefore) {
    this.notBefore = notBefore;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
