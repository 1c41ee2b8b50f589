package io.odoovps.operator.backup.policy;

import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.backup;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.entry;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The failing and stale rules (article 3: a backup every day), as tables. */
class BackupHealthTest {

  private static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");
  private static final Duration STALE_AFTER = Duration.ofHours(36);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                                         | last success         | last failure         | failed job      | left policy          | terminated           | missing since        | failing
          no run yet                                     | -                    | -                    | -               | -                    | -                    | -                    | false
          only a failure                                 | -                    | 2026-03-20T02:00:00Z | daily-acme-1    | -                    | -                    | -                    | true
          a failure after the last success               | 2026-03-19T02:00:00Z | 2026-03-20T02:00:00Z | daily-acme-1    | -                    | -                    | -                    | true
          a success after the last failure               | 2026-03-20T02:00:00Z | 2026-03-19T02:00:00Z | daily-acme-1    | -                    | -                    | -                    | false
          a missing VPS fails nothing                    | -                    | 2026-03-20T02:00:00Z | purge-daily-a   | -                    | -                    | 2026-03-20T00:00:00Z | false
          terminated: its backup runs no longer count    | -                    | 2026-03-20T02:00:00Z | daily-acme-1    | -                    | 2026-03-19T00:00:00Z | -                    | false
          terminated: a failed purge counts              | -                    | 2026-03-20T02:00:00Z | purge-daily-a   | -                    | 2026-03-19T00:00:00Z | -                    | true
          left the policy: its backup runs do not count  | -                    | 2026-03-20T02:00:00Z | daily-acme-1    | 2026-03-19T00:00:00Z | -                    | -                    | false
          left the policy: a failed prune counts         | -                    | 2026-03-20T02:00:00Z | prune-daily-a   | 2026-03-19T00:00:00Z | -                    | -                    | true
          left, then terminated: a prune does not count  | -                    | 2026-03-20T02:00:00Z | prune-daily-a   | 2026-03-19T00:00:00Z | 2026-03-19T06:00:00Z | -                    | false
          """)
  void failing(
      String name,
      String lastSuccess,
      String lastFailure,
      String job,
      String left,
      String terminated,
      String missing,
      boolean failing) {
    var entry =
        entry(
            "acme",
            null,
            backup(lastSuccess),
            failure(lastFailure, job),
            left,
            terminated,
            missing);
    assertThat(BackupHealth.failing(entry)).isEqualTo(failing);
    assertThat(BackupHealth.failing(List.of(entry))).hasSize(failing ? 1 : 0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                                          | has CronJob | last success         | CronJob created      | stale
          a backup of this morning                        | true        | 2026-03-20T02:00:00Z | 2026-01-01T00:00:00Z | false
          a backup 35 h old                               | true        | 2026-03-19T01:00:00Z | 2026-01-01T00:00:00Z | false
          a backup 37 h old                               | true        | 2026-03-18T23:00:00Z | 2026-01-01T00:00:00Z | true
          none yet, the CronJob is new                    | true        | -                    | 2026-03-20T00:00:00Z | false
          none since the CronJob was made 2 days ago      | true        | -                    | 2026-03-18T00:00:00Z | true
          none, the CronJob not in the cache yet          | true        | -                    | -                    | false
          no CronJob (gone from the policy): not expected | false       | 2026-01-01T00:00:00Z | 2026-01-01T00:00:00Z | false
          """)
  void stale(String name, boolean hasCronJob, String lastSuccess, String created, boolean stale) {
    var cronJobName = "daily-acme";
    var entry =
        entry("acme", hasCronJob ? cronJobName : null, backup(lastSuccess), null, null, null, null);
    var cronJobs =
        created == null
            ? List.<io.fabric8.kubernetes.api.model.batch.v1.CronJob>of()
            : List.of(
                new CronJobBuilder()
                    .withNewMetadata()
                    .withName(cronJobName)
                    .withCreationTimestamp(created)
                    .endMetadata()
                    .build());

    assertThat(BackupHealth.stale(List.of(entry), cronJobs, STALE_AFTER, NOW))
        .hasSize(stale ? 1 : 0);
  }
}
