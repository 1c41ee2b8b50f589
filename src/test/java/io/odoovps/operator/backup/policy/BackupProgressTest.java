package io.odoovps.operator.backup.policy;

import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.backup;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.entry;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.failure;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.policy;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.report;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.runningJob;
import static io.odoovps.operator.backup.policy.BackupPolicyUnitFixtures.vps;
import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.backup.policy.BackupPolicyPlan.Notice;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A covered VPS's entry advanced by its finished runs: each run counts once, as a table. */
class BackupProgressTest {

  private static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");
  private static final ZoneId UTC = ZoneId.of("Etc/UTC");

  private static BackupRuns.Run run(String kind, String time, String job) {
    var at = Instant.parse(time);
    return kind.equals("ok")
        ? new BackupRuns.Run(runningJob(job), at, report(time, 3), null)
        : new BackupRuns.Run(runningJob(job), at, null, failure(time, job));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                                   | before success       | before failure       | before job | run  | run time             | run job | success after        | failure after        | events
          a first success                          | -                    | -                    | -          | ok   | 2026-03-20T02:00:00Z | j2      | 2026-03-20T02:00:00Z | -                    | BackupSucceeded
          a newer success                          | 2026-03-19T02:00:00Z | -                    | -          | ok   | 2026-03-20T02:00:00Z | j2      | 2026-03-20T02:00:00Z | -                    | BackupSucceeded
          the same success again: nothing          | 2026-03-20T02:00:00Z | -                    | -          | ok   | 2026-03-20T02:00:00Z | j2      | 2026-03-20T02:00:00Z | -                    | -
          an older success: nothing                | 2026-03-20T02:00:00Z | -                    | -          | ok   | 2026-03-19T02:00:00Z | j1      | 2026-03-20T02:00:00Z | -                    | -
          a first failure: on the policy and VPS   | -                    | -                    | -          | fail | 2026-03-20T02:00:00Z | j2      | -                    | 2026-03-20T02:00:00Z | BackupFailed,BackupFailed
          the failure of the same Job: nothing     | -                    | 2026-03-20T02:00:00Z | j2         | fail | 2026-03-20T03:00:00Z | j2      | -                    | 2026-03-20T02:00:00Z | -
          a failure older than the success         | 2026-03-20T02:00:00Z | -                    | -          | fail | 2026-03-19T02:00:00Z | j1      | 2026-03-20T02:00:00Z | -                    | -
          a failure older than the last failure    | -                    | 2026-03-20T02:00:00Z | j2         | fail | 2026-03-19T02:00:00Z | j1      | -                    | 2026-03-20T02:00:00Z | -
          a failure after a success: both kept     | 2026-03-19T02:00:00Z | -                    | -          | fail | 2026-03-20T02:00:00Z | j2      | 2026-03-19T02:00:00Z | 2026-03-20T02:00:00Z | BackupFailed,BackupFailed
          """)
  void eachRunCountsOnce(
      String name,
      String beforeSuccess,
      String beforeFailure,
      String beforeJob,
      String kind,
      String runTime,
      String runJob,
      String successAfter,
      String failureAfter,
      String events) {
    var before =
        beforeSuccess == null && beforeFailure == null
            ? null
            : entry(
                "acme",
                "x",
                backup(beforeSuccess),
                failure(beforeFailure, beforeJob),
                null,
                null,
                null);
    var plan = new BackupPolicyPlan();

    var after =
        BackupProgress.advance(
            policy("daily"),
            vps("acme"),
            before,
            List.of(run(kind, runTime, runJob)),
            DailySchedule.of("0 2 * * *", "acme"),
            UTC,
            NOW,
            plan);

    assertThat(after.lastSuccess() == null ? null : after.lastSuccess().time())
        .isEqualTo(successAfter);
    assertThat(after.lastFailure() == null ? null : after.lastFailure().time())
        .isEqualTo(failureAfter);
    var expected = events == null ? List.<String>of() : List.of(events.split(","));
    assertThat(plan.notices()).extracting(Notice::reason).containsExactlyElementsOf(expected);
    var newSuccess = kind.equals("ok") && !expected.isEmpty() ? 1 : 0;
    assertThat(plan.succeeded()).isEqualTo(newSuccess);
    assertThat(plan.failed()).isEqualTo(kind.equals("fail") && !expected.isEmpty() ? 1 : 0);
  }

  @Test
  void aSuccessTakesTheKeptBackupsOfItsReportAndSaysWhereItIsStored() {
    var plan = new BackupPolicyPlan();
    var after =
        BackupProgress.advance(
            policy("daily"),
            vps("acme"),
            null,
            List.of(run("ok", "2026-03-20T02:00:00Z", "j")),
            DailySchedule.of("0 2 * * *", "acme"),
            UTC,
            NOW,
            plan);

    assertThat(after.kept()).extracting(Backup::time).containsExactly("2026-03-20T02:00:00Z");
    assertThat(after.keptCount()).isEqualTo(3);
    assertThat(after.keptOldest()).isEqualTo("2026-03-20T02:00:00Z");
    assertThat(after.cronJob()).isEqualTo(BackupJobDesign.cronJobName("daily", "acme"));
    assertThat(after.schedule()).isEqualTo("0 2 * * *");
    assertThat(after.nextRun()).isEqualTo("2026-03-21T02:00:00Z");
    assertThat(plan.notices().get(0).message())
        .isEqualTo(
            "VPS acme: backup id-2026-03-20T02:00:00Z stored (10 bytes, SHA-256 abababababab…)"
                + " in lyon-1; 3 kept");
  }

  @Test
  void aFailureIsToldOnThePolicyAndOnTheVps() {
    var plan = new BackupPolicyPlan();
    var vps = vps("acme");
    BackupProgress.advance(
        policy("daily"),
        vps,
        null,
        List.of(run("fail", "2026-03-20T02:00:00Z", "j")),
        null,
        UTC,
        NOW,
        plan);

    assertThat(plan.notices()).extracting(Notice::on).element(1).isSameAs(vps);
    assertThat(plan.notices())
        .allMatch(Notice::warning)
        .extracting(Notice::message)
        .containsOnly("VPS acme: backup run j failed after 3 attempt(s): Access Denied");
  }

  @ParameterizedTest(name = "schedule {0}, suspended {1}: next run {2}")
  @CsvSource(
      nullValues = "-",
      value = {"0 2 * * *, false, 2026-03-21T02:00:00Z", "0 2 * * *, true, -", "-, false, -"})
  void noNextRunWithoutAUsableScheduleOrWhileSuspended(
      String schedule, boolean suspended, String nextRun) {
    var policy = policy("daily");
    policy.getSpec().setSuspend(suspended);
    var after =
        BackupProgress.advance(
            policy,
            vps("acme"),
            null,
            List.<BackupRuns.Run>of(),
            schedule == null ? null : DailySchedule.of(schedule, "acme"),
            UTC,
            NOW,
            new BackupPolicyPlan());

    assertThat(after.nextRun()).isEqualTo(nextRun);
    assertThat(after.schedule()).isEqualTo(schedule);
    assertThat(after.lastFailure()).isNull();
  }

  /** The entry as it was written with its next run, for the cases below. */
  private static VpsBackups dueAt(String schedule, String nextRun, Backup lastSuccess) {
    var e =
        entry(
            "acme",
            BackupJobDesign.cronJobName("daily", "acme"),
            lastSuccess,
            null,
            null,
            null,
            null);
    return new VpsBackups(
        e.name(),
        e.location(),
        e.cronJob(),
        schedule,
        nextRun,
        e.lastSuccess(),
        e.lastFailure(),
        e.kept(),
        e.keptCount(),
        e.keptOldest(),
        null,
        null,
        null,
        null);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                                      | schedule written | schedule now | run           | next run after
          the slot passed, no run seen: it stays due  | 0 2 * * *        | 0 2 * * *    | -             | 2026-03-20T02:00:00Z
          its run recorded: the one after it          | 0 2 * * *        | 0 2 * * *    | ok            | 2026-03-21T02:00:00Z
          its run failed: the one after it            | 0 2 * * *        | 0 2 * * *    | fail          | 2026-03-21T02:00:00Z
          the schedule changed: from now              | 0 2 * * *        | 0 14 * * *   | -             | 2026-03-20T14:00:00Z
          """)
  void theNextRunMovesWhenItsRunIsSeenNotWhenItsTimePasses(
      String name, String written, String schedule, String run, String nextRun) {
    // NOW is 12:00: the 02:00 run is past, its Job not yet finished (or not yet seen)
    var before = dueAt(written, "2026-03-20T02:00:00Z", backup("2026-03-19T02:00:00Z"));
    var runs =
        run == null
            ? List.<BackupRuns.Run>of()
            : List.of(run(run, "2026-03-20T02:05:00Z", "j-0320"));

    var after =
        BackupProgress.advance(
            policy("daily"),
            vps("acme"),
            before,
            runs,
            DailySchedule.of(schedule, "acme"),
            UTC,
            NOW,
            new BackupPolicyPlan());

    assertThat(after.nextRun()).isEqualTo(nextRun);
    if (run == null && written.equals(schedule)) {
      assertThat(after).as("nothing to write as the slot passes").isEqualTo(before);
    }
  }
}
