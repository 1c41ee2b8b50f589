package io.odoovps.operator.shaper;

/**
 * A token bucket filter (`tc qdisc … tbf`) as the shaper writes it: a rate in bits per second and a
 * burst in bytes; the queue holds {@link #LATENCY_MS} of traffic at the rate.
 *
 * <p>The burst is 20 ms of the rate, and never less than {@link #MIN_BURST_BYTES}: below a few
 * packets' worth a TBF drops every packet larger than its bucket. (The bandwidth CNI plugin, as
 * containerd calls it, writes a burst of 4 Gbit, 512 MiB: a pod sends its first half gigabyte
 * unshaped, which is why the shaper rewrites the qdiscs even at the rate they already have.)
 */
public record TokenBucket(long rateBits, long burstBytes) {

  public static final int LATENCY_MS = 25;
  static final long MIN_BURST_BYTES = 32 * 1024;

  public TokenBucket {
    if (rateBits <= 0) {
      throw new IllegalArgumentException("rate must be positive: " + rateBits);
    }
    if (burstBytes <= 0) {
      throw new IllegalArgumentException("burst must be positive: " + burstBytes);
    }
  }

  /** The bucket the shaper writes for this rate. */
  public static TokenBucket forRate(long rateBits) {
    return new TokenBucket(rateBits, Math.max(rateBits / 8 / 50, MIN_BURST_BYTES));
  }

  /**
   * Same rate, and a burst within 1 % (the kernel keeps the burst as a time in scheduler ticks, so
   * the one read back is rounded: 536870911 bytes at 100 Mbit/s reads 536870900).
   */
  public boolean matches(TokenBucket other) {
    return other != null
        && rateBits == other.rateBits
        && Math.abs(burstBytes - other.burstBytes) <= Math.max(64, burstBytes / 100);
  }

  /** The arguments after `tc qdisc replace dev DEV root handle 1:`. */
  public java.util.List<String> tcArguments() {
    return java.util.List.of(
        "tbf",
        "rate",
        rateBits + "bit",
        "burst",
        Long.toString(burstBytes),
        "latency",
        LATENCY_MS + "ms");
  }
}
