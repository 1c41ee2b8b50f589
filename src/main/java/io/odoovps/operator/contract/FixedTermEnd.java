package io.odoovps.operator.contract;

import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.ContractEndStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Article 11: the end of a fixed term. When it ends, the VPS is suspended and its data kept for a
 * grace period; then the termination path deletes it, unless the term was extended meanwhile (a
 * later end, or a switch to a subscription). The grace counts from when the end was first seen: an
 * end already past when it is written is held, never executed at once.
 */
public final class FixedTermEnd {

  /** An end seen later than this after it passed was already past when written: held. */
  static final Duration LATE = Duration.ofMinutes(10);

  public static final String SUSPENSION_REASON =
      "The fixed term ended (article 11): the VPS is suspended, its data kept until it is deleted";

  private FixedTermEnd() {}

  /**
   * Where the end stands at {@code now}: null while the term runs (or after it was extended), else
   * when it was first seen ended and when the data goes.
   */
  public static ContractEndStatus next(
      BillingSpec billing, ContractEndStatus previous, Instant now, Duration grace) {
    if (billing == null || !BillingCycle.termEnded(billing, now)) {
      return null;
    }
    if (previous != null) {
      // still ended: moving the end within the past changes nothing of the grace
      return Objects.equals(previous.termEnd(), billing.getEnd())
          ? previous
          : new ContractEndStatus(
              billing.getEnd(), previous.endedAt(), previous.deleteAt(), previous.held());
    }
    var end = Timestamps.parse(billing.getEnd());
    boolean held = now.isAfter(end.plus(LATE));
    return new ContractEndStatus(
        billing.getEnd(),
        Timestamps.format(now),
        Timestamps.format(now.plus(grace)),
        held ? true : null);
  }

  /** Whether the grace is over: the termination path deletes the VPS now. */
  public static boolean deletionDue(ContractEndStatus end, Instant now) {
    return end != null && !now.isBefore(Timestamps.parse(end.deleteAt()));
  }
}
