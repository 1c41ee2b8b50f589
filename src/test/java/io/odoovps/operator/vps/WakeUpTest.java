package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When a VPS is reconciled again. */
class WakeUpTest {

  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  private static final Duration RESYNC = Duration.ofMinutes(10);

  @Test
  void theEarliestDeadlineAheadOneSecondPastIt() {
    assertThat(
            WakeUp.untilEarliest(
                NOW,
                Optional.of(NOW.minusSeconds(5)),
                Optional.empty(),
                Optional.of(NOW.plusSeconds(120)),
                Optional.of(NOW.plusSeconds(60))))
        .contains(Duration.ofSeconds(61));
  }

  @Test
  void noDeadlineAhead() {
    assertThat(WakeUp.untilEarliest(NOW, Optional.of(NOW), Optional.empty())).isEmpty();
  }

  @ParameterizedTest(name = "deadline={0}s delivered={1} retry={2}s -> {3}s")
  @CsvSource(
      nullValues = "-",
      value = {
        // deadline (s), delivered, next notice attempt (s from now), expected (s)
        "-,    false, -,    600",
        "30,   false, -,    30",
        "900,  false, -,    600",
        "30,   true,  -,    1",
        "-,    false, 120,  121",
        "60,   false, 120,  60",
        "-,    false, -10,  600",
        "-5,   false, -,    600",
      })
  void after(Long deadline, boolean delivered, Long retry, long expected) {
    assertThat(
            WakeUp.after(
                deadline == null ? null : Duration.ofSeconds(deadline),
                delivered,
                Optional.ofNullable(retry).map(NOW::plusSeconds),
                RESYNC,
                NOW))
        .isEqualTo(Duration.ofSeconds(expected));
  }
}
