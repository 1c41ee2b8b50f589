package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.odoovps.operator.api.v1alpha1.DateTimeRule;

/**
 * An identity check (article 6): once requested, the customer has 72 hours to prove their identity,
 * else the VPS is suspended until it is verified.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IdentityCheckSpec {

  @Required
  @Size(max = DateTimeRule.MAX_LENGTH)
  @ValidationRule(
      value = DateTimeRule.RULE,
      message = "spec.identityCheck.requestedAt" + DateTimeRule.MUST)
  @JsonPropertyDescription("When the proof of identity was requested (RFC 3339).")
  private String requestedAt;

  @JsonPropertyDescription("Set to true once the proof was received and checked.")
  private Boolean verified;

  public IdentityCheckSpec() {}

  public IdentityCheckSpec(String requestedAt, Boolean verified) {
    this.requestedAt = requestedAt;
    this.verified = verified;
  }

  public String getRequestedAt() {
    return requestedAt;
  }

  public void setRequestedAt(String requestedAt) {
    this.requestedAt = requestedAt;
  }

  public Boolean getVerified() {
    return verified;
  }

  public void setVerified(Boolean verified) {
    this.verified = verified;
  }
}
