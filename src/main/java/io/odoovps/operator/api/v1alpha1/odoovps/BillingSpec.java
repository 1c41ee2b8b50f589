package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The contract's duration (article 11): a monthly subscription or a fixed term. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.mode != 'FixedTerm' || has(self.end)",
    message = "spec.billing.end is required when spec.billing.mode is FixedTerm")
@ValidationRule(
    value = "!has(self.end) || timestamp(self.end) > timestamp(self.start)",
    message = "spec.billing.end must be after spec.billing.start")
public class BillingSpec {

  static final String RFC3339 =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$";

  @Default("Subscription")
  @JsonPropertyDescription(
      "`Subscription`: renewed tacitly each month from `start`. `FixedTerm`: ends at `end`, and"
          + " the VPS and its data are then deleted unless the term is extended.")
  private BillingMode mode = BillingMode.Subscription;

  @Required
  @Pattern(RFC3339)
  @JsonPropertyDescription(
      "Start of the contract (RFC 3339). Monthly billing cycles are anchored on it.")
  private String start;

  @Pattern(RFC3339)
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
