package io.odoovps.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.IdentityCheckSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SuspensionPolicyTest {

  private static final String ABUSE = "Outgoing spam from the VPS (article 5)";
  private static final String ORDER = "Court order (article 12)";
  private static final String ORDER_REF = "TJ Paris 2026/123";

  private static final Instant T0 = Instant.parse("2026-01-15T09:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-16T10:30:00Z");
  private static final Instant T2 = Instant.parse("2026-01-20T08:00:00Z");
  private static final Instant T3 = Instant.parse("2026-02-01T00:00:00Z");

  private static final String REQUESTED = "2026-01-15T09:00:00Z";
  private static final Instant IDENTITY_DUE = Instant.parse("2026-01-18T09:00:00Z");

  private static OdooVpsSpec spec() {
    return new OdooVpsSpec();
  }

  private static OdooVpsSpec manual(String reason) {
    var spec = spec();
    spec.setSuspension(new SuspensionSpec(reason));
    return spec;
  }

  private static OdooVpsSpec manualDoNotResume(String reason) {
    var spec = manual(reason);
    spec.getSuspension().setDoNotResume(true);
    return spec;
  }

  private static OdooVpsSpec byAuthority() {
    var spec = manual(ORDER);
    spec.getSuspension().setAuthorityReference(ORDER_REF);
    return spec;
  }

  private static OdooVpsSpec identityRequested(Boolean verified) {
    var spec = spec();
    spec.setIdentityCheck(new IdentityCheckSpec(REQUESTED, verified));
    return spec;
  }

  private static String text(Instant instant) {
    return Timestamps.format(instant);
  }

  // --- never suspended ---

  @Test
  void aVpsThatWasNeverSuspendedHasNoSuspensionStatus() {
    assertThat(SuspensionPolicy.decide(spec(), null, T0)).isNull();
  }

  @Test
  void aPreviousStatusWithoutAnySuspensionStillGivesNoStatus() {
    var empty = new SuspensionStatus(false, null, null, null, 0, null);

    assertThat(SuspensionPolicy.decide(spec(), empty, T0)).isNull();
  }

  // --- manual suspension ---

  @Test
  void aProviderSuspensionSuspendsAtOnce() {
    var status = SuspensionPolicy.decide(manual(ABUSE), null, T0);

    assertThat(status).isEqualTo(new SuspensionStatus(true, ABUSE, null, text(T0), 1, null));
  }

  @Test
  void anAuthorityOrderCarriesItsReference() {
    var status = SuspensionPolicy.decide(byAuthority(), null, T0);

    assertThat(status.active()).isTrue();
    assertThat(status.reason()).isEqualTo(ORDER);
    assertThat(status.authorityReference()).isEqualTo(ORDER_REF);
  }

  @Test
  void theSuspensionTimeIsRecordedInWholeSeconds() {
    var status = SuspensionPolicy.decide(manual(ABUSE), null, T0.plusMillis(640));

    assertThat(status.since()).isEqualTo("2026-01-15T09:00:00Z");
  }

  @Test
  void anOngoingSuspensionKeepsItsSinceAndCount() {
    var first = SuspensionPolicy.decide(manual(ABUSE), null, T0);
    var second = SuspensionPolicy.decide(manual(ABUSE), first, T1);
    var third = SuspensionPolicy.decide(manual(ABUSE), second, T2);

    assertThat(third).isEqualTo(first);
    assertThat(third.since()).isEqualTo(text(T0));
    assertThat(third.count()).isEqualTo(1);
  }

  @Test
  void aChangedReasonDuringASuspensionIsShownButIsNotANewSuspension() {
    var first = SuspensionPolicy.decide(manual(ABUSE), null, T0);
    var second = SuspensionPolicy.decide(byAuthority(), first, T1);

    assertThat(second).isEqualTo(new SuspensionStatus(true, ORDER, ORDER_REF, text(T0), 1, null));
  }

  @Test
  void removingTheSuspensionResumesTheVpsAndKeepsTheCount() {
    var suspended = SuspensionPolicy.decide(byAuthority(), null, T0);
    var resumed = SuspensionPolicy.decide(spec(), suspended, T1);

    assertThat(resumed).isEqualTo(new SuspensionStatus(false, null, null, null, 1, null));
  }

  @Test
  void aResumedVpsKeepsItsHistoryOnLaterPasses() {
    var suspended = SuspensionPolicy.decide(manual(ABUSE), null, T0);
    var resumed = SuspensionPolicy.decide(spec(), suspended, T1);
    var later = SuspensionPolicy.decide(spec(), resumed, T2);

    assertThat(later).isEqualTo(resumed);
    assertThat(later.count()).isEqualTo(1);
    assertThat(later.active()).isFalse();
  }

  @Test
  void everyNewSuspensionIsCountedOnceWithItsOwnSince() {
    var first = SuspensionPolicy.decide(manual(ABUSE), null, T0);
    var resumed = SuspensionPolicy.decide(spec(), first, T1);
    var second = SuspensionPolicy.decide(manual(ABUSE), resumed, T2);
    var stillSecond = SuspensionPolicy.decide(manual(ABUSE), second, T3);

    assertThat(second).isEqualTo(new SuspensionStatus(true, ABUSE, null, text(T2), 2, null));
    assertThat(stillSecond.count()).isEqualTo(2);
    assertThat(stillSecond.since()).isEqualTo(text(T2));
  }

  @Test
  void aPreviousStatusWithoutACountStartsCountingAtOne() {
    var legacy = new SuspensionStatus(false, null, null, null, null, null);

    assertThat(SuspensionPolicy.decide(manual(ABUSE), legacy, T0).count()).isEqualTo(1);
  }

  // --- identity check overdue ---

  @Test
  void anUnverifiedIdentityDoesNotSuspendOneSecondBeforeSeventyTwoHours() {
    var spec = identityRequested(null);

    assertThat(SuspensionPolicy.decide(spec, null, IDENTITY_DUE.minusSeconds(1))).isNull();
  }

  @Test
  void suspendsExactlySeventyTwoHoursAfterTheRequest() {
    var status = SuspensionPolicy.decide(identityRequested(null), null, IDENTITY_DUE);

    assertThat(status)
        .isEqualTo(
            new SuspensionStatus(
                true, SuspensionPolicy.IDENTITY_OVERDUE, null, text(IDENTITY_DUE), 1, null));
  }

  @Test
  void suspendsOneSecondAfterSeventyTwoHoursWithoutVerification() {
    var status =
        SuspensionPolicy.decide(identityRequested(false), null, IDENTITY_DUE.plusSeconds(1));

    assertThat(status.active()).isTrue();
    assertThat(status.reason()).isEqualTo(SuspensionPolicy.IDENTITY_OVERDUE);
    assertThat(status.since()).isEqualTo("2026-01-18T09:00:01Z");
  }

  @Test
  void aVerifiedIdentityNeverSuspends() {
    var spec = identityRequested(true);

    assertThat(SuspensionPolicy.decide(spec, null, IDENTITY_DUE)).isNull();
    assertThat(SuspensionPolicy.decide(spec, null, IDENTITY_DUE.plus(Duration.ofDays(30))))
        .isNull();
  }

  @Test
  void verifyingTheIdentityLiftsItsSuspension() {
    var suspended = SuspensionPolicy.decide(identityRequested(null), null, IDENTITY_DUE);
    var resumed = SuspensionPolicy.decide(identityRequested(true), suspended, T2);

    assertThat(resumed).isEqualTo(new SuspensionStatus(false, null, null, null, 1, null));
  }

  @Test
  void theProvidersReasonTakesPrecedenceOverAnOverdueIdentity() {
    var spec = identityRequested(null);
    spec.setSuspension(new SuspensionSpec(ABUSE));

    var status = SuspensionPolicy.decide(spec, null, IDENTITY_DUE);

    assertThat(status.reason()).isEqualTo(ABUSE);
    assertThat(status.count()).isEqualTo(1);
  }

  @Test
  void anOverdueIdentityKeepsTheVpsSuspendedWhenTheProviderLiftsItsSuspension() {
    var both = identityRequested(null);
    both.setSuspension(new SuspensionSpec(ORDER));
    both.getSuspension().setAuthorityReference(ORDER_REF);
    var first = SuspensionPolicy.decide(both, null, T0);

    var second = SuspensionPolicy.decide(identityRequested(null), first, IDENTITY_DUE);

    assertThat(second)
        .isEqualTo(
            new SuspensionStatus(true, SuspensionPolicy.IDENTITY_OVERDUE, null, text(T0), 1, null));
  }

  @Test
  void aManualSuspensionEndingWhileTheIdentityIsNotYetOverdueResumes() {
    var both = identityRequested(null);
    both.setSuspension(new SuspensionSpec(ABUSE));
    var first = SuspensionPolicy.decide(both, null, T0);

    var second =
        SuspensionPolicy.decide(identityRequested(null), first, IDENTITY_DUE.minusSeconds(1));

    assertThat(second.active()).isFalse();
    assertThat(second.count()).isEqualTo(1);
  }

  // --- doNotResume ---

  @Test
  void doNotResumeIsShownOnTheSuspension() {
    var status = SuspensionPolicy.decide(manualDoNotResume(ABUSE), null, T0);

    assertThat(status).isEqualTo(new SuspensionStatus(true, ABUSE, null, text(T0), 1, true));
  }

  @Test
  void doNotResumeKeepsTheVpsSuspendedAfterTheSectionIsRemoved() {
    var spec = byAuthority();
    spec.getSuspension().setDoNotResume(true);
    var locked = SuspensionPolicy.decide(spec, null, T0);

    var after = SuspensionPolicy.decide(spec(), locked, T1);

    assertThat(after).isEqualTo(new SuspensionStatus(true, ORDER, ORDER_REF, text(T0), 1, true));
  }

  @Test
  void doNotResumeHoldsForGoodAcrossManyPasses() {
    var status = SuspensionPolicy.decide(manualDoNotResume(ABUSE), null, T0);
    for (int day = 1; day <= 400; day++) {
      status = SuspensionPolicy.decide(spec(), status, T0.plus(Duration.ofDays(day)));
    }

    assertThat(status).isEqualTo(new SuspensionStatus(true, ABUSE, null, text(T0), 1, true));
  }

  @Test
  void doNotResumeSeenOnceDuringASuspensionIsEnough() {
    var plain = SuspensionPolicy.decide(manual(ABUSE), null, T0);
    var locked = SuspensionPolicy.decide(manualDoNotResume(ABUSE), plain, T1);
    var flagCleared = SuspensionPolicy.decide(manual(ABUSE), locked, T2);
    var removed = SuspensionPolicy.decide(spec(), flagCleared, T3);

    assertThat(locked.doNotResume()).isTrue();
    assertThat(flagCleared.doNotResume()).isTrue();
    assertThat(removed).isEqualTo(new SuspensionStatus(true, ABUSE, null, text(T0), 1, true));
  }

  @Test
  void doNotResumeExplicitlyFalseStillResumes() {
    var spec = manual(ABUSE);
    spec.getSuspension().setDoNotResume(false);
    var suspended = SuspensionPolicy.decide(spec, null, T0);

    var resumed = SuspensionPolicy.decide(spec(), suspended, T1);

    assertThat(suspended.doNotResume()).isNull();
    assertThat(resumed.active()).isFalse();
  }

  @Test
  void doNotResumeOutlivesAVerifiedIdentity() {
    var both = identityRequested(null);
    both.setSuspension(new SuspensionSpec(ABUSE));
    both.getSuspension().setDoNotResume(true);
    var locked = SuspensionPolicy.decide(both, null, IDENTITY_DUE);

    var after = SuspensionPolicy.decide(identityRequested(true), locked, T2);

    assertThat(after.active()).isTrue();
    assertThat(after.doNotResume()).isTrue();
    assertThat(after.reason()).isEqualTo(ABUSE);
    assertThat(after.since()).isEqualTo(text(IDENTITY_DUE));
    assertThat(after.count()).isEqualTo(1);
  }

  @Test
  void aLockedSuspensionIsNotCountedAgainWhenTheProviderRepeatsIt() {
    var locked = SuspensionPolicy.decide(manualDoNotResume(ABUSE), null, T0);
    var held = SuspensionPolicy.decide(spec(), locked, T1);
    var repeated = SuspensionPolicy.decide(byAuthority(), held, T2);

    assertThat(repeated).isEqualTo(new SuspensionStatus(true, ORDER, ORDER_REF, text(T0), 1, true));
  }
}
