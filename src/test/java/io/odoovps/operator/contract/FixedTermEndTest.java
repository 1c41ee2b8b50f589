package io.odoovps.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec.BillingMode;
import io.odoovps.operator.api.v1alpha1.odoovps.ContractEndStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FixedTermEndTest {

  private static final Duration GRACE = Duration.ofDays(30);
  private static final BillingSpec TERM =
      new BillingSpec(BillingMode.FixedTerm, "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z");

  private static Instant at(String t) {
    return Instant.parse(t);
  }

  @Test
  void nothingWhileTheTermRunsNorForASubscription() {
    assertThat(FixedTermEnd.next(TERM, null, at("2026-02-28T23:59:59Z"), GRACE)).isNull();
    var subscription = new BillingSpec(BillingMode.Subscription, "2026-01-01T00:00:00Z", null);
    assertThat(FixedTermEnd.next(subscription, null, at("2027-01-01T00:00:00Z"), GRACE)).isNull();
  }

  @Test
  void anEndSeenOnTimeCountsTheGraceFromTheEnd() {
    var end = FixedTermEnd.next(TERM, null, at("2026-03-01T00:00:01Z"), GRACE);
    assertThat(end.endedAt()).isEqualTo("2026-03-01T00:00:01Z");
    assertThat(end.deleteAt()).isEqualTo("2026-03-31T00:00:01Z");
    assertThat(end.held()).isNull();
    assertThat(FixedTermEnd.deletionDue(end, at("2026-03-31T00:00:00Z"))).isFalse();
    assertThat(FixedTermEnd.deletionDue(end, at("2026-03-31T00:00:01Z"))).isTrue();
  }

  @Test
  void anEndAlreadyPastWhenFirstSeenIsHeldAndTheGraceCountsFromThen() {
    var end = FixedTermEnd.next(TERM, null, at("2026-05-10T12:00:00Z"), GRACE);
    assertThat(end.held()).isTrue();
    assertThat(end.endedAt()).isEqualTo("2026-05-10T12:00:00Z");
    assertThat(end.deleteAt()).isEqualTo("2026-06-09T12:00:00Z");
    assertThat(FixedTermEnd.deletionDue(end, at("2026-05-10T12:00:00Z"))).isFalse();
  }

  @Test
  void aLaterPassKeepsTheRecordAndMovingTheEndWithinThePastKeepsTheGrace() {
    var first = FixedTermEnd.next(TERM, null, at("2026-03-01T00:05:00Z"), GRACE);
    assertThat(FixedTermEnd.next(TERM, first, at("2026-03-20T00:00:00Z"), GRACE)).isSameAs(first);
    var earlier =
        new BillingSpec(BillingMode.FixedTerm, "2026-01-01T00:00:00Z", "2026-02-15T00:00:00Z");
    var moved = FixedTermEnd.next(earlier, first, at("2026-03-20T00:00:00Z"), GRACE);
    assertThat(moved.termEnd()).isEqualTo("2026-02-15T00:00:00Z");
    assertThat(moved.deleteAt()).isEqualTo(first.deleteAt());
  }

  @Test
  void anExtensionOrASwitchToASubscriptionEndsIt() {
    var first =
        new ContractEndStatus(
            "2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-03-31T00:00:00Z", null);
    var later =
        new BillingSpec(BillingMode.FixedTerm, "2026-01-01T00:00:00Z", "2026-09-01T00:00:00Z");
    assertThat(FixedTermEnd.next(later, first, at("2026-03-10T00:00:00Z"), GRACE)).isNull();
    var subscription = new BillingSpec(BillingMode.Subscription, "2026-01-01T00:00:00Z", null);
    assertThat(FixedTermEnd.next(subscription, first, at("2026-03-10T00:00:00Z"), GRACE)).isNull();
  }
}
