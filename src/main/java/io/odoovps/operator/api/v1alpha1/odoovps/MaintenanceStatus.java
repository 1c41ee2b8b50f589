package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last maintenance reboot: requested, customer told, carried out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MaintenanceStatus(
    @JsonPropertyDescription("The request this describes (spec.maintenance.requestedAt).")
        String requestedAt,
    @JsonPropertyDescription("When the customer was emailed the notice.") String noticeSentAt,
    @JsonPropertyDescription("When the VM reboots.") String scheduledFor,
    @JsonPropertyDescription("When the VM was rebooted.") String rebootedAt,
    @JsonPropertyDescription("Why the notice could not be sent yet (retried).")
        String noticeProblem,
    @JsonPropertyDescription(
            "When the request was carried out: the reboot, or its due time when the VM was not"
                + " running (then rebootedAt stays empty).")
        String doneAt) {

  /** True once the request has been carried out (older statuses only have rebootedAt). */
  public boolean done() {
    return doneAt != null || rebootedAt != null;
  }
}
