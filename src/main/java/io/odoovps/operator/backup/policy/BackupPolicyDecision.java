package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one reconcile of a BackupPolicy decided: the children it wants (none while the spec cannot
 * be used: the CronJobs then stay as they were), the CronJobs that go, the covered VPSs that still
 * lack their export token, the bucket Jobs and Events of {@code plan}, the status, the gauges and
 * when to look again.
 *
 * @param serviceAccount the backup pods' ServiceAccount, null while the spec cannot be used
 * @param roleBinding its binding to the chart's backup ClusterRole, null likewise
 * @param cronJobs one per covered VPS, in VPS order; empty likewise
 * @param obsoleteCronJobs the stored CronJobs of VPSs no longer covered (never a backup)
 * @param lackingTokens the covered VPSs whose export token Secret is not stored yet
 * @param records the BackupRecords to write and to delete, whether the spec can be used or not
 */
record BackupPolicyDecision(
    ServiceAccount serviceAccount,
    RoleBinding roleBinding,
    List<CronJob> cronJobs,
    List<CronJob> obsoleteCronJobs,
    List<String> lackingTokens,
    BackupPolicyPlan plan,
    Records records,
    BackupPolicyStatus status,
    int failing,
    int stale,
    Duration wake) {

  /**
   * The BackupRecords that change: those to apply (an entry they do not hold yet) and those to
   * delete (their entry went).
   */
  record Records(List<BackupRecord> write, List<BackupRecord> delete) {}

  /** Whether the spec can be used: the children are applied. */
  boolean usable() {
    return serviceAccount != null;
  }

  /** Whether the status differs from {@code previous}: a quiet resync writes nothing. */
  boolean statusChanged(BackupPolicyStatus previous) {
    return !Objects.equals(status, previous);
  }
}
