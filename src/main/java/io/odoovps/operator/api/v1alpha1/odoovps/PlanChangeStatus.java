package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The plan the VM runs, and the 48-hour obligation of the latest paid change (article 3). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlanChangeStatus(
    @JsonPropertyDescription("The sizing the VM was last given.") String appliedPlan,
    @JsonPropertyDescription("Payment time of the latest plan change.") String paidAt,
    @JsonPropertyDescription("paidAt + 48 hours: the contract's deadline.") String deadline,
    @JsonPropertyDescription("When the operator applied the change to the VM.") String appliedAt,
    @JsonPropertyDescription("Whether the change was applied before the deadline.")
        Boolean deadlineMet) {}
