package io.odoovps.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The traffic rules of issue 6 (quota ledger, port-25 ladder, DDoS window) with a moving clock. */
class TrafficRulesTest {

  private static final long TB = 1_000_000_000_000L;

  @Test
  void theLedgerSurvivesCounterResetsAndGapsAndStartsAgainEachCycle() {
    var clock = MovableClock.at("2026-03-01T00:00:00Z");
    var cycle = Instant.parse("2026-02-15T09:00:00Z");
    var state = TrafficLedger.next(null, 5 * TB, clock.instant(), cycle);
    assertThat(state.bytesUsed()).as("the first reading is a baseline").isZero();

    clock.advance(Duration.ofHours(1));
    state = TrafficLedger.next(state, 9 * TB, clock.instant(), cycle);
    assertThat(state.bytesUsed()).isEqualTo(4 * TB);

    // the VM restarted: the counter went back to zero, then reached 2 TB
    clock.advance(Duration.ofHours(1));
    state = TrafficLedger.next(state, 2 * TB, clock.instant(), cycle);
    assertThat(state.bytesUsed()).isEqualTo(6 * TB);

    // a gap of a day (Prometheus or the operator down): the cumulative counter loses nothing
    clock.advance(Duration.ofDays(1));
    state = TrafficLedger.next(state, 7 * TB, clock.instant(), cycle);
    assertThat(state.bytesUsed()).isEqualTo(11 * TB);
    assertThat(TrafficLedger.throttled(state, TrafficLedger.QUOTA_BYTES)).isTrue();

    // an old reading changes nothing
    assertThat(TrafficLedger.next(state, 8 * TB, clock.instant().minusSeconds(60), cycle))
        .isSameAs(state);

    // the next cycle starts from what its readings reveal: the throttle lifts
    clock.set(Instant.parse("2026-03-15T09:05:00Z"));
    var next = Instant.parse("2026-03-15T09:00:00Z");
    state = TrafficLedger.next(state, 7 * TB + 1_000_000, clock.instant(), next);
    assertThat(state.bytesUsed()).isEqualTo(1_000_000);
    assertThat(TrafficLedger.throttled(state, TrafficLedger.QUOTA_BYTES)).isFalse();
  }

  @Test
  void port25BlocksGrowLongerAndFromTheThirdOnUnblockIsRefused() {
    var clock = MovableClock.at("2026-03-01T00:00:00Z");
    var ladder =
        new SmtpBlockLadder(List.of(Duration.ofHours(24), Duration.ofDays(7), Duration.ofDays(30)));
    var first = ladder.block(null, clock.instant());
    assertThat(first.blockedUntil()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
    assertThat(ladder.unblockRefusal(first, clock.instant())).isEmpty();
    var open = ladder.unblock(first, clock.instant());
    assertThat(open.blocked(clock.instant())).isFalse();

    clock.advance(Duration.ofDays(2));
    var second = ladder.block(open, clock.instant());
    assertThat(second.blockedUntil()).isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));

    clock.advance(Duration.ofDays(10));
    var third = ladder.block(second, clock.instant());
    assertThat(third.blocks()).isEqualTo(3);
    assertThat(ladder.unblockRefusal(third, clock.instant()))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("from the third block on")
                    .contains("article 7")
                    .contains("2026-04-12T00:00:00Z"));
    // the ladder's last step repeats
    assertThat(ladder.block(third, clock.instant()).blockedUntil())
        .isEqualTo(clock.instant().plus(Duration.ofDays(30)));
  }

  @Test
  void mitigationHoldsTwentySixHoursRisesButNeverFallsAndEndsOnlyOnceTheAttackCleared() {
    var clock = MovableClock.at("2026-03-01T10:00:00Z");
    var on = MitigationWindow.activate(null, 1, clock.instant());
    assertThat(on.earliestEnd()).isEqualTo(Instant.parse("2026-03-02T12:00:00Z"));

    clock.advance(Duration.ofHours(2));
    var raised = MitigationWindow.activate(on, 3, clock.instant());
    assertThat(raised.level()).isEqualTo(3);
    assertThat(raised.activatedAt()).isEqualTo(on.activatedAt());
    assertThat(MitigationWindow.levelRefusal(raised, 2)).isPresent();

    clock.advance(Duration.ofHours(23)); // 25 h after activation
    assertThat(MitigationWindow.endRefusal(raised, clock.instant()))
        .hasValueSatisfying(
            why -> assertThat(why).contains("at least 26 hours").contains("2026-03-02T12:00:00Z"));
    assertThat(MitigationWindow.endsByItself(raised, true, clock.instant())).isFalse();

    clock.advance(Duration.ofHours(1));
    assertThat(MitigationWindow.endRefusal(raised, clock.instant())).isEmpty();
    assertThat(MitigationWindow.endsByItself(raised, false, clock.instant()))
        .as("not while the attack alert still fires")
        .isFalse();
    assertThat(MitigationWindow.endsByItself(raised, true, clock.instant())).isTrue();
  }
}
