package io.odoovps.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.testing.MovableClock;
import java.time.Duration;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

class AvailabilityTest {

  @Test
  void theBudgetIsHalfAPercentOfTheMonth() {
    assertThat(Availability.budget(YearMonth.of(2026, 4))).isEqualTo(3 * 3600 + 36 * 60); // 30 days
    assertThat(Availability.budget(YearMonth.of(2026, 3))).isEqualTo(3 * 3600 + 43 * 60 + 12);
  }

  @Test
  void outagesAreSummedOnTransitionsOnlyAndAnOngoingOneGrowsLive() {
    var clock = MovableClock.at("2026-04-10T00:00:00Z");
    var up = Availability.next(null, false, clock.instant());
    assertThat(up.month()).isEqualTo("2026-04");
    assertThat(up.downSeconds()).isZero();
    clock.advance(Duration.ofHours(5));
    assertThat(Availability.next(up, false, clock.instant())).as("steady: no change").isSameAs(up);

    var down = Availability.next(up, true, clock.instant());
    assertThat(down.downSince()).isEqualTo("2026-04-10T05:00:00Z");
    clock.advance(Duration.ofHours(1));
    assertThat(Availability.next(down, true, clock.instant()))
        .as("still down: no write")
        .isSameAs(down);
    assertThat(Availability.budgetLeftSeconds(down, clock.instant())).isEqualTo(12960 - 3600);

    var back = Availability.next(down, false, clock.instant());
    assertThat(back.downSeconds()).isEqualTo(3600);
    assertThat(back.downSince()).isNull();
    assertThat(back.budgetLeftSeconds()).isEqualTo(9360);
    assertThat(back.percent()).isEqualTo("99.861");

    // three more hours down: the month's 99.5 % is missed
    var again = Availability.next(back, true, clock.instant());
    clock.advance(Duration.ofHours(3));
    assertThat(Availability.ratio(again, clock.instant())).isLessThan(Availability.TARGET);
    assertThat(Availability.budgetLeftSeconds(again, clock.instant())).isNegative();
  }

  @Test
  void aNewMonthStartsAFreshBudgetAndAnOutageCrossingItCountsFromTheFirst() {
    var clock = MovableClock.at("2026-04-30T23:00:00Z");
    var down =
        Availability.next(Availability.next(null, false, clock.instant()), true, clock.instant());
    clock.advance(Duration.ofHours(2)); // 2026-05-01T01:00Z
    var may = Availability.next(down, true, clock.instant());
    assertThat(may.month()).isEqualTo("2026-05");
    assertThat(may.downSince()).isEqualTo("2026-05-01T00:00:00Z");
    var up = Availability.next(may, false, clock.instant());
    assertThat(up.downSeconds()).isEqualTo(3600);
  }
}
