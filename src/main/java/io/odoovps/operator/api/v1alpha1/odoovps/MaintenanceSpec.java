package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A maintenance reboot the provider requests (contract article 3: OS updates, the customer told by
 * email before a reboot). A new {@code requestedAt} is a new request.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceSpec {

  @Required
  @Pattern(
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")
  @JsonPropertyDescription(
      "When the reboot was requested (RFC 3339); a new value is a new request.")
  private String requestedAt;

  @Pattern(
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")
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
