package io.odoovps.operator.api.v1alpha1.ticket;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.odoovps.operator.api.v1alpha1.DateTimeRule;
import io.odoovps.operator.api.v1alpha1.NameRules;
import java.util.List;
import java.util.Map;

/**
 * What the ticket is about, and the work support staff recorded on it. A ticket opened by hand (no
 * `alert`) is resolved by staff with `resolved: true` and reopened with `resolved: false`; a ticket
 * opened from an alert follows its alert and cannot be resolved by hand.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.resolved) || !self.resolved || !has(self.alert)",
    message =
        "spec.resolved is for tickets opened by hand: a ticket with spec.alert is resolved when its"
            + " alert resolves (silence the alert in Alertmanager if it is noise)")
@ValidationRule(
    value = "has(self.alert) == has(oldSelf.alert)",
    message =
        "spec.alert cannot be added or removed: it says whether the alert or staff close the ticket")
public class SupportTicketSpec {

  @Required
  @Size(max = NameRules.VPS_NAME_MAX)
  @ValidationRule(value = NameRules.VPS_REF_RULE, message = "spec.vps" + NameRules.VPS_REF_MUST)
  @ValidationRule(value = "self == oldSelf", message = "spec.vps is immutable")
  @JsonPropertyDescription("The OdooVps the ticket is about, in this namespace.")
  private String vps;

  @Required
  @Size(max = 500)
  @JsonPropertyDescription("What happened, in one line.")
  private String summary;

  @Size(max = 4000)
  @JsonPropertyDescription("Details.")
  private String description;

  @JsonPropertyDescription("The alert that opened the ticket; absent for a ticket opened by hand.")
  private Alert alert;

  @JsonPropertyDescription(
      "For a ticket opened by hand only: true resolves it (status.phase Resolved, resolvedAt);"
          + " false again reopens it and forwards it to the helpdesk again. Refused on a ticket"
          + " with spec.alert, which resolves with its alert.")
  private Boolean resolved;

  @Size(max = 200)
  @JsonPropertyDescription(
      "Minutes support staff spent on the ticket, one entry per intervention. They count against"
          + " the VPS's 20 minutes of support of the billing cycle they were spent in.")
  private List<Work> work;

  /** The alert behind a ticket. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Alert(
      @JsonPropertyDescription("The alert name (alertname label).") String name,
      @JsonPropertyDescription("Alertmanager's fingerprint of the alert: one incident.")
          String fingerprint,
      @JsonPropertyDescription("cpu, memory, network, filesystem or availability.")
          String indicator,
      @JsonPropertyDescription("The alert's severity label.") String severity,
      @JsonPropertyDescription("When the incident started (RFC 3339).") String startsAt,
      @JsonPropertyDescription("The alert's labels.") Map<String, String> labels) {}

  /** One intervention. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Work(
      @Required @Min(1) @Max(480) @JsonPropertyDescription("Minutes spent (1 to 480).")
          Integer minutes,
      @Required
          @Size(max = DateTimeRule.MAX_LENGTH)
          @ValidationRule(value = DateTimeRule.RULE, message = "spec.work[].at" + DateTimeRule.MUST)
          @JsonPropertyDescription("When (RFC 3339); decides the billing cycle it counts in.")
          String at,
      @Size(max = 100) @JsonPropertyDescription("Who did it.") String by,
      @Size(max = 1000) @JsonPropertyDescription("What was done.") String note) {}

  public String getVps() {
    return vps;
  }

  public void setVps(String vps) {
    this.vps = vps;
  }

  public String getSummary() {
    return summary;
  }

  public void setSummary(String summary) {
    this.summary = summary;
  }

  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }

  public Alert getAlert() {
    return alert;
  }

  public void setAlert(Alert alert) {
    this.alert = alert;
  }

  public Boolean getResolved() {
    return resolved;
  }

  public void setResolved(Boolean resolved) {
    this.resolved = resolved;
  }

  public List<Work> getWork() {
    return work;
  }

  public void setWork(List<Work> work) {
    this.work = work;
  }
}
