package io.odoovps.operator.mitigation;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.DdosStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.SmtpStatus;
import io.odoovps.operator.contract.SmtpBlockLadder;
import io.odoovps.operator.event.PlannedEvent;
import io.odoovps.operator.mitigation.MitigationObservation.Alert;
import io.odoovps.operator.status.ConditionList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The port-25 block ladder (contract article 7) and the DDoS 26-hour hold (article 9) as a
 * MitigationState applies them, one row per judgement: plain objects, no API server.
 */
class MitigationDecisionTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration RESYNC = Duration.ofMinutes(10);
  private static final SmtpBlockLadder LADDER =
      new SmtpBlockLadder(List.of(Duration.ofHours(24), Duration.ofDays(7), Duration.ofDays(30)));
  private static final MitigationDecision NO_SCRUBBING =
      new MitigationDecision(LADDER, 25, false, RESYNC);
  private static final MitigationDecision SCRUBBING =
      new MitigationDecision(LADDER, 25, true, RESYNC);

  private static Instant at(Duration after) {
    return T0.plus(after);
  }

  private static String text(Instant instant) {
    return instant.toString();
  }

  private static Alert spam(Instant since) {
    return new Alert("OdooVpsSpamSuspected", since, 1);
  }

  private static Alert attack(int level) {
    return new Alert("OdooVpsDDoSAttack", T0.minusSeconds(60), level);
  }

  /** Port 25 after {@code blocks} blocks, the last from {@code detection} until {@code until}. */
  private static SmtpStatus blocked(int blocks, Instant detection, Instant until) {
    return new SmtpStatus(
        true,
        blocks,
        text(detection),
        text(until),
        text(detection),
        null,
        null,
        null,
        text(detection),
        null);
  }

  private static DdosStatus mitigating(int level, Instant since) {
    return new DdosStatus(
        true, level, text(since), text(since.plus(Duration.ofHours(26))), true, "alert x", null, 1);
  }

  private static MitigationStateStatus status(SmtpStatus smtp, DdosStatus ddos) {
    return new MitigationStateStatus(ddos, smtp, List.of(), 1L);
  }

  private static MitigationStateSpec spec(Boolean active, Integer level, String unblock) {
    var spec = new MitigationStateSpec();
    spec.setVps("web");
    if (active != null || level != null) {
      spec.setDdos(new MitigationStateSpec.Ddos(active, level));
    }
    if (unblock != null) {
      spec.setSmtp(new MitigationStateSpec.Smtp(unblock));
    }
    return spec;
  }

  private static MitigationObservation seen(
      MitigationStateStatus previous,
      MitigationStateSpec spec,
      List<Alert> spam,
      List<Alert> attacks,
      Instant now) {
    return new MitigationObservation(
        "web", 1L, spec, previous, previous, false, spam, attacks, now);
  }

  /**
   * One judgement: what is seen, and what it must give: port 25 blocked and its block count, DDoS
   * mitigation on and its level, a refusal (a part of the RequestsHonoured message) and the Events.
   */
  record Row(
      String name,
      MitigationDecision decision,
      MitigationObservation seen,
      boolean blocked,
      int blocks,
      boolean mitigated,
      Integer level,
      String refusal,
      List<String> events) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    var none = spec(null, null, null);
    var blockedOnce = blocked(1, T0, at(Duration.ofHours(24)));
    var blockedThrice = blocked(3, T0, at(Duration.ofDays(30)));
    var lifted = at(Duration.ofHours(25));
    var on = mitigating(2, T0);
    var after26h = at(Duration.ofHours(27));
    return Stream.of(
        // --- port 25 (article 7) ---
        new Row(
            "quiet: nothing fires, nothing changes",
            NO_SCRUBBING,
            seen(null, none, List.of(), List.of(), T0),
            false,
            0,
            false,
            null,
            null,
            List.of()),
        new Row(
            "spam blocks port 25 for the first step of the ladder",
            NO_SCRUBBING,
            seen(null, none, List.of(spam(T0)), List.of(), T0),
            true,
            1,
            false,
            null,
            null,
            List.of("SmtpBlocked")),
        new Row(
            "spam while blocked does not block again",
            NO_SCRUBBING,
            seen(
                status(blockedOnce, null),
                none,
                List.of(spam(T0.plusSeconds(60))),
                List.of(),
                at(Duration.ofHours(1))),
            true,
            1,
            false,
            null,
            null,
            List.of()),
        new Row(
            "the same detection once the block ended does not block again",
            NO_SCRUBBING,
            seen(status(blockedOnce, null), none, List.of(spam(T0)), List.of(), lifted),
            false,
            1,
            false,
            null,
            null,
            List.of()),
        new Row(
            "a newer detection once the block ended blocks again, longer",
            NO_SCRUBBING,
            seen(
                status(blockedOnce, null),
                none,
                List.of(spam(lifted.minusSeconds(10))),
                List.of(),
                lifted),
            true,
            2,
            false,
            null,
            null,
            List.of("SmtpBlocked")),
        new Row(
            "an unblock request on the first block is granted",
            NO_SCRUBBING,
            seen(
                status(blockedOnce, null),
                spec(null, null, "T-1"),
                List.of(),
                List.of(),
                at(Duration.ofHours(1))),
            false,
            1,
            false,
            null,
            null,
            List.of("SmtpUnblocked")),
        new Row(
            "from the third block an unblock request is refused",
            NO_SCRUBBING,
            seen(
                status(blockedThrice, null),
                spec(null, null, "T-2"),
                List.of(),
                List.of(),
                at(Duration.ofHours(1))),
            true,
            3,
            false,
            null,
            "from the third block on",
            List.of("RequestRefused")),
        new Row(
            "a request on an open port is refused but not reported",
            NO_SCRUBBING,
            seen(null, spec(null, null, "T-3"), List.of(), List.of(), T0),
            false,
            0,
            false,
            null,
            null,
            List.of()),
        // --- DDoS mitigation (article 9) ---
        new Row(
            "an attack switches mitigation on at the alert's level",
            NO_SCRUBBING,
            seen(null, none, List.of(), List.of(attack(2)), T0),
            false,
            0,
            true,
            2,
            null,
            List.of("DdosMitigationOn")),
        new Row(
            "level 3 without scrubbing CIDRs stays at 2",
            NO_SCRUBBING,
            seen(null, none, List.of(), List.of(attack(3)), T0),
            false,
            0,
            true,
            2,
            null,
            List.of("DdosMitigationOn")),
        new Row(
            "level 3 with scrubbing CIDRs",
            SCRUBBING,
            seen(null, none, List.of(), List.of(attack(3)), T0),
            false,
            0,
            true,
            3,
            null,
            List.of("DdosMitigationOn")),
        new Row(
            "staff switch it on by hand at level 1",
            NO_SCRUBBING,
            seen(null, spec(true, null, null), List.of(), List.of(), T0),
            false,
            0,
            true,
            1,
            null,
            List.of("DdosMitigationOn")),
        new Row(
            "a stronger attack raises the level",
            NO_SCRUBBING,
            seen(
                status(null, mitigating(1, T0)),
                none,
                List.of(),
                List.of(attack(2)),
                at(Duration.ofHours(1))),
            false,
            0,
            true,
            2,
            null,
            List.of("DdosMitigationRaised")),
        new Row(
            "the level cannot fall while active",
            NO_SCRUBBING,
            seen(
                status(null, on),
                spec(null, 1, null),
                List.of(),
                List.of(),
                at(Duration.ofHours(1))),
            false,
            0,
            true,
            2,
            "can rise while active, not fall",
            List.of("RequestRefused")),
        new Row(
            "level 3 asked without scrubbing CIDRs is refused, the maximum holds",
            NO_SCRUBBING,
            seen(
                status(null, mitigating(1, T0)),
                spec(null, 3, null),
                List.of(),
                List.of(),
                at(Duration.ofHours(1))),
            false,
            0,
            true,
            2,
            "scrubbing-cidrs is empty",
            List.of("DdosMitigationRaised", "RequestRefused")),
        new Row(
            "ending it before 26 hours is refused",
            NO_SCRUBBING,
            seen(
                status(null, on),
                spec(false, null, null),
                List.of(),
                List.of(),
                at(Duration.ofHours(2))),
            false,
            0,
            true,
            2,
            "at least 26 hours",
            List.of("RequestRefused")),
        new Row(
            "ending it after 26 hours while the attack fires is refused",
            NO_SCRUBBING,
            seen(
                status(null, on), spec(false, null, null), List.of(), List.of(attack(1)), after26h),
            false,
            0,
            true,
            2,
            "still fires",
            List.of("RequestRefused")),
        new Row(
            "ending it after 26 hours once the attack cleared is honoured",
            NO_SCRUBBING,
            seen(status(null, on), spec(false, null, null), List.of(), List.of(), after26h),
            false,
            0,
            false,
            null,
            null,
            List.of("DdosMitigationOff")),
        new Row(
            "it holds by itself before 26 hours though the attack cleared",
            NO_SCRUBBING,
            seen(status(null, on), none, List.of(), List.of(), at(Duration.ofHours(25))),
            false,
            0,
            true,
            2,
            null,
            List.of()),
        new Row(
            "it ends by itself after 26 hours once the attack cleared",
            NO_SCRUBBING,
            seen(status(null, on), none, List.of(), List.of(), after26h),
            false,
            0,
            false,
            null,
            null,
            List.of("DdosMitigationOff")),
        new Row(
            "it holds after 26 hours while the attack fires",
            NO_SCRUBBING,
            seen(status(null, on), none, List.of(), List.of(attack(1)), after26h),
            false,
            0,
            true,
            2,
            null,
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void judgement(Row row) {
    var plan = row.decision().decide(row.seen());
    var verdict = row.decision().settle(row.seen(), plan, Optional.empty());
    var status = verdict.status();
    assertThat(status.smtp().blocked()).as("port 25 blocked").isEqualTo(row.blocked());
    assertThat(status.smtp().blocks()).as("blocks").isEqualTo(row.blocks());
    assertThat(status.ddos().active()).as("DDoS mitigation on").isEqualTo(row.mitigated());
    assertThat(status.ddos().level()).as("DDoS level").isEqualTo(row.level());
    var requests = condition(status, MitigationConditions.REQUESTS);
    if (row.refusal() == null) {
      assertThat(requests.getStatus()).isEqualTo("True");
    } else {
      assertThat(requests.getStatus()).isEqualTo("False");
      assertThat(requests.getMessage()).contains(row.refusal());
    }
    assertThat(verdict.events()).extracting(PlannedEvent::reason).isEqualTo(row.events());
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      MitigationStateStatus status, String type) {
    return ConditionList.find(status.conditions(), type).orElseThrow();
  }

  @Test
  void theBlockLastsItsLadderStepAndWakesThePassJustAfter() {
    var seen = seen(null, spec(null, null, null), List.of(spam(T0)), List.of(), T0);
    var plan = NO_SCRUBBING.decide(seen);
    assertThat(plan.smtp().blockedUntil()).isEqualTo("2026-03-02T10:00:00Z");
    assertThat(plan.smtp().detectionStartedAt()).isEqualTo(text(T0));
    assertThat(plan.noticeDue()).as("the customer is told of the block").isTrue();
    // the resync comes before the block's end
    assertThat(NO_SCRUBBING.settle(seen, plan, Optional.empty()).after()).isEqualTo(RESYNC);
    var longResync = new MitigationDecision(LADDER, 25, false, Duration.ofDays(2));
    assertThat(longResync.settle(seen, plan, Optional.empty()).after())
        .isEqualTo(Duration.ofHours(24).plusSeconds(1));
  }

  @Test
  void aNoticeThatWentIsRecordedAndOneThatFailedIsRetriedInFiveMinutes() {
    var seen = seen(null, spec(null, null, null), List.of(spam(T0)), List.of(), T0);
    var plan = NO_SCRUBBING.decide(seen);
    var sent = NO_SCRUBBING.settle(seen, plan, Optional.empty()).status().smtp();
    assertThat(sent.noticeSentAt()).isEqualTo(text(T0));
    assertThat(sent.noticeProblem()).isNull();
    var longResync = new MitigationDecision(LADDER, 25, false, Duration.ofDays(2));
    var failed = longResync.settle(seen, plan, Optional.of("mail server down"));
    assertThat(failed.status().smtp().noticeSentAt()).isNull();
    assertThat(failed.status().smtp().noticeProblem()).isEqualTo("mail server down");
    assertThat(failed.after()).isEqualTo(Duration.ofMinutes(5).plusSeconds(1));
    // the next pass tries again: the notice is still due
    var again =
        seen(
            failed.status(),
            spec(null, null, null),
            List.of(spam(T0)),
            List.of(),
            T0.plusSeconds(301));
    assertThat(longResync.decide(again).noticeDue()).isTrue();
    assertThat(SmtpBlockDecision.nobodyToEmail("web")).contains("OdooVps web not found");
  }

  @Test
  void aRefusalIsReportedOnceAndAQuietPassGivesTheSameStatus() {
    var spec = spec(null, null, "T-9");
    var blockedThrice = blocked(3, T0, at(Duration.ofDays(30)));
    var first = seen(status(blockedThrice, null), spec, List.of(), List.of(), T0.plusSeconds(60));
    var verdict = NO_SCRUBBING.settle(first, NO_SCRUBBING.decide(first), Optional.empty());
    assertThat(verdict.events()).extracting(PlannedEvent::reason).containsExactly("RequestRefused");
    var next = seen(verdict.status(), spec, List.of(), List.of(), T0.plusSeconds(120));
    var again = NO_SCRUBBING.settle(next, NO_SCRUBBING.decide(next), Optional.empty());
    assertThat(again.events()).as("the same refusal, not reported again").isEmpty();
    assertThat(again.status()).as("a quiet pass writes nothing").isEqualTo(verdict.status());
  }

  @Test
  void theMitigationWindowHoldsTwentySixHoursFromItsActivation() {
    var seen = seen(null, spec(null, null, null), List.of(), List.of(attack(1)), T0);
    var ddos =
        NO_SCRUBBING.settle(seen, NO_SCRUBBING.decide(seen), Optional.empty()).status().ddos();
    assertThat(ddos.activatedAt()).isEqualTo(text(T0));
    assertThat(ddos.earliestEnd()).isEqualTo("2026-03-02T12:00:00Z");
    assertThat(ddos.activatedBy()).isEqualTo("alert OdooVpsDDoSAttack");
    assertThat(ddos.activations()).isEqualTo(1);
    assertThat(ddos.attackFiring()).isTrue();
    var ended =
        seen(
            status(null, ddos),
            spec(null, null, null),
            List.of(),
            List.of(),
            at(Duration.ofHours(27)));
    var off =
        NO_SCRUBBING.settle(ended, NO_SCRUBBING.decide(ended), Optional.empty()).status().ddos();
    assertThat(off.endedAt()).isEqualTo(text(at(Duration.ofHours(27))));
    assertThat(off.activations()).as("kept for the contract record").isEqualTo(1);
  }

  @Test
  void aStatusRestoredFromTheContractRecordSaysSo() {
    var previous = status(blocked(2, T0, at(Duration.ofDays(7))), null);
    var seen =
        new MitigationObservation(
            "web",
            1L,
            spec(null, null, null),
            null,
            previous,
            true,
            List.of(),
            List.of(),
            T0.plusSeconds(60));
    var verdict = NO_SCRUBBING.settle(seen, NO_SCRUBBING.decide(seen), Optional.empty());
    assertThat(verdict.events())
        .extracting(PlannedEvent::reason)
        .containsExactly("ContractStateRestored");
    assertThat(verdict.status().smtp().blocks()).isEqualTo(2);
    assertThat(verdict.status().smtp().blocked()).isTrue();
  }

  @ParameterizedTest(name = "level label {0} -> {1}")
  @MethodSource("levels")
  void theAttackLevelComesFromTheAlertsLevelLabel(String label, int level) {
    assertThat(Alert.level(label)).isEqualTo(level);
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> levels() {
    return Stream.of(
            new Object[] {null, 1},
            new Object[] {"2", 2},
            new Object[] {" 3 ", 3},
            new Object[] {"7", 3},
            new Object[] {"0", 1},
            new Object[] {"high", 1})
        .map(org.junit.jupiter.params.provider.Arguments::of);
  }

  @Test
  void theConditionsSayWhatHolds() {
    var seen = seen(null, spec(null, null, null), List.of(spam(T0)), List.of(attack(2)), T0);
    var status = NO_SCRUBBING.settle(seen, NO_SCRUBBING.decide(seen), Optional.empty()).status();
    assertThat(
            Map.of(
                "ddos", condition(status, MitigationConditions.DDOS).getReason(),
                "smtp", condition(status, MitigationConditions.SMTP_BLOCKED).getMessage()))
        .containsEntry("ddos", "Active")
        .containsEntry("smtp", "Outbound port 25 blocked until 2026-03-02T10:00:00Z (block 1)");
  }
}
