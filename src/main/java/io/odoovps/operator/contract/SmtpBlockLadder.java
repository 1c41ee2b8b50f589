package io.odoovps.operator.contract;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Contract article 7: on spam, outbound port 25 is blocked and the customer told; the customer may
 * ask to unblock; a new spam blocks again, for longer; from the third block on, unblock requests
 * may be refused. The block durations follow a ladder (the last step repeats).
 */
public final class SmtpBlockLadder {

  /** From this block on, an unblock request is refused. */
  public static final int REFUSE_UNBLOCK_FROM = 3;

  private final List<Duration> ladder;

  public SmtpBlockLadder(List<Duration> ladder) {
    if (ladder.isEmpty()) {
      throw new IllegalArgumentException("the block ladder needs at least one duration");
    }
    this.ladder = List.copyOf(ladder);
  }

  /** The state of port 25: how many blocks so far, and until when the current one holds. */
  public record State(int blocks, Instant blockedUntil) {
    public boolean blocked(Instant now) {
      return blockedUntil != null && now.isBefore(blockedUntil);
    }
  }

  /** A spam detection at {@code now}: the next block, longer than the last. */
  public State block(State previous, Instant now) {
    int blocks = previous == null ? 1 : previous.blocks() + 1;
    var duration = ladder.get(Math.min(blocks, ladder.size()) - 1);
    return new State(blocks, now.plus(duration));
  }

  /** Why an unblock request is refused now, if it is; naming the rule. */
  public Optional<String> unblockRefusal(State state, Instant now) {
    if (state == null || !state.blocked(now)) {
      return Optional.of("port 25 is not blocked");
    }
    if (state.blocks() >= REFUSE_UNBLOCK_FROM) {
      return Optional.of(
          "block number "
              + state.blocks()
              + ": from the third block on, unblock requests are refused (contract article 7);"
              + " port 25 opens again at "
              + Timestamps.format(state.blockedUntil()));
    }
    return Optional.empty();
  }

  /** The state after an accepted unblock request: the count stays, the block ends now. */
  public State unblock(State state, Instant now) {
    return new State(state.blocks(), now);
  }
}
