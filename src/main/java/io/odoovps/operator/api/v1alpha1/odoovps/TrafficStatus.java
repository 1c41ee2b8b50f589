package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Outbound traffic of the billing cycle against the quota (contract article 3: 10 TB, then 1 Mbps
 * until the cycle ends), and the bandwidth applied. The ledger (bytes used and the last counter
 * reading) is written when it crosses the quota, at a new cycle, and otherwise at most every
 * `odoovps.traffic.prometheus.record-interval`; it survives operator restarts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrafficStatus(
    @JsonPropertyDescription("Start of the billing cycle counted.") String cycleStart,
    @JsonPropertyDescription("End of the billing cycle: the throttle, if any, lifts then.")
        String cycleEnd,
    @JsonPropertyDescription("Outbound bytes counted in the cycle.") Long bytesUsed,
    @JsonPropertyDescription("The cycle's quota in bytes.") Long quotaBytes,
    @JsonPropertyDescription("Past the quota: limited to the throttled bandwidth until cycleEnd.")
        Boolean throttled,
    @JsonPropertyDescription("The bandwidth the VPS is given now, in Mbit/s, both ways.")
        Integer bandwidthMbps,
    @JsonPropertyDescription(
            "The last reading of the VM's cumulative transmit counter (summed over interfaces).")
        Long lastCounter,
    @JsonPropertyDescription("When that reading was taken (Prometheus sample time).")
        String lastReadingAt,
    @JsonPropertyDescription("When the customer was emailed about the throttle of this cycle.")
        String throttleNoticeSentAt,
    @JsonPropertyDescription(
            "Why traffic is not being counted now (no Prometheus configured, query failing, no"
                + " series for the VM yet).")
        String problem,
    @JsonPropertyDescription(
            "What the node's shaper reports it applies on the VM's running pod (the `shape` mode"
                + " of the operator's image, chart shaper.enabled); absent without a shaper.")
        AppliedBandwidth applied) {

  /** The same status with what the shaper applies. */
  public TrafficStatus withApplied(AppliedBandwidth applied) {
    return new TrafficStatus(
        cycleStart,
        cycleEnd,
        bytesUsed,
        quotaBytes,
        throttled,
        bandwidthMbps,
        lastCounter,
        lastReadingAt,
        throttleNoticeSentAt,
        problem,
        applied);
  }
}
