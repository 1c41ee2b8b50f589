package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The billing cycle the VPS is in now. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BillingStatus(
    @JsonPropertyDescription("Start of the current monthly cycle (RFC 3339).") String periodStart,
    @JsonPropertyDescription("End of the current cycle: the next renewal, or the fixed term's end.")
        String periodEnd,
    @JsonPropertyDescription("How many times the subscription renewed since the start.")
        Integer renewals) {}
