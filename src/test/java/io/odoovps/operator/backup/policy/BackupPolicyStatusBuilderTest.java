package io.odoovps.operator.backup.policy;

import static io.odoovps.operator.backup.policy.BackupPolicyConditions.BACKUPS_CURRENT;
import static io.odoovps.operator.backup.policy.BackupPolicyConditions.BACKUPS_SUCCEEDING;
import static io.odoovps.operator.backup.policy.BackupPolicyConditions.CREDENTIALS_FOUND;
import static io.odoovps.operator.backup.policy.BackupPolicyConditions.OFF_SITE;
import static io.odoovps.operator.backup.policy.BackupPolicyConditions.READY;
import static io.odoovps.operator.backup.policy.BackupPolicyConditions.SCHEDULE_VALID;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.backup;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.entry;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.failure;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Refusal;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.backup.policy.BackupPolicyPlan.Notice;
import io.odoovps.operator.status.ConditionList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The conditions, summary fields, transition Warnings and error status of a policy. */
class BackupPolicyStatusBuilderTest {

  private static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");
  private static final Duration STALE_AFTER = Duration.ofHours(36);
  private static final VpsBackups OK =
      entry("acme", "daily-acme", backup("2026-03-20T02:00:00Z"), null, null, null, null);
  private static final VpsBackups FAILED =
      entry(
          "bravo",
          "daily-bravo",
          backup("2026-03-19T02:00:00Z"),
          failure("2026-03-20T02:00:00Z", "j"),
          null,
          null,
          null);

  private static BackupPolicyStatusBuilder.Findings findings(
      boolean schedule, boolean credentials, boolean refused, boolean failing, boolean stale) {
    return new BackupPolicyStatusBuilder.Findings(
        schedule ? Optional.empty() : Optional.of("spec.schedule runs weekly"),
        credentials ? Optional.empty() : Optional.of("Secret s3 does not exist"),
        refused ? List.of(new Refusal("home", "same datacenter")) : List.of(),
        failing ? List.of(FAILED) : List.of(),
        stale ? List.of(FAILED) : List.of(),
        STALE_AFTER,
        2,
        List.of(OK, FAILED));
  }

  private static String status(List<Condition> conditions, String type) {
    return ConditionList.find(conditions, type).orElseThrow().getStatus();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                | schedule | credentials | off-site | failing | stale | ready | warnings       | kstatus
          all well              | true     | true        | true     | false   | false | True  |                | Current
          a weekly schedule     | false    | true        | true     | false   | false | False | NotDaily       | Failed
          no credentials        | true     | false       | true     | false   | false | False | SecretMissing  | Failed
          a VPS in the bucket DC| true     | true        | false    | false   | false | False | SameDatacenter | Failed
          a failing VPS         | true     | true        | true     | true    | false | False |                | InProgress
          a stale VPS           | true     | true        | true     | false   | true  | False | Stale          | InProgress
          """)
  void eachFindingHasItsConditionAndReadySummarises(
      String name,
      boolean schedule,
      boolean credentials,
      boolean offSite,
      boolean failing,
      boolean stale,
      String ready,
      String warnings,
      String kstatus)
      throws Exception {
    var plan = new BackupPolicyPlan();
    var built =
        new BackupPolicyStatusBuilder(policy("daily"), NOW)
            .build(findings(schedule, credentials, !offSite, failing, stale), plan);

    var conditions = built.conditions();
    var types =
        new java.util.ArrayList<>(
            List.of(
                SCHEDULE_VALID,
                CREDENTIALS_FOUND,
                OFF_SITE,
                BACKUPS_SUCCEEDING,
                BACKUPS_CURRENT,
                READY));
    if (kstatus.equals("Failed")) {
      types.add(ConditionList.STALLED); // only what a change of the spec or its Secret fixes
    }
    assertThat(conditions).extracting(Condition::getType).containsExactlyElementsOf(types);
    // what Flux and kstatus make of it (the real library): a failing or stale backup is the
    // world's doing, not a spec that cannot be realised: no Stalled, but Ready False, which
    // kstatus reads as in progress (a Flux health check then times out on it)
    assertThat(io.odoovps.operator.testing.Kstatus.of(withStatus(built)).status())
        .isEqualTo(kstatus);
    assertThat(status(conditions, SCHEDULE_VALID)).isEqualTo(schedule ? "True" : "False");
    assertThat(status(conditions, CREDENTIALS_FOUND)).isEqualTo(credentials ? "True" : "False");
    assertThat(status(conditions, OFF_SITE)).isEqualTo(offSite ? "True" : "False");
    assertThat(status(conditions, BACKUPS_SUCCEEDING)).isEqualTo(failing ? "False" : "True");
    assertThat(status(conditions, BACKUPS_CURRENT)).isEqualTo(stale ? "False" : "True");
    assertThat(status(conditions, READY)).isEqualTo(ready);
    // Ready summarises and a failure has its own Event per run: neither warns on its own
    assertThat(plan.notices())
        .extracting(Notice::reason)
        .containsExactlyElementsOf(warnings == null ? List.of() : List.of(warnings));
    assertThat(built.failing()).isEqualTo(failing ? 1 : 0);
    assertThat(built.covered()).isEqualTo(2);
    assertThat(built.lastSuccess()).isEqualTo("2026-03-20T02:00:00Z");
    assertThat(built.lastFailure()).isEqualTo("2026-03-20T02:00:00Z");
    if (offSite) {
      assertThat(built.refused()).isNull();
    } else {
      assertThat(built.refused()).hasSize(1);
    }
  }

  private static BackupPolicy withStatus(BackupPolicyStatus status) {
    var policy = policy("daily");
    policy.setStatus(status);
    return policy;
  }

  @Test
  void anUnchangedWorldGivesAnEqualStatusAndNoSecondWarning() {
    var first = new BackupPolicyPlan();
    var found = findings(true, false, false, false, false);
    var before = new BackupPolicyStatusBuilder(policy("daily"), NOW).build(found, first);

    var again = new BackupPolicyPlan();
    var after =
        new BackupPolicyStatusBuilder(withStatus(before), NOW.plusSeconds(600)).build(found, again);

    assertThat(first.notices()).hasSize(1);
    assertThat(again.notices()).isEmpty();
    assertThat(after).isEqualTo(before);
  }

  @Test
  void aMessageThatChangesWhileFalseWarnsAgain() {
    var before =
        new BackupPolicyStatusBuilder(policy("daily"), NOW)
            .build(findings(true, false, false, false, false), new BackupPolicyPlan());
    var changed =
        new BackupPolicyStatusBuilder.Findings(
            Optional.empty(),
            Optional.of("Secret s3 lacks the key(s) access-key-id"),
            List.of(),
            List.of(),
            List.of(),
            STALE_AFTER,
            2,
            List.of(OK));
    var plan = new BackupPolicyPlan();

    var after =
        new BackupPolicyStatusBuilder(withStatus(before), NOW.plusSeconds(60)).build(changed, plan);

    assertThat(plan.notices()).extracting(Notice::reason).containsExactly("SecretMissing");
    // still False: the transition time stays
    assertThat(
            ConditionList.find(after.conditions(), CREDENTIALS_FOUND)
                .orElseThrow()
                .getLastTransitionTime())
        .isEqualTo("2026-03-20T12:00:00Z");
  }

  @Test
  void aReconcileErrorTurnsReadyFalseAndKeepsTheRest() {
    var before =
        new BackupPolicyStatusBuilder(policy("daily"), NOW)
            .build(findings(true, true, false, false, false), new BackupPolicyPlan());

    var error =
        new BackupPolicyStatusBuilder(withStatus(before), NOW.plusSeconds(60))
            .error("Reconcile failed: boom")
            .orElseThrow();

    var ready = ConditionList.find(error.conditions(), READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(BackupPolicyConditions.REASON_RECONCILE_ERROR);
    assertThat(ready.getMessage()).isEqualTo("Reconcile failed: boom");
    // the five others kept, and kstatus' Reconciling: the pass is retried
    assertThat(error.conditions()).hasSize(7);
    assertThat(status(error.conditions(), ConditionList.RECONCILING)).isEqualTo("True");
    assertThat(status(error.conditions(), OFF_SITE)).isEqualTo("True");
    assertThat(error.vps()).isEqualTo(before.vps());
    assertThat(error.observedGeneration()).isEqualTo(before.observedGeneration());
    // the same error again writes nothing
    assertThat(
            new BackupPolicyStatusBuilder(withStatus(error), NOW.plusSeconds(120))
                .error("Reconcile failed: boom"))
        .isEmpty();
  }

  @Test
  void anErrorBeforeAnyStatusGivesReadyFalseAlone() {
    var error = new BackupPolicyStatusBuilder(policy("daily"), NOW).error("Reconcile failed: boom");

    assertThat(error.get().conditions())
        .extracting(Condition::getType)
        .containsExactly(READY, ConditionList.RECONCILING);
    assertThat(error.get().observedGeneration()).isEqualTo(1L);
  }
}
