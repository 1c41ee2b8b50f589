package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.odoovps.operator.api.v1alpha1.DateTimeRule;

/** The contract's duration (article 11): a monthly subscription or a fixed term. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.mode != 'FixedTerm' || has(self.end)",
    message = "spec.billing.end is required when spec.billing.mode is FixedTerm")
@ValidationRule(
    value =
        "!has(self.end) || ![self.start, self.end].all(t, "
            + DateTimeRule.REAL_T
            + ") || timestamp(self.end) > timestamp(self.start)",
    message = "spec.billing.end must be after spec.billing.start")
public class BillingSpec {

  /** The shape of an RFC 3339 date-time; the whole rule is {@link DateTimeRule}. */
  static final String RFC3339 = DateTimeRule.SHAPE;

  @Default("Subscription")
  @JsonPropertyDescription(
      "`Subscription`: renewed tacitly each month from `start`. `FixedTerm`: ends at `end`, and"
          + " the VPS and its data are then deleted unless the term is extended.")
  private BillingMode mode = BillingMode.Subscription;

  @Required
  @Size(max = DateTimeRule.MAX_LENGTH)
  @ValidationRule(value = DateTimeRule.RULE, message = "spec.billing.start" + DateTimeRule.MUST)
  @JsonPropertyDescription(
      "Start of the contract (RFC 3339). Monthly billing cycles are anchored on it.")
  private String start;

  @Size(max = DateTimeRule.MAX_LENGTH)
  @ValidationRule(value = DateTimeRule.RULE, message = "spec.billing.end" + DateTimeRule.MUST)
  @JsonPropertyDescription("End of a fixed term (RFC 3339); required for FixedTerm.")
  private String end;

  /** Billing modes. */
  public enum BillingMode {
    Subscription,
    FixedTerm
  }

  public BillingSpec() {}

  public BillingSpec(BillingMode mode, String start, String end) {
    this.mode = mode;
    this.start = start;
    this.end = end;
  }

  public BillingMode getMode() {
    return mode;
  }

  public void setMode(BillingMode mode) {
    this.mode = mode;
  }

  public String getStart() {
    return start;
  }

  public void setStart(String start) {
    this.start = start;
  }

  public String getEnd() {
    return end;
  }

  public void setEnd(String end) {
    this.end = end;
  }
}
