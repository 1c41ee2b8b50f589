package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.contract.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether the VPSs of a policy are failing or stale (article 3: a backup every day). Failing: the
 * last finished run failed (the last failure is newer than the last success; lastFailure stays
 * after a later success). Stale: the last success is older than the threshold, or there was none
 * since the CronJob was made that long ago; a VPS without a CronJob (terminated, or gone from the
 * selector) is not expected to back up. Pure.
 */
final class BackupHealth {

  private BackupHealth() {}

  /** Whether the last finished run of this VPS failed: its last failure is its newest run. */
  static boolean failing(VpsBackups entry) {
    // a VPS gone from the policy fails no backup any more; only deleting its backups can fail
    // (the purge of a terminated VPS, the prune of one backed up elsewhere)
    if (entry.missingSince() != null) {
      return false;
    }
    var job = entry.lastFailure() == null ? "" : entry.lastFailure().job();
    if (entry.terminatedAt() != null && !job.startsWith("purge-")) {
      return false;
    }
    if (entry.terminatedAt() == null && entry.leftPolicyAt() != null && !job.startsWith("prune-")) {
      return false;
    }
    return entry.lastFailure() != null
        && (entry.lastSuccess() == null
            || Timestamps.parse(entry.lastFailure().time())
                .isAfter(Timestamps.parse(entry.lastSuccess().time())));
  }

  /** The failing entries, in order. */
  static List<VpsBackups> failing(Collection<VpsBackups> entries) {
    return entries.stream().filter(BackupHealth::failing).toList();
  }

  /**
   * The stale entries, in order.
   *
   * @param cronJobs the policy's CronJobs as stored (their creation times)
   */
  static List<VpsBackups> stale(
      Collection<VpsBackups> entries,
      Collection<CronJob> cronJobs,
      Duration staleAfter,
      Instant now) {
    var createdAt =
        cronJobs.stream()
            .filter(c -> c.getMetadata().getCreationTimestamp() != null)
            .collect(
                Collectors.toMap(
                    c -> c.getMetadata().getName(),
                    c -> Instant.parse(c.getMetadata().getCreationTimestamp())));
    return entries.stream()
        .filter(
            e ->
                e.cronJob() != null
                    && (e.lastSuccess() != null
                        ? Instant.parse(e.lastSuccess().time()).plus(staleAfter).isBefore(now)
                        : createdAt.containsKey(e.cronJob())
                            && createdAt.get(e.cronJob()).plus(staleAfter).isBefore(now)))
        .toList();
  }
}
