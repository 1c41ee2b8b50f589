package io.odoovps.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoovps.operator.api.v1alpha1.odoovps.PlanChangeStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.PlanSpec;
import io.odoovps.operator.contract.PlanChangeTracker.Outcome;
import io.odoovps.operator.contract.PlanChangeTracker.State;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

class PlanChangeTrackerTest {

  private static final Duration LEAD = Duration.ofHours(6);

  private static final String PAID = "2026-03-10T12:00:00Z";
  private static final Instant PAID_AT = Instant.parse(PAID);
  private static final Instant DUE = Instant.parse("2026-03-12T12:00:00Z");
  private static final Instant WARN = Instant.parse("2026-03-12T06:00:00Z");

  private static final String SMALL = "2 vCPU, 4Gi, 40Gi disk";
  private static final String LARGE = "4 vCPU, 8Gi, 80Gi disk";

  private static PlanSpec small() {
    return new PlanSpec("business-2", 2, "4Gi", "40Gi");
  }

  private static PlanSpec largePaid(String paidAt) {
    var plan = new PlanSpec("business-4", 4, "8Gi", "80Gi");
    plan.setPaidAt(paidAt);
    return plan;
  }

  /** The status after the small plan was first applied, long before any paid change. */
  private static PlanChangeStatus smallApplied() {
    return new PlanChangeStatus(SMALL, null, null, "2026-01-15T09:05:00Z", null);
  }

  private static Outcome next(
      PlanChangeStatus previous, PlanSpec plan, boolean vmRunsPlan, Instant now) {
    return PlanChangeTracker.next(previous, plan, vmRunsPlan, now, LEAD);
  }

  // --- PlanChangeDeadline ---

  @Test
  void aPaidChangeIsDueFortyEightHoursAfterThePayment() {
    assertThat(PlanChangeDeadline.WINDOW).isEqualTo(Duration.ofHours(48));
    assertThat(PlanChangeDeadline.deadline(PAID_AT)).isEqualTo(DUE);
  }

  @Test
  void theWarningComesTheLeadBeforeTheDeadline() {
    assertThat(PlanChangeDeadline.warnAt(PAID_AT, LEAD)).isEqualTo(WARN);
    assertThat(PlanChangeDeadline.warnAt(PAID_AT, Duration.ZERO)).isEqualTo(DUE);
  }

  @Test
  void aChangeAppliedOneSecondBeforeTheDeadlineMeetsIt() {
    assertThat(PlanChangeDeadline.met(PAID_AT, DUE.minusSeconds(1))).isTrue();
  }

  @Test
  void aChangeAppliedExactlyAtTheDeadlineMeetsIt() {
    assertThat(PlanChangeDeadline.met(PAID_AT, DUE)).isTrue();
  }

  @Test
  void aChangeAppliedOneSecondAfterTheDeadlineMissesIt() {
    assertThat(PlanChangeDeadline.met(PAID_AT, DUE.plusSeconds(1))).isFalse();
  }

  @Test
  void aChangeAppliedRightAtThePaymentMeetsIt() {
    assertThat(PlanChangeDeadline.met(PAID_AT, PAID_AT)).isTrue();
  }

  // --- applied ---

  @Test
  void aVmRunningThePlanIsAppliedNowWithNothingLeftToCheck() {
    var now = Instant.parse("2026-01-15T09:05:00Z");

    var outcome = next(null, small(), true, now);

    assertThat(outcome.state()).isEqualTo(State.APPLIED);
    assertThat(outcome.nextCheck()).isNull();
    assertThat(outcome.status())
        .isEqualTo(new PlanChangeStatus(SMALL, null, null, "2026-01-15T09:05:00Z", null));
  }

  @Test
  void aPlanThatWasNeverPaidForHasNoDeadlineAndNoVerdict() {
    var outcome = next(smallApplied(), small(), true, Instant.parse("2026-02-01T00:00:00Z"));

    assertThat(outcome.status().paidAt()).isNull();
    assertThat(outcome.status().deadline()).isNull();
    assertThat(outcome.status().deadlineMet()).isNull();
  }

  @Test
  void appliedAtIsKeptAcrossPassesForTheSameChange() {
    var first = next(smallApplied(), largePaid(PAID), true, PAID_AT.plus(Duration.ofHours(3)));
    var second = next(first.status(), largePaid(PAID), true, PAID_AT.plus(Duration.ofDays(5)));

    assertThat(second.state()).isEqualTo(State.APPLIED);
    assertThat(second.status().appliedAt()).isEqualTo("2026-03-10T15:00:00Z");
    assertThat(second.status()).isEqualTo(first.status());
  }

  @Test
  void appliedAtOfAnUnpaidPlanIsKeptAcrossPasses() {
    var outcome = next(smallApplied(), small(), true, Instant.parse("2026-02-01T00:00:00Z"));

    assertThat(outcome.status().appliedAt()).isEqualTo("2026-01-15T09:05:00Z");
  }

  @Test
  void aChangeAppliedInTimeStaysMetWhenLaterPassesComeAfterTheDeadline() {
    var applied = next(smallApplied(), largePaid(PAID), true, DUE.minusSeconds(1));
    var later = next(applied.status(), largePaid(PAID), true, DUE.plus(Duration.ofDays(3)));

    assertThat(later.status().appliedAt()).isEqualTo("2026-03-12T11:59:59Z");
    assertThat(later.status().deadlineMet()).isTrue();
  }

  @Test
  void aNewSizingIsAppliedWhenTheVmFirstRunsIt() {
    var now = PAID_AT.plus(Duration.ofHours(1));

    var outcome = next(smallApplied(), largePaid(PAID), true, now);

    assertThat(outcome.state()).isEqualTo(State.APPLIED);
    assertThat(outcome.status())
        .isEqualTo(
            new PlanChangeStatus(
                LARGE, PAID, "2026-03-12T12:00:00Z", "2026-03-10T13:00:00Z", true));
  }

  @Test
  void aNewPaymentForTheSameSizingIsANewChangeAppliedAnew() {
    var previous =
        new PlanChangeStatus(LARGE, PAID, "2026-03-12T12:00:00Z", "2026-03-10T13:00:00Z", true);
    var now = Instant.parse("2026-04-02T08:00:00Z");

    var outcome = next(previous, largePaid("2026-04-01T08:00:00Z"), true, now);

    assertThat(outcome.status().appliedAt()).isEqualTo("2026-04-02T08:00:00Z");
    assertThat(outcome.status().paidAt()).isEqualTo("2026-04-01T08:00:00Z");
    assertThat(outcome.status().deadline()).isEqualTo("2026-04-03T08:00:00Z");
    assertThat(outcome.status().deadlineMet()).isTrue();
  }

  @Test
  void aChangeAppliedOneSecondBeforeTheDeadlineIsReportedMet() {
    var outcome = next(smallApplied(), largePaid(PAID), true, DUE.minusSeconds(1));

    assertThat(outcome.state()).isEqualTo(State.APPLIED);
    assertThat(outcome.status().deadlineMet()).isTrue();
  }

  @Test
  void aChangeAppliedExactlyAtTheDeadlineIsReportedMet() {
    var outcome = next(smallApplied(), largePaid(PAID), true, DUE);

    assertThat(outcome.status().appliedAt()).isEqualTo("2026-03-12T12:00:00Z");
    assertThat(outcome.status().deadlineMet()).isTrue();
  }

  @Test
  void aChangeAppliedOneSecondAfterTheDeadlineIsReportedLate() {
    var outcome = next(smallApplied(), largePaid(PAID), true, DUE.plusSeconds(1));

    assertThat(outcome.state()).isEqualTo(State.APPLIED);
    assertThat(outcome.status().appliedAt()).isEqualTo("2026-03-12T12:00:01Z");
    assertThat(outcome.status().deadlineMet()).isFalse();
  }

  @Test
  void aChangeAppliedAfterItsDeadlineWasMissedIsReportedLate() {
    var missed = next(smallApplied(), largePaid(PAID), false, DUE.plusSeconds(1));
    var applied = next(missed.status(), largePaid(PAID), true, DUE.plus(Duration.ofHours(2)));

    assertThat(missed.state()).isEqualTo(State.DEADLINE_MISSED);
    assertThat(applied.state()).isEqualTo(State.APPLIED);
    assertThat(applied.status())
        .isEqualTo(
            new PlanChangeStatus(
                LARGE, PAID, "2026-03-12T12:00:00Z", "2026-03-12T14:00:00Z", false));
  }

  @Test
  void theAppliedTimeIsRecordedInWholeSeconds() {
    var outcome =
        next(smallApplied(), largePaid(PAID), true, Instant.parse("2026-03-10T13:00:00.750Z"));

    assertThat(outcome.status().appliedAt()).isEqualTo("2026-03-10T13:00:00Z");
  }

  @Test
  void aPaymentGivenWithAnOffsetIsDueFortyEightHoursAfterThatInstant() {
    var outcome =
        next(
            smallApplied(),
            largePaid("2026-03-10T14:00:00+02:00"),
            false,
            Instant.parse("2026-03-10T13:00:00Z"));

    assertThat(outcome.status().paidAt()).isEqualTo("2026-03-10T14:00:00+02:00");
    assertThat(outcome.status().deadline()).isEqualTo("2026-03-12T12:00:00Z");
    assertThat(outcome.nextCheck()).isEqualTo(WARN);
  }

  // --- pending ---

  @Test
  void aPendingChangeKeepsWhatTheVmLastRanAndReportsItsDeadline() {
    var outcome = next(smallApplied(), largePaid(PAID), false, PAID_AT.plus(Duration.ofHours(1)));

    assertThat(outcome.state()).isEqualTo(State.PENDING);
    assertThat(outcome.status())
        .isEqualTo(new PlanChangeStatus(SMALL, PAID, "2026-03-12T12:00:00Z", null, null));
  }

  @Test
  void aPendingChangeIsCheckedAgainWhenTheWarningIsDue() {
    var outcome = next(smallApplied(), largePaid(PAID), false, PAID_AT);

    assertThat(outcome.state()).isEqualTo(State.PENDING);
    assertThat(outcome.nextCheck()).isEqualTo(WARN);
  }

  @Test
  void aChangeIsStillPendingOneSecondBeforeTheWarning() {
    var outcome = next(smallApplied(), largePaid(PAID), false, WARN.minusSeconds(1));

    assertThat(outcome.state()).isEqualTo(State.PENDING);
    assertThat(outcome.nextCheck()).isEqualTo(WARN);
  }

  @Test
  void theDeadlineIsApproachingExactlyTheWarningLeadBeforeIt() {
    var outcome = next(smallApplied(), largePaid(PAID), false, WARN);

    assertThat(outcome.state()).isEqualTo(State.DEADLINE_APPROACHING);
    assertThat(outcome.nextCheck()).isEqualTo(DUE);
    assertThat(outcome.status())
        .isEqualTo(new PlanChangeStatus(SMALL, PAID, "2026-03-12T12:00:00Z", null, null));
  }

  @Test
  void theDeadlineIsStillApproachingOneSecondBeforeIt() {
    var outcome = next(smallApplied(), largePaid(PAID), false, DUE.minusSeconds(1));

    assertThat(outcome.state()).isEqualTo(State.DEADLINE_APPROACHING);
    assertThat(outcome.nextCheck()).isEqualTo(DUE);
    assertThat(outcome.status().deadlineMet()).isNull();
  }

  /**
   * The contract counts a change applied exactly at paidAt + 48 h as on time ({@link
   * PlanChangeDeadline#met} and {@link #aChangeAppliedExactlyAtTheDeadlineIsReportedMet}); the
   * deadline has not passed yet at that instant, so an unapplied change must not be reported missed
   * (with deadlineMet=false) while applying it in the same second is reported met.
   */
  @Test
  void anUnappliedChangeIsNotYetMissedExactlyAtTheDeadline() {
    var outcome = next(smallApplied(), largePaid(PAID), false, DUE);

    assertThat(outcome.state()).isEqualTo(State.DEADLINE_APPROACHING);
    assertThat(outcome.status().deadlineMet()).isNull();
  }

  @Test
  void theDeadlineIsMissedOneSecondAfterItWithoutApplying() {
    var outcome = next(smallApplied(), largePaid(PAID), false, DUE.plusSeconds(1));

    assertThat(outcome.state()).isEqualTo(State.DEADLINE_MISSED);
    assertThat(outcome.nextCheck()).isNull();
    assertThat(outcome.status())
        .isEqualTo(new PlanChangeStatus(SMALL, PAID, "2026-03-12T12:00:00Z", null, false));
  }

  @Test
  void aMissedDeadlineStaysMissedOnLaterPasses() {
    var missed = next(smallApplied(), largePaid(PAID), false, DUE.plusSeconds(1));
    var later = next(missed.status(), largePaid(PAID), false, DUE.plus(Duration.ofDays(2)));

    assertThat(later.state()).isEqualTo(State.DEADLINE_MISSED);
    assertThat(later.status()).isEqualTo(missed.status());
  }

  @Test
  void aWarningLeadLongerThanTheWindowWarnsAtOnce() {
    var outcome =
        PlanChangeTracker.next(smallApplied(), largePaid(PAID), false, PAID_AT, Duration.ofDays(3));

    assertThat(outcome.state()).isEqualTo(State.DEADLINE_APPROACHING);
    assertThat(outcome.nextCheck()).isEqualTo(DUE);
  }

  @Test
  void anUnpaidPlanNotYetRunningIsPendingWithoutDeadlineOrWakeUp() {
    var outcome = next(null, small(), false, Instant.parse("2026-01-15T09:00:00Z"));

    assertThat(outcome.state()).isEqualTo(State.PENDING);
    assertThat(outcome.nextCheck()).isNull();
    assertThat(outcome.status()).isEqualTo(new PlanChangeStatus(null, null, null, null, null));
  }

  @Test
  void anUnpaidPlanIsNeverReportedMissed() {
    var outcome = next(smallApplied(), small(), false, Instant.parse("2030-01-01T00:00:00Z"));

    // Applied once, it stays applied while the VM restarts; an unpaid plan has no deadline.
    assertThat(outcome.state()).isNotEqualTo(State.DEADLINE_MISSED);
    assertThat(outcome.status().deadlineMet()).isNull();
  }

  @Test
  void aChangeIsAppliedWhenTheVmFirstRunsItNotWhenItWasFirstSeen() {
    var pending = next(smallApplied(), largePaid(PAID), false, PAID_AT.plus(Duration.ofHours(1)));
    var applied = next(pending.status(), largePaid(PAID), true, PAID_AT.plus(Duration.ofHours(5)));

    assertThat(applied.state()).isEqualTo(State.APPLIED);
    assertThat(applied.status().appliedAt()).isEqualTo("2026-03-10T17:00:00Z");
    assertThat(applied.status().appliedPlan()).isEqualTo(LARGE);
    assertThat(applied.status().deadlineMet()).isTrue();
  }

  /**
   * The VM ran the change in time; one pass later it does not (restart required, or the VM missing
   * from the cache for a moment) and then runs it again. The change was applied once, in time: its
   * appliedAt and its verdict must not be rewritten.
   */
  @Test
  void aChangeAppliedInTimeKeepsItsAppliedAtAndVerdictAfterAPassWhereTheVmDidNotRunIt() {
    var applied = next(smallApplied(), largePaid(PAID), true, PAID_AT.plus(Duration.ofHours(1)));
    var blip = next(applied.status(), largePaid(PAID), false, DUE.plus(Duration.ofHours(1)));
    var again = next(blip.status(), largePaid(PAID), true, DUE.plus(Duration.ofHours(2)));

    assertThat(applied.status().deadlineMet()).isTrue();
    assertThat(again.state()).isEqualTo(State.APPLIED);
    assertThat(again.status().appliedAt()).isEqualTo("2026-03-10T13:00:00Z");
    assertThat(again.status().deadlineMet()).isTrue();
  }

  // --- Timestamps ---

  @Test
  void timestampsReadUtcAndOffsetTextAsTheSameInstant() {
    assertThat(Timestamps.parse("2026-03-10T12:00:00Z")).isEqualTo(PAID_AT);
    assertThat(Timestamps.parse("2026-03-10T14:00:00+02:00")).isEqualTo(PAID_AT);
    assertThat(Timestamps.parse("2026-03-10T07:00:00-05:00")).isEqualTo(PAID_AT);
  }

  @Test
  void timestampsReadFractionalSeconds() {
    assertThat(Timestamps.parse("2026-03-10T12:00:00.250Z")).isEqualTo(PAID_AT.plusMillis(250));
  }

  @Test
  void timestampsAreWrittenInUtcWithWholeSecondsTruncated() {
    assertThat(Timestamps.format(Instant.parse("2026-03-10T12:00:00Z")))
        .isEqualTo("2026-03-10T12:00:00Z");
    assertThat(Timestamps.format(Instant.parse("2026-03-10T12:00:00.999Z")))
        .isEqualTo("2026-03-10T12:00:00Z");
    assertThat(Timestamps.format(Instant.parse("2026-03-10T12:00:59.001Z")))
        .isEqualTo("2026-03-10T12:00:59Z");
  }

  @Test
  void timestampsRoundTripWholeSeconds() {
    var instant = Instant.parse("2024-02-29T23:59:59Z");

    assertThat(Timestamps.parse(Timestamps.format(instant))).isEqualTo(instant);
  }

  @Test
  void timestampsPassNullThrough() {
    assertThat(Timestamps.parse(null)).isNull();
    assertThat(Timestamps.format(null)).isNull();
  }

  @Test
  void timestampsRejectTextThatIsNotRfc3339() {
    assertThatThrownBy(() -> Timestamps.parse("2026-03-10 12:00:00"))
        .isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Timestamps.parse("2026-03-10T12:00:00"))
        .isInstanceOf(DateTimeParseException.class);
  }
}
