package io.odoovps.operator.backup.policy;

import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.backup;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.deletion;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.entry;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.failure;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.finishedJob;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.pod;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.policy;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.runningJob;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.vps;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.backup.policy.BackupPolicyPlan.Notice;
import io.odoovps.operator.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the reconciler is asked to do for the entries of departed VPSs: the Events of each fate, and
 * the purge and prune Jobs (created once, a failure told once and retried an hour later, the entry
 * gone on success), as tables.
 */
class BackupDeparturesTest {

  private static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");
  private static final String POLICY = "daily";

  private final BackupDepartures departures =
      new BackupDepartures(new BackupJobDesign(TestConfig.defaults()), Duration.ofDays(7));

  private record Outcome(List<VpsBackups> kept, BackupPolicyPlan plan) {
    List<String> reasons() {
      return plan.notices().stream().map(Notice::reason).toList();
    }

    List<String> created() {
      return plan.jobsToCreate().stream().map(j -> j.getMetadata().getName()).toList();
    }

    List<String> deleted() {
      return plan.jobsToDelete().stream().map(j -> j.getMetadata().getName()).toList();
    }
  }

  private Outcome decide(
      VpsBackups entry,
      List<OdooVps> vps,
      List<BackupPolicy> others,
      List<Job> jobs,
      List<Pod> pods,
      boolean usable) {
    var seen =
        new BackupPolicyObservation(
            policy(POLICY),
            NOW,
            vps,
            others,
            null,
            List.of(),
            jobs,
            pods,
            Set.of(),
            BackupPolicyUnitFixtures.records(others));
    var previous = new HashMap<String, VpsBackups>(Map.of(entry.name(), entry));
    var byName = jobs.stream().collect(Collectors.toMap(j -> j.getMetadata().getName(), j -> j));
    var plan = new BackupPolicyPlan();
    return new Outcome(departures.decide(seen, previous, Set.of(), byName, usable, plan), plan);
  }

  private static BackupPolicy elsewhere(String bucket) {
    var other = policy("other");
    other.getSpec().getTarget().setBucket(bucket);
    var covering = entry("acme", "other-acme", null, null, null, null, null);
    other.setStatus(
        new BackupPolicyStatus(1L, null, 1, 0, null, null, null, List.of(covering), null, null));
    return other;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                                           | present | elsewhere bucket | left policy          | terminated           | last success         | events              | stays
          terminated, first seen: the purge date told      | true    | -                | -                    | 2026-03-18T00:00:00Z | 2026-03-17T00:00:00Z | TerminationRecorded | true
          terminated, already recorded: nothing told       | false   | -                | -                    | 2026-03-18T00:00:00Z | 2026-03-17T00:00:00Z | -                   | true
          absent without a termination: kept, warned       | false   | -                | -                    | -                    | 2026-03-17T00:00:00Z | VpsMissing          | true
          left, no other policy: kept, warned              | true    | -                | -                    | -                    | 2026-03-17T00:00:00Z | VpsLeftPolicy       | true
          left, no other policy, known: nothing told       | true    | -                | 2026-03-18T00:00:00Z | -                    | 2026-03-17T00:00:00Z | -                   | true
          left, other policy, same bucket: handed over     | true    | b                | -                    | -                    | 2026-03-17T00:00:00Z | BackupsHandedOver   | false
          left, other policy, other bucket: ageing out     | true    | r                | -                    | -                    | 2026-03-17T00:00:00Z | VpsLeftPolicy       | true
          """)
  void eachFateTellsOnceAndKeepsOrDropsTheEntry(
      String name,
      boolean present,
      String bucket,
      String left,
      String terminated,
      String lastSuccess,
      String events,
      boolean stays) {
    var entry = entry("acme", null, backup(lastSuccess), null, left, terminated, null);
    var vps = present ? List.of(vps("acme")) : List.<OdooVps>of();
    if (present && terminated != null) {
      vps.get(0).setStatus(new io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus());
      vps.get(0)
          .getStatus()
          .setTermination(
              new io.odoovps.operator.api.v1alpha1.odoovps.TerminationStatus(
                  "Requested", terminated, null, null));
      entry = entry("acme", null, backup(lastSuccess), null, left, null, null);
    }
    var others = bucket == null ? List.<BackupPolicy>of() : List.of(elsewhere(bucket));

    var outcome = decide(entry, vps, others, List.of(), List.of(), true);

    assertThat(outcome.reasons())
        .containsExactlyElementsOf(events == null ? List.of() : List.of(events));
    assertThat(outcome.kept()).hasSize(stays ? 1 : 0);
    outcome.kept().forEach(k -> assertThat(k.cronJob()).isNull());
    assertThat(outcome.created()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                                         | kind  | usable | job      | finished at          | recorded failure     | events               | created | deleted | failed | stays
          purge due, no Job yet: one is created          | purge | true   | none     | -                    | -                    | -                    | true    | false   | 0      | true
          purge due, spec unusable: no Job is created    | purge | false  | none     | -                    | -                    | -                    | false   | false   | 0      | true
          purge running: wait                            | purge | true   | running  | -                    | -                    | -                    | false   | false   | 0      | true
          purge done: told, the entry goes, the Job stays| purge | true   | complete | 2026-03-20T11:00:00Z | -                    | BackupsDeleted       | false   | false   | 0      | false
          purge failed now: told once, retried later     | purge | true   | failed   | 2026-03-20T11:30:00Z | -                    | BackupDeletionFailed | false   | false   | 1      | true
          purge failed an hour ago: the Job is replaced  | purge | true   | failed   | 2026-03-20T11:00:00Z | 2026-03-20T11:00:00Z | -                    | false   | true    | 0      | true
          prune due, no Job yet: one is created          | prune | true   | none     | -                    | -                    | -                    | true    | false   | 0      | true
          prune done: told, the entry and the Job go     | prune | true   | complete | 2026-03-20T11:00:00Z | -                    | BackupsAgedOut       | false   | true    | 0      | false
          prune failed: told once                        | prune | true   | failed   | 2026-03-20T11:30:00Z | -                    | BackupDeletionFailed | false   | false   | 1      | true
          """)
  void bucketJobs(
      String name,
      String kind,
      boolean usable,
      String job,
      String finishedAt,
      String recordedFailure,
      String events,
      boolean created,
      boolean deleted,
      int failed,
      boolean stays) {
    var purge = kind.equals("purge");
    var jobName =
        purge
            ? BackupJobDesign.purgeJobName(POLICY, "acme")
            : BackupJobDesign.pruneJobName(POLICY, "acme");
    // a purge: terminated long ago, gone; a prune: left for another bucket, backups too old
    var entry =
        entry(
            "acme",
            null,
            backup("2026-02-01T00:00:00Z"),
            failure(recordedFailure, jobName),
            purge ? null : "2026-02-02T00:00:00Z",
            purge ? "2026-03-01T00:00:00Z" : null,
            null);
    var jobs = new ArrayList<Job>();
    var pods = new ArrayList<Pod>();
    switch (job) {
      case "running" -> jobs.add(runningJob(jobName));
      case "complete" -> {
        jobs.add(finishedJob(jobName, true, finishedAt));
        pods.add(pod(jobName, true, deletion(4).toJson()));
      }
      case "failed" -> jobs.add(finishedJob(jobName, false, finishedAt));
      default -> {}
    }
    var vps = purge ? List.<OdooVps>of() : List.of(vps("acme"));
    var others = purge ? List.<BackupPolicy>of() : List.of(elsewhere("r"));

    var outcome = decide(entry, vps, others, jobs, pods, usable);

    assertThat(outcome.reasons())
        .containsExactlyElementsOf(events == null ? List.of() : List.of(events));
    assertThat(outcome.created()).isEqualTo(created ? List.of(jobName) : List.of());
    assertThat(outcome.deleted()).isEqualTo(deleted ? List.of(jobName) : List.of());
    assertThat(outcome.plan().failed()).isEqualTo(failed);
    assertThat(outcome.kept()).hasSize(stays ? 1 : 0);
    if (job.equals("failed")) {
      assertThat(outcome.kept().get(0).lastFailure().job()).isEqualTo(jobName);
      assertThat(outcome.kept().get(0).lastFailure().reason())
          .startsWith("deleting the ")
          .endsWith("failed: BackoffLimitExceeded");
    }
  }
}
