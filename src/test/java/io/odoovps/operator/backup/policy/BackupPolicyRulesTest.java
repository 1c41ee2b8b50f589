package io.odoovps.operator.backup.policy;

import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.backup;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.entry;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.policy;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.runningJob;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.vps;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One whole decision of a policy, from a plain observation: no API server, no client. */
class BackupPolicyRulesTest {

  private static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");
  private static final Duration RESYNC = Duration.ofHours(2);
  private final BackupPolicyRules rules =
      new BackupPolicyRules(TestConfig.with(Map.of("odoovps.deadlines.resync", "2h")));

  private static Secret credentials(Map<String, String> data, Map<String, String> stringData) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("s3")
        .endMetadata()
        .withData(data)
        .withStringData(stringData)
        .build();
  }

  private static final Secret BOTH_KEYS =
      credentials(
          Map.of(BackupJobDesign.ACCESS_KEY_ID, "YQ==", BackupJobDesign.SECRET_ACCESS_KEY, "Yg=="),
          null);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                  | exists | data keys                       | stringData keys   | problem
          absent                  | false  | -                               | -                 | spec.target.credentialsSecret: Secret s3 does not exist in namespace shop
          both keys in data       | true   | access-key-id,secret-access-key | -                 | -
          both keys in stringData | true   | -                               | access-key-id,secret-access-key | -
          split over both         | true   | access-key-id                   | secret-access-key | -
          one key missing         | true   | access-key-id                   | -                 | spec.target.credentialsSecret: Secret s3 lacks the key(s) secret-access-key
          empty                   | true   | -                               | -                 | spec.target.credentialsSecret: Secret s3 lacks the key(s) access-key-id, secret-access-key
          """)
  void credentials(
      String name, boolean exists, String dataKeys, String stringKeys, String problem) {
    var secret =
        exists ? credentials(keys(dataKeys), stringKeys == null ? null : keys(stringKeys)) : null;
    assertThat(BackupPolicyRules.credentialsProblem(policy("daily"), secret))
        .isEqualTo(java.util.Optional.ofNullable(problem));
  }

  private static Map<String, String> keys(String csv) {
    var map = new java.util.HashMap<String, String>();
    if (csv != null) {
      for (var key : csv.split(",")) {
        map.put(key, "eA==");
      }
    }
    return map;
  }

  private static BackupPolicyObservation seen(
      BackupPolicy policy, Secret credentials, List<CronJob> cronJobs, List<Job> jobs) {
    return seen(policy, credentials, cronJobs, jobs, List.of());
  }

  private static BackupPolicyObservation seen(
      BackupPolicy policy,
      Secret credentials,
      List<CronJob> cronJobs,
      List<Job> jobs,
      List<BackupRecord> records) {
    return seen(
        policy,
        List.of(vps("acme"), vps("bravo"), vps("home", "lyon-1", Map.of())),
        credentials,
        cronJobs,
        jobs,
        records);
  }

  private static BackupPolicyObservation seen(
      BackupPolicy policy,
      List<OdooVps> vps,
      Secret credentials,
      List<CronJob> cronJobs,
      List<Job> jobs,
      List<BackupRecord> records) {
    return seen(NOW, policy, vps, credentials, cronJobs, jobs, records);
  }

  private static BackupPolicyObservation seen(
      Instant now,
      BackupPolicy policy,
      List<OdooVps> vps,
      Secret credentials,
      List<CronJob> cronJobs,
      List<Job> jobs,
      List<BackupRecord> records) {
    return new BackupPolicyObservation(
        policy,
        now,
        vps,
        List.of(),
        credentials,
        cronJobs,
        jobs,
        List.of(),
        Set.of(BackupJobDesign.exportTokenSecretName(policy.getMetadata().getName(), "acme")),
        records);
  }

  /** The records as the API server would return them after they were written. */
  private static List<BackupRecord> stored(List<BackupRecord> written) {
    written.forEach(r -> r.getMetadata().setResourceVersion("7"));
    return written;
  }

  private static CronJob stored(String name) {
    return new CronJobBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  @Test
  void aUsableSpecWantsOneCronJobPerCoveredVpsAndDropsTheOthers() {
    var policy = policy("daily");
    var obsolete = stored(BackupJobDesign.cronJobName("daily", "gone"));
    var kept = stored(BackupJobDesign.cronJobName("daily", "acme"));
    var pruneOfReturned = runningJob(BackupJobDesign.pruneJobName("daily", "bravo"));

    var decision =
        rules.decide(seen(policy, BOTH_KEYS, List.of(kept, obsolete), List.of(pruneOfReturned)));

    assertThat(decision.usable()).isTrue();
    assertThat(decision.serviceAccount()).isNotNull();
    assertThat(decision.roleBinding()).isNotNull();
    assertThat(decision.cronJobs())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly(
            BackupJobDesign.cronJobName("daily", "acme"),
            BackupJobDesign.cronJobName("daily", "bravo"));
    assertThat(decision.obsoleteCronJobs()).containsExactly(obsolete);
    assertThat(decision.lackingTokens()).containsExactly("bravo");
    // a prune Job of an earlier departure has no business once the VPS is back
    assertThat(decision.plan().jobsToDelete()).containsExactly(pruneOfReturned);
    assertThat(decision.status().covered()).isEqualTo(2);
    assertThat(decision.status().refused()).extracting(r -> r.name()).containsExactly("home");
    // each VPS's entry is a BackupRecord of its own; the status lists none
    assertThat(decision.status().vps()).isNull();
    assertThat(decision.records().write())
        .extracting(r -> r.getMetadata().getName(), BackupRecords::policyOf, BackupRecords::vpsOf)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("acme.daily", "daily", "acme"),
            org.assertj.core.groups.Tuple.tuple("bravo.daily", "daily", "bravo"));
    assertThat(decision.records().write())
        .allSatisfy(
            r ->
                assertThat(r.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o -> assertThat(o.getName()).isEqualTo("daily")));
    assertThat(decision.records().delete()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                       | schedule  | credentials
          a schedule that is not daily | 0 2 * * 1 | true
          no credentials Secret        | -         | false
          """)
  void anUnusableSpecWritesNoChildAndKeepsTheCronJobs(
      String name, String schedule, boolean credentials) {
    var policy = policy("daily");
    policy.getSpec().setSchedule(schedule);
    var cronJob = stored(BackupJobDesign.cronJobName("daily", "gone"));

    var decision =
        rules.decide(seen(policy, credentials ? BOTH_KEYS : null, List.of(cronJob), List.of()));

    assertThat(decision.usable()).isFalse();
    assertThat(decision.serviceAccount()).isNull();
    assertThat(decision.cronJobs()).isEmpty();
    assertThat(decision.obsoleteCronJobs()).isEmpty();
    assertThat(decision.lackingTokens()).isEmpty();
    assertThat(decision.status().conditions())
        .filteredOn(c -> c.getType().equals(BackupPolicyConditions.READY))
        .extracting(c -> c.getStatus())
        .containsExactly("False");
  }

  @Test
  void itWakesForTheNextRunAndAQuietResyncChangesNothing() {
    var policy = policy("daily");
    policy.getSpec().setSchedule("0 13 * * *");

    var first = rules.decide(seen(policy, BOTH_KEYS, List.of(), List.of()));
    assertThat(first.wake()).isEqualTo(Duration.ofHours(1).plusSeconds(1));
    assertThat(first.statusChanged(null)).isTrue();

    policy.setStatus(first.status());
    var records = stored(first.records().write());
    var again = rules.decide(seen(policy, BOTH_KEYS, List.of(), List.of(), records));
    assertThat(again.statusChanged(policy.getStatus())).isFalse();
    assertThat(again.plan().notices()).isEmpty();
    assertThat(again.records().write()).isEmpty();
    assertThat(again.records().delete()).isEmpty();
  }

  @Test
  void aRunsTimePassingWritesNothingAndWakesNothingUntilItsJobIsSeen() {
    var policy = policy("daily");
    policy.getSpec().setSchedule("0 13 * * *");
    var first = rules.decide(seen(policy, BOTH_KEYS, List.of(), List.of()));
    policy.setStatus(first.status());
    var records = stored(first.records().write());
    var vps = List.of(vps("acme"), vps("bravo"), vps("home", "lyon-1", Map.of()));

    // 14:00: the 13:00 run is due, its Job not seen yet
    var due =
        rules.decide(
            seen(
                NOW.plus(Duration.ofHours(2)),
                policy,
                vps,
                BOTH_KEYS,
                List.of(),
                List.of(),
                records));

    assertThat(due.records().write()).as("no record rewritten as the slot passes").isEmpty();
    assertThat(due.statusChanged(policy.getStatus())).isFalse();
    assertThat(due.wake()).as("a due run wakes nothing (its Job does)").isEqualTo(RESYNC);
  }

  @Test
  void theEntriesOfAReleaseBeforeTheRecordsMoveIntoRecordsAndLeaveTheStatus() {
    var policy = policy("daily");
    var first = rules.decide(seen(policy, BOTH_KEYS, List.of(), List.of()));
    var entries = first.records().write().stream().map(BackupRecord::getSpec).toList();
    var s = first.status();
    // the status as a release before the records wrote it: the entries listed in it
    policy.setStatus(
        new BackupPolicyStatus(
            s.observedGeneration(),
            s.conditions(),
            s.covered(),
            s.failing(),
            s.lastSuccess(),
            s.lastFailure(),
            s.nextRun(),
            entries,
            s.refused(),
            s.refusedCount()));

    var moved = rules.decide(seen(policy, BOTH_KEYS, List.of(), List.of()));

    assertThat(moved.records().write()).extracting(BackupRecord::getSpec).isEqualTo(entries);
    assertThat(moved.status().vps()).isNull();
    assertThat(moved.statusChanged(policy.getStatus())).isTrue();
  }

  @Test
  void aRecordWhoseEntryWentIsDeletedAndAnotherPolicysIsLeftAlone() {
    var policy = policy("daily");
    var mine =
        BackupRecords.of(
            policy,
            entry(
                "acme",
                BackupJobDesign.cronJobName("daily", "acme"),
                backup("2026-03-17T00:00:00Z"),
                null,
                null,
                null,
                null));
    // another policy writing to the same bucket backs acme up now
    var theirs =
        BackupRecords.of(
            policy("other"),
            entry("acme", "other-acme", backup("2026-03-17T00:00:00Z"), null, null, null, null));
    var records = stored(new java.util.ArrayList<>(List.of(mine, theirs)));
    // acme moved into the bucket's own datacenter: this policy refuses it from now on
    var moved = List.of(vps("acme", "lyon-1", Map.of()));

    var seen = seen(policy, moved, BOTH_KEYS, List.of(), List.of(), records);
    var decision =
        rules.decide(
            new BackupPolicyObservation(
                policy,
                NOW,
                moved,
                List.of(policy("other")),
                BOTH_KEYS,
                List.of(),
                List.of(),
                List.of(),
                seen.tokens(),
                records));

    assertThat(decision.plan().notices()).extracting(n -> n.reason()).contains("BackupsHandedOver");
    assertThat(decision.records().delete()).containsExactly(mine);
    assertThat(decision.records().write()).isEmpty();
  }

  @Test
  void aPolicyCoveringTenThousandVpssKeepsASmallStatus() throws Exception {
    var policy = policy("daily");
    var many = new java.util.ArrayList<OdooVps>();
    for (int i = 0; i < 10_000; i++) {
      many.add(vps(String.format("vps-%05d", i)));
    }

    var decision = rules.decide(seen(policy, many, BOTH_KEYS, List.of(), List.of(), List.of()));

    assertThat(decision.status().covered()).isEqualTo(10_000);
    assertThat(decision.records().write()).hasSize(10_000);
    var json = io.fabric8.kubernetes.client.utils.Serialization.asJson(decision.status());
    assertThat(json.length()).as("the status of 10,000 VPSs").isLessThan(4 * 1024);

    // the same 10,000 in the bucket's own datacenter: all refused, 20 of them listed
    var home = new java.util.ArrayList<OdooVps>();
    for (int i = 0; i < 10_000; i++) {
      home.add(vps(String.format("vps-%05d", i), "lyon-1", Map.of()));
    }
    var refused = rules.decide(seen(policy, home, BOTH_KEYS, List.of(), List.of(), List.of()));
    assertThat(refused.status().refusedCount()).isEqualTo(10_000);
    assertThat(refused.status().refused())
        .hasSize(BackupPolicyStatus.REFUSALS_LISTED)
        .first()
        .satisfies(r -> assertThat(r.name()).isEqualTo("vps-00000"));
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(refused.status()).length())
        .as("the status of 10,000 refused VPSs")
        .isLessThan(12 * 1024);
    assertThat(refused.status().conditions())
        .filteredOn(c -> c.getType().equals("OffSite"))
        .singleElement()
        .satisfies(c -> assertThat(c.getMessage()).contains("vps-00009 and 9990 more"));
  }

  @Test
  void withoutARunBeforeTheResyncItWakesAtTheResync() {
    var policy = policy("daily");
    policy.getSpec().setSchedule(null);
    policy.getSpec().setSuspend(true);

    var decision = rules.decide(seen(policy, BOTH_KEYS, List.of(), List.of()));

    assertThat(decision.wake()).isEqualTo(RESYNC);
  }
}
