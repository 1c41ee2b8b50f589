package io.odoovps.operator.contract;

import java.time.Instant;

/**
 * Contract article 3: 10 TB of outbound traffic per billing cycle, then 1 Mbps until the cycle
 * ends. Accounts a VPS's outbound bytes from successive readings of a cumulative counter
 * (KubeVirt's `kubevirt_vmi_network_transmit_bytes_total`, summed over the VM's interfaces). The
 * ledger is kept in status, so it survives operator restarts; a counter that goes down was reset
 * (VM restart or migration) and counts from zero; a gap between readings loses nothing, because the
 * counter is cumulative (only bytes sent between a reset and the last reading before it are lost,
 * which no counter can tell). Bytes are counted in the cycle of the reading that reveals them.
 */
public final class TrafficLedger {

  /** 10 TB (decimal, as the contract says). */
  public static final long QUOTA_BYTES = 10_000_000_000_000L;

  private TrafficLedger() {}

  /** The ledger of one cycle: bytes used, and the last counter reading. */
  public record State(
      Instant cycleStart, long bytesUsed, long lastCounter, Instant lastReadingAt) {}

  /**
   * The ledger after a counter reading of {@code counter} at {@code at}, in the cycle starting at
   * {@code cycleStart}.
   */
  public static State next(State previous, long counter, Instant at, Instant cycleStart) {
    if (previous == null) {
      // the first reading only sets the baseline: what was sent before is unknown to the ledger
      return new State(cycleStart, 0, counter, at);
    }
    if (!at.isAfter(previous.lastReadingAt())) {
      return previous; // an old or repeated reading
    }
    long delta = counter >= previous.lastCounter() ? counter - previous.lastCounter() : counter;
    long used = cycleStart.equals(previous.cycleStart()) ? previous.bytesUsed() + delta : delta;
    return new State(cycleStart, used, counter, at);
  }

  /** Past the quota: throttled to 1 Mbps until the cycle ends. */
  public static boolean throttled(State state, long quota) {
    return state != null && state.bytesUsed() > quota;
  }
}
