package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The month's availability (contract article 10: 99.5 %), from the VM's readiness while the VPS is
 * meant to run. Only transitions are written: closed outages are summed in {@code downSeconds}, an
 * ongoing one is {@code downSince}; the metrics add the ongoing part live.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AvailabilityStatus(
    @JsonPropertyDescription("The calendar month (UTC) measured, e.g. 2026-03.") String month,
    @JsonPropertyDescription("Seconds of closed outages in the month.") Long downSeconds,
    @JsonPropertyDescription("Start of the ongoing outage, if the VPS is down now.")
        String downSince,
    @JsonPropertyDescription("Availability of the month at the last transition, in percent.")
        String percent,
    @JsonPropertyDescription(
            "Error budget left at the last transition, in seconds (0.5 % of the month: 3 h 36 min"
                + " for 30 days).")
        Long budgetLeftSeconds) {}
