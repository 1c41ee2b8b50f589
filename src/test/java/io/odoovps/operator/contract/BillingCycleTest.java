package io.odoovps.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec.BillingMode;
import io.odoovps.operator.contract.BillingCycle.Period;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BillingCycleTest {

  private static final String START = "2026-01-15T09:00:00Z";

  private static Instant at(String text) {
    return Instant.parse(text);
  }

  private static BillingSpec subscription(String start) {
    return new BillingSpec(BillingMode.Subscription, start, null);
  }

  private static BillingSpec fixedTerm(String start, String end) {
    return new BillingSpec(BillingMode.FixedTerm, start, end);
  }

  private static Period period(String start, String end, int renewals) {
    return new Period(at(start), at(end), renewals);
  }

  // --- monthly cycles anchored on the start ---

  @Test
  void theFirstCycleRunsFromTheStartToTheSameDayAndTimeNextMonth() {
    assertThat(BillingCycle.current(subscription(START), at("2026-01-20T12:00:00Z")))
        .isEqualTo(period(START, "2026-02-15T09:00:00Z", 0));
  }

  @Test
  void theFirstCycleBeginsExactlyAtTheStartInstant() {
    assertThat(BillingCycle.current(subscription(START), at(START)))
        .isEqualTo(period(START, "2026-02-15T09:00:00Z", 0));
  }

  @Test
  void beforeTheStartTheFirstCycleIsReported() {
    assertThat(BillingCycle.current(subscription(START), at("2026-01-15T08:59:59Z")))
        .isEqualTo(period(START, "2026-02-15T09:00:00Z", 0));
    assertThat(BillingCycle.current(subscription(START), at("2025-06-01T00:00:00Z")))
        .isEqualTo(period(START, "2026-02-15T09:00:00Z", 0));
  }

  @Test
  void oneSecondBeforeTheFirstRenewalTheFirstCycleStillRuns() {
    assertThat(BillingCycle.current(subscription(START), at("2026-02-15T08:59:59Z")))
        .isEqualTo(period(START, "2026-02-15T09:00:00Z", 0));
  }

  @Test
  void renewsExactlyOneMonthAfterTheStart() {
    assertThat(BillingCycle.current(subscription(START), at("2026-02-15T09:00:00Z")))
        .isEqualTo(period("2026-02-15T09:00:00Z", "2026-03-15T09:00:00Z", 1));
  }

  @Test
  void oneSecondAfterTheRenewalTheSecondCycleRuns() {
    assertThat(BillingCycle.current(subscription(START), at("2026-02-15T09:00:01Z")))
        .isEqualTo(period("2026-02-15T09:00:00Z", "2026-03-15T09:00:00Z", 1));
  }

  @Test
  void theCycleEndIsExclusive() {
    var first = BillingCycle.current(subscription(START), at("2026-02-15T08:59:59Z"));
    var second = BillingCycle.current(subscription(START), at(first.end().toString()));

    assertThat(second.start()).isEqualTo(first.end());
    assertThat(second.renewals()).isEqualTo(first.renewals() + 1);
  }

  @Test
  void countsEveryRenewalOverTheYears() {
    var billing = subscription("2020-01-15T09:00:00Z");

    assertThat(BillingCycle.current(billing, at("2026-01-15T09:00:00Z")))
        .isEqualTo(period("2026-01-15T09:00:00Z", "2026-02-15T09:00:00Z", 72));
    assertThat(BillingCycle.current(billing, at("2026-01-15T08:59:59Z")))
        .isEqualTo(period("2025-12-15T09:00:00Z", "2026-01-15T09:00:00Z", 71));
  }

  @Test
  void theCycleBoundaryFollowsTheTimeOfDayOfTheStartNotMidnight() {
    var billing = subscription("2026-01-15T23:30:15Z");

    assertThat(BillingCycle.current(billing, at("2026-02-15T23:30:14Z")).renewals()).isZero();
    assertThat(BillingCycle.current(billing, at("2026-02-15T23:30:15Z")))
        .isEqualTo(period("2026-02-15T23:30:15Z", "2026-03-15T23:30:15Z", 1));
  }

  @Test
  void aStartGivenWithAnOffsetIsTheSameInstantInUtc() {
    var billing = subscription("2026-01-15T10:00:00+01:00");

    assertThat(BillingCycle.current(billing, at("2026-01-20T00:00:00Z")))
        .isEqualTo(period("2026-01-15T09:00:00Z", "2026-02-15T09:00:00Z", 0));
  }

  // --- end-of-month clamping ---

  @Test
  void aStartOnThe31stRenewsOnTheLastDayOfFebruaryInACommonYear() {
    var billing = subscription("2025-01-31T00:00:00Z");

    assertThat(BillingCycle.current(billing, at("2025-02-27T23:59:59Z")))
        .isEqualTo(period("2025-01-31T00:00:00Z", "2025-02-28T00:00:00Z", 0));
    assertThat(BillingCycle.current(billing, at("2025-02-28T00:00:00Z")))
        .isEqualTo(period("2025-02-28T00:00:00Z", "2025-03-31T00:00:00Z", 1));
  }

  @Test
  void aStartOnThe31stRenewsOnFebruary29thInALeapYear() {
    var billing = subscription("2024-01-31T00:00:00Z");

    assertThat(BillingCycle.current(billing, at("2024-02-28T23:59:59Z")).renewals()).isZero();
    assertThat(BillingCycle.current(billing, at("2024-02-29T00:00:00Z")))
        .isEqualTo(period("2024-02-29T00:00:00Z", "2024-03-31T00:00:00Z", 1));
  }

  @Test
  void aStartOnThe31stReturnsToThe31stAfterAShortMonth() {
    var billing = subscription("2025-01-31T00:00:00Z");

    assertThat(BillingCycle.current(billing, at("2025-03-30T23:59:59Z")))
        .isEqualTo(period("2025-02-28T00:00:00Z", "2025-03-31T00:00:00Z", 1));
    assertThat(BillingCycle.current(billing, at("2025-03-31T00:00:00Z")))
        .isEqualTo(period("2025-03-31T00:00:00Z", "2025-04-30T00:00:00Z", 2));
  }

  @Test
  void everyRenewalOfAStartOnThe31stFallsOnTheLastDayOfItsMonthOrThe31st() {
    var billing = subscription("2025-01-31T10:00:00Z");
    var renewals =
        List.of(
            "2025-01-31T10:00:00Z",
            "2025-02-28T10:00:00Z",
            "2025-03-31T10:00:00Z",
            "2025-04-30T10:00:00Z",
            "2025-05-31T10:00:00Z",
            "2025-06-30T10:00:00Z",
            "2025-07-31T10:00:00Z",
            "2025-08-31T10:00:00Z",
            "2025-09-30T10:00:00Z",
            "2025-10-31T10:00:00Z",
            "2025-11-30T10:00:00Z",
            "2025-12-31T10:00:00Z",
            "2026-01-31T10:00:00Z",
            "2026-02-28T10:00:00Z");

    for (int k = 0; k + 1 < renewals.size(); k++) {
      var boundary = at(renewals.get(k));
      assertThat(BillingCycle.current(billing, boundary))
          .as("cycle starting at %s", boundary)
          .isEqualTo(period(renewals.get(k), renewals.get(k + 1), k));
      if (k > 0) {
        assertThat(BillingCycle.current(billing, boundary.minusSeconds(1)))
            .as("one second before %s", boundary)
            .isEqualTo(period(renewals.get(k - 1), renewals.get(k), k - 1));
      }
    }
  }

  @Test
  void aStartOnThe30thRenewsOnThe30thAfterFebruary() {
    var billing = subscription("2025-01-30T00:00:00Z");

    assertThat(BillingCycle.current(billing, at("2025-02-28T00:00:00Z")))
        .isEqualTo(period("2025-02-28T00:00:00Z", "2025-03-30T00:00:00Z", 1));
    assertThat(BillingCycle.current(billing, at("2025-03-30T00:00:00Z")))
        .isEqualTo(period("2025-03-30T00:00:00Z", "2025-04-30T00:00:00Z", 2));
  }

  @Test
  void aStartOnFebruary29thRenewsOnThe29thExceptInShortFebruaries() {
    var billing = subscription("2024-02-29T00:00:00Z");

    assertThat(BillingCycle.current(billing, at("2024-03-29T00:00:00Z")))
        .isEqualTo(period("2024-03-29T00:00:00Z", "2024-04-29T00:00:00Z", 1));
    assertThat(BillingCycle.current(billing, at("2025-02-28T00:00:00Z")))
        .isEqualTo(period("2025-02-28T00:00:00Z", "2025-03-29T00:00:00Z", 12));
    assertThat(BillingCycle.current(billing, at("2028-02-29T00:00:00Z")))
        .isEqualTo(period("2028-02-29T00:00:00Z", "2028-03-29T00:00:00Z", 48));
  }

  // --- fixed term ---

  @Test
  void aFixedTermTruncatesTheCycleThatContainsItsEnd() {
    var billing = fixedTerm(START, "2026-03-01T00:00:00Z");

    assertThat(BillingCycle.current(billing, at("2026-02-20T00:00:00Z")))
        .isEqualTo(period("2026-02-15T09:00:00Z", "2026-03-01T00:00:00Z", 1));
  }

  @Test
  void aFixedTermDoesNotShortenCyclesBeforeItsLast() {
    var billing = fixedTerm(START, "2026-06-01T00:00:00Z");

    assertThat(BillingCycle.current(billing, at("2026-02-20T00:00:00Z")))
        .isEqualTo(period("2026-02-15T09:00:00Z", "2026-03-15T09:00:00Z", 1));
  }

  @Test
  void aFixedTermEndingExactlyOnARenewalKeepsTheFullCycle() {
    var billing = fixedTerm(START, "2026-03-15T09:00:00Z");

    assertThat(BillingCycle.current(billing, at("2026-03-15T08:59:59Z")))
        .isEqualTo(period("2026-02-15T09:00:00Z", "2026-03-15T09:00:00Z", 1));
  }

  @Test
  void aFixedTermShorterThanAMonthEndsTheFirstCycleAtTheTermEnd() {
    var billing = fixedTerm(START, "2026-01-25T00:00:00Z");

    assertThat(BillingCycle.current(billing, at(START)))
        .isEqualTo(period(START, "2026-01-25T00:00:00Z", 0));
  }

  @Test
  void aSubscriptionIgnoresAnEndDate() {
    var billing = new BillingSpec(BillingMode.Subscription, START, "2026-01-25T00:00:00Z");

    assertThat(BillingCycle.current(billing, at("2026-01-20T00:00:00Z")))
        .isEqualTo(period(START, "2026-02-15T09:00:00Z", 0));
    assertThat(BillingCycle.termEnded(billing, at("2030-01-01T00:00:00Z"))).isFalse();
  }

  @Test
  void aFixedTermWithoutAnEndBehavesLikeASubscription() {
    var billing = fixedTerm(START, null);

    assertThat(BillingCycle.current(billing, at("2026-01-20T00:00:00Z")))
        .isEqualTo(period(START, "2026-02-15T09:00:00Z", 0));
    assertThat(BillingCycle.termEnded(billing, at("2030-01-01T00:00:00Z"))).isFalse();
  }

  // --- termEnded ---

  @Test
  void aFixedTermIsNotOverOneSecondBeforeItsEnd() {
    var billing = fixedTerm(START, "2026-07-15T09:00:00Z");

    assertThat(BillingCycle.termEnded(billing, at("2026-07-15T08:59:59Z"))).isFalse();
  }

  @Test
  void aFixedTermIsOverExactlyAtItsEnd() {
    var billing = fixedTerm(START, "2026-07-15T09:00:00Z");

    assertThat(BillingCycle.termEnded(billing, at("2026-07-15T09:00:00Z"))).isTrue();
  }

  @Test
  void aFixedTermIsOverOneSecondAfterItsEnd() {
    var billing = fixedTerm(START, "2026-07-15T09:00:00Z");

    assertThat(BillingCycle.termEnded(billing, at("2026-07-15T09:00:01Z"))).isTrue();
  }

  @Test
  void aFixedTermIsNotOverBeforeItStarts() {
    var billing = fixedTerm(START, "2026-07-15T09:00:00Z");

    assertThat(BillingCycle.termEnded(billing, at("2026-01-01T00:00:00Z"))).isFalse();
  }

  @Test
  void aFixedTermEndGivenWithAnOffsetEndsAtThatInstant() {
    var billing = fixedTerm(START, "2026-07-15T11:00:00+02:00");

    assertThat(BillingCycle.termEnded(billing, at("2026-07-15T08:59:59Z"))).isFalse();
    assertThat(BillingCycle.termEnded(billing, at("2026-07-15T09:00:00Z"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-01-15T09:00:00Z",
        "2026-07-15T09:00:00Z",
        "2036-01-15T09:00:00Z",
        "2126-01-15T09:00:00Z"
      })
  void aSubscriptionNeverEndsByItself(String now) {
    assertThat(BillingCycle.termEnded(subscription(START), at(now))).isFalse();
  }

  @Test
  void aBillingSpecWithoutAModeIsASubscription() {
    var billing = new BillingSpec();
    billing.setStart(START);

    assertThat(billing.getMode()).isEqualTo(BillingMode.Subscription);
    assertThat(BillingCycle.termEnded(billing, at("2126-01-15T09:00:00Z"))).isFalse();
    assertThat(BillingCycle.current(billing, at("2026-03-20T00:00:00Z")))
        .isEqualTo(period("2026-03-15T09:00:00Z", "2026-04-15T09:00:00Z", 2));
  }
}
