package io.odoovps.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreAllowanceTest {

  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void twoRestoresAMonthAreAllowed() {
    assertThat(RestoreAllowance.refusal(List.of(), at("2026-03-10T10:00:00Z"))).isEmpty();
    assertThat(
            RestoreAllowance.refusal(
                List.of(at("2026-03-01T00:00:00Z")), at("2026-03-10T10:00:00Z")))
        .isEmpty();
    assertThat(
            RestoreAllowance.left(List.of(at("2026-03-01T00:00:00Z")), at("2026-03-10T10:00:00Z")))
        .isEqualTo(1);
  }

  @Test
  void aThirdInTheSameCalendarMonthIsRefusedWithTheRuleAndTheNextAllowedDate() {
    var done = List.of(at("2026-03-01T00:00:00Z"), at("2026-03-20T08:00:00Z"));
    var refusal = RestoreAllowance.refusal(done, at("2026-03-31T23:59:59Z"));
    assertThat(refusal)
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .contains("at most 2 restores per calendar month")
                    .contains("2026-03")
                    .contains("2026-04-01T00:00:00Z"));
    assertThat(RestoreAllowance.left(done, at("2026-03-31T23:59:59Z"))).isZero();
  }

  @Test
  void theAllowanceIsPerCalendarMonthNotARollingWindow() {
    var done = List.of(at("2026-03-30T00:00:00Z"), at("2026-03-31T23:00:00Z"));
    assertThat(RestoreAllowance.refusal(done, at("2026-04-01T00:00:00Z"))).isEmpty();
    assertThat(RestoreAllowance.left(done, at("2026-04-01T00:00:00Z"))).isEqualTo(2);
  }

  @Test
  void restoresOfOtherMonthsDoNotCount() {
    var done =
        List.of(at("2026-01-05T00:00:00Z"), at("2026-02-05T00:00:00Z"), at("2026-02-06T00:00:00Z"));
    assertThat(RestoreAllowance.refusal(done, at("2026-03-01T00:00:00Z"))).isEmpty();
  }
}
