package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Suspension as the operator enforces it, with the history the contract's graduation needs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SuspensionStatus(
    @JsonPropertyDescription("Whether the VPS is suspended now.") Boolean active,
    @JsonPropertyDescription("Why: the provider's reason, or the overdue identity check.")
        String reason,
    @JsonPropertyDescription("Authority reference, when an authority ordered it.")
        String authorityReference,
    @JsonPropertyDescription("Since when the current suspension holds.") String since,
    @JsonPropertyDescription("How many times the VPS was suspended.") Integer count,
    @JsonPropertyDescription("The VPS will not be resumed (repeated or grave breach).")
        Boolean doNotResume) {}
