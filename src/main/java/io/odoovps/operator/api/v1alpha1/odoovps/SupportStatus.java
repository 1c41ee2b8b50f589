package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The support minutes of the current billing cycle (contract article 3: 20 minutes of support for
 * specific administration tasks), summed from the `spec.work` of the VPS's SupportTickets.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SupportStatus(
    @JsonPropertyDescription("Start of the billing cycle the minutes count in.") String periodStart,
    @JsonPropertyDescription("End of that cycle: the minutes start again from zero then.")
        String periodEnd,
    @JsonPropertyDescription("Minutes included per cycle.") Integer minutesIncluded,
    @JsonPropertyDescription("Minutes recorded in this cycle.") Integer minutesUsed,
    @JsonPropertyDescription("Minutes left in this cycle (never below zero).") Integer minutesLeft,
    @JsonPropertyDescription("SupportTickets of the VPS that are open.") Integer openTickets) {}
