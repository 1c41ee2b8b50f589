package io.odoovps.operator.vps;

import io.odoovps.operator.notification.NoticeOutbox;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * When a VPS is reconciled again: at its next contract deadline, at the next retry of an
 * undelivered notice, at once after a delivered notice (the identity notice starts its 72 hours,
 * the next pass shows the deadline), and at the latest after the resync period.
 */
final class WakeUp {

  /** After a notice was delivered: the next pass shows what it started. */
  static final Duration AFTER_DELIVERY = Duration.ofSeconds(1);

  private WakeUp() {}

  /**
   * The wait until the earliest of {@code deadlines} still ahead of {@code now}, one second past it
   * (so that the pass finds it passed); empty when none is ahead.
   */
  @SafeVarargs
  static Optional<Duration> untilEarliest(Instant now, Optional<Instant>... deadlines) {
    return Stream.of(deadlines)
        .flatMap(Optional::stream)
        .filter(t -> t.isAfter(now))
        .min(Instant::compareTo)
        .map(t -> Duration.between(now, t).plusSeconds(1));
  }

  /**
   * The reschedule of a pass: the earliest of {@code deadline}, the notice retry (or {@link
   * #AFTER_DELIVERY} when a notice was delivered) and {@code resync}; negative waits are ignored.
   */
  static Duration after(
      Duration deadline, boolean delivered, NoticeOutbox outbox, Duration resync, Instant now) {
    return after(deadline, delivered, outbox.nextAttempt(), resync, now);
  }

  static Duration after(
      Duration deadline,
      boolean delivered,
      Optional<Instant> nextNoticeAttempt,
      Duration resync,
      Instant now) {
    var retry =
        delivered
            ? Optional.of(AFTER_DELIVERY)
            : nextNoticeAttempt.map(t -> Duration.between(now, t).plusSeconds(1));
    return Stream.of(Optional.ofNullable(deadline), retry, Optional.of(resync))
        .flatMap(Optional::stream)
        .filter(d -> !d.isNegative())
        .min(Duration::compareTo)
        .orElse(resync);
  }
}
