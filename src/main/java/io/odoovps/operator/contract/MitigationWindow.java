package io.odoovps.operator.contract;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Contract article 9: DDoS mitigation is switched on when an attack is detected, held for at least
 * 26 hours, and cannot be switched off before. Its level may rise while it is active, never fall;
 * it ends by itself once 26 hours have passed and the attack alert has cleared.
 */
public final class MitigationWindow {

  public static final Duration MINIMUM = Duration.ofHours(26);

  private MitigationWindow() {}

  /** Mitigation as the status keeps it. */
  public record State(boolean active, int level, Instant activatedAt, Instant earliestEnd) {}

  /** An attack detected at {@code now} at {@code level}: on, or raised if already on. */
  public static State activate(State previous, int level, Instant now) {
    if (previous != null && previous.active()) {
      return new State(
          true, Math.max(level, previous.level()), previous.activatedAt(), previous.earliestEnd());
    }
    return new State(true, level, now, now.plus(MINIMUM));
  }

  /** Why a request to end mitigation at {@code now} is refused, naming the rule. */
  public static Optional<String> endRefusal(State state, Instant now) {
    if (state == null || !state.active()) {
      return Optional.empty();
    }
    if (now.isBefore(state.earliestEnd())) {
      return Optional.of(
          "DDoS mitigation holds at least 26 hours (contract article 9): activated at "
              + Timestamps.format(state.activatedAt())
              + ", it cannot end before "
              + Timestamps.format(state.earliestEnd()));
    }
    return Optional.empty();
  }

  /** Why a change to {@code level} is refused while active. */
  public static Optional<String> levelRefusal(State state, int level) {
    if (state != null && state.active() && level < state.level()) {
      return Optional.of(
          "the mitigation level can rise while active, not fall: it is "
              + state.level()
              + ", "
              + level
              + " was asked");
    }
    return Optional.empty();
  }

  /** Whether mitigation ends by itself now: 26 hours passed and the attack has cleared. */
  public static boolean endsByItself(State state, boolean attackCleared, Instant now) {
    return state != null && state.active() && attackCleared && !now.isBefore(state.earliestEnd());
  }
}
