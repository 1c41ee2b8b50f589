package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The rates the node's kernel applies to the VM's pod, as the shaper read them back from its qdiscs
 * and wrote them on the pod (quantities in bit/s: `100M`, `1M`).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppliedBandwidth(
    @JsonPropertyDescription("Rate of the traffic to the VPS (the TBF on its host device).")
        String ingress,
    @JsonPropertyDescription("Rate of the traffic from the VPS (the TBF on its IFB device).")
        String egress,
    @JsonPropertyDescription("Why the shaper could not apply a wanted rate.") String problem) {}
