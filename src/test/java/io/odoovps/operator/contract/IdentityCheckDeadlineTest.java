package io.odoovps.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.IdentityCheckSpec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdentityCheckDeadlineTest {

  private static final String REQUESTED = "2026-01-15T09:00:00Z";
  private static final Instant DEADLINE = Instant.parse("2026-01-18T09:00:00Z");

  private static IdentityCheckSpec unverified() {
    return new IdentityCheckSpec(REQUESTED, null);
  }

  @Test
  void theCustomerHasSeventyTwoHours() {
    assertThat(IdentityCheckDeadline.WINDOW).isEqualTo(Duration.ofHours(72));
  }

  @Test
  void thePendingDeadlineIsSeventyTwoHoursAfterTheRequest() {
    assertThat(IdentityCheckDeadline.pending(unverified())).contains(DEADLINE);
  }

  @Test
  void aRequestGivenWithAnOffsetCountsFromTheSameInstant() {
    var check = new IdentityCheckSpec("2026-01-15T10:00:00+01:00", false);

    assertThat(IdentityCheckDeadline.pending(check)).contains(DEADLINE);
  }

  @Test
  void anExplicitlyUnverifiedCheckIsPending() {
    assertThat(IdentityCheckDeadline.pending(new IdentityCheckSpec(REQUESTED, false)))
        .contains(DEADLINE);
  }

  @Test
  void thereIsNoDeadlineWithoutACheck() {
    assertThat(IdentityCheckDeadline.pending(null)).isEmpty();
    assertThat(IdentityCheckDeadline.overdue(null, DEADLINE.plus(Duration.ofDays(365)))).isFalse();
  }

  @Test
  void thereIsNoDeadlineOnceTheIdentityIsVerified() {
    assertThat(IdentityCheckDeadline.pending(new IdentityCheckSpec(REQUESTED, true))).isEmpty();
  }

  @Test
  void aVerifiedIdentityIsNeverOverdueEvenLongAfterTheDeadline() {
    var verified = new IdentityCheckSpec(REQUESTED, true);

    assertThat(IdentityCheckDeadline.overdue(verified, DEADLINE)).isFalse();
    assertThat(IdentityCheckDeadline.overdue(verified, DEADLINE.plus(Duration.ofDays(30))))
        .isFalse();
  }

  @Test
  void isNotOverdueAtTheRequest() {
    assertThat(IdentityCheckDeadline.overdue(unverified(), Instant.parse(REQUESTED))).isFalse();
  }

  @Test
  void isNotOverdueOneSecondBeforeSeventyTwoHours() {
    assertThat(IdentityCheckDeadline.overdue(unverified(), DEADLINE.minusSeconds(1))).isFalse();
  }

  @Test
  void isNotOverdueOneMillisecondBeforeSeventyTwoHours() {
    assertThat(IdentityCheckDeadline.overdue(unverified(), DEADLINE.minusMillis(1))).isFalse();
  }

  @Test
  void isOverdueExactlySeventyTwoHoursAfterTheRequest() {
    assertThat(IdentityCheckDeadline.overdue(unverified(), DEADLINE)).isTrue();
  }

  @Test
  void isOverdueOneSecondAfterSeventyTwoHours() {
    assertThat(IdentityCheckDeadline.overdue(unverified(), DEADLINE.plusSeconds(1))).isTrue();
  }

  @Test
  void staysOverdueUntilVerified() {
    var check = unverified();
    var later = DEADLINE.plus(Duration.ofDays(10));

    assertThat(IdentityCheckDeadline.overdue(check, later)).isTrue();

    check.setVerified(true);

    assertThat(IdentityCheckDeadline.overdue(check, later)).isFalse();
  }

  @Test
  void aNewRequestStartsANewSeventyTwoHourWindow() {
    var check = unverified();
    check.setRequestedAt("2026-02-01T12:00:00Z");

    assertThat(IdentityCheckDeadline.pending(check))
        .contains(Instant.parse("2026-02-04T12:00:00Z"));
    assertThat(IdentityCheckDeadline.overdue(check, DEADLINE.plus(Duration.ofDays(1)))).isFalse();
  }
}
