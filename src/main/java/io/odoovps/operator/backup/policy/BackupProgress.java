package io.odoovps.operator.backup.policy;

import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Failure;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.backup.BackupReport;
import io.odoovps.operator.contract.Timestamps;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * The entry of one covered VPS: the previous one advanced by the runs that finished since. A run
 * counts once: a success older than the last success, or a failure already recorded (same Job, or
 * not newer than the last success or failure), changes nothing and emits nothing. Pure.
 */
final class BackupProgress {

  private BackupProgress() {}

  /**
   * @param schedule the VPS's daily schedule, null while the policy's schedule is unusable
   * @param zone the zone the schedule runs in
   */
  static VpsBackups advance(
      BackupPolicy policy,
      OdooVps vps,
      VpsBackups before,
      List<BackupRuns.Run> runs,
      DailySchedule schedule,
      ZoneId zone,
      Instant now,
      BackupPolicyPlan plan) {
    var name = vps.getMetadata().getName();
    var lastSuccess = before == null ? null : before.lastSuccess();
    var kept = before == null ? null : before.kept();
    var keptCount = before == null ? null : before.keptCount();
    var keptOldest = before == null ? null : before.keptOldest();
    var lastFailure = before == null ? null : before.lastFailure();
    for (var run : runs) {
      if (run.succeeded()) {
        var made = run.report().backup();
        if (made == null
            || (lastSuccess != null && made.time().compareTo(lastSuccess.time()) <= 0)) {
          continue;
        }
        lastSuccess = backup(made);
        var report = run.report();
        kept = kept(report);
        keptCount =
            report.keptCount() != null ? report.keptCount() : kept == null ? null : kept.size();
        keptOldest = report.keptOldest() != null ? report.keptOldest() : oldest(kept);
        plan.runSucceeded();
        plan.normal(policy, "BackupSucceeded", succeeded(policy, name, report));
      } else {
        var failure = run.failure();
        if (Objects.equals(lastFailure == null ? null : lastFailure.job(), failure.job())
            || (lastSuccess != null && failure.time().compareTo(lastSuccess.time()) <= 0)
            || (lastFailure != null && failure.time().compareTo(lastFailure.time()) <= 0)) {
          continue;
        }
        lastFailure = failure;
        plan.runFailed();
        var message = failed(name, failure);
        plan.warning(policy, "BackupFailed", message);
        plan.warning(vps, "BackupFailed", message);
      }
    }
    var nextRun =
        schedule == null || Boolean.TRUE.equals(policy.getSpec().getSuspend())
            ? null
            : due(before, schedule, lastSuccess, lastFailure)
                ? before.nextRun()
                : Timestamps.format(schedule.next(now, zone));
    return new VpsBackups(
        name,
        vps.getSpec().getLocation(),
        BackupJobDesign.cronJobName(policy.getMetadata().getName(), name),
        schedule == null ? null : schedule.expression(),
        nextRun,
        lastSuccess,
        lastFailure,
        kept,
        keptCount,
        keptOldest,
        null,
        null,
        null,
        null);
  }

  /**
   * Whether the entry's next run stays as it was: the same schedule, and no run recorded since the
   * entry was written. A run's time passing changes nothing until the run is seen, so the record is
   * written once per run (its result and the run after it) and not also when its slot passes; until
   * then {@code nextRun} is the run due, in the past while it runs or is late.
   */
  private static boolean due(
      VpsBackups before, DailySchedule schedule, Backup lastSuccess, Failure lastFailure) {
    return before != null
        && before.nextRun() != null
        && schedule.expression().equals(before.schedule())
        && Objects.equals(lastSuccess, before.lastSuccess())
        && Objects.equals(lastFailure, before.lastFailure());
  }

  private static String succeeded(BackupPolicy policy, String vps, BackupReport report) {
    var made = report.backup();
    return "VPS "
        + vps
        + ": backup "
        + made.backupId()
        + " stored ("
        + made.sizeBytes()
        + " bytes, SHA-256 "
        + made.sha256().substring(0, 12)
        + "…) in "
        + policy.getSpec().getTarget().getLocation()
        + "; "
        + report.keptCount()
        + " kept";
  }

  private static List<Backup> kept(BackupReport report) {
    return report.kept() == null
        ? null
        : report.kept().stream().map(BackupProgress::backup).toList();
  }

  private static String oldest(List<Backup> kept) {
    return kept == null || kept.isEmpty() ? null : kept.get(0).time();
  }

  private static String failed(String vps, Failure failure) {
    return "VPS "
        + vps
        + ": backup run "
        + failure.job()
        + " failed after "
        + failure.attempts()
        + " attempt(s): "
        + failure.reason();
  }

  private static Backup backup(BackupReport.Entry e) {
    return new Backup(e.backupId(), e.time(), e.sizeBytes(), e.sha256());
  }
}
