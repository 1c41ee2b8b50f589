package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What one reconcile of a BackupPolicy sees, read once before anything is decided: the policy, the
 * time, the namespace's OdooVpss and other policies, the credentials Secret (null when absent), and
 * the policy's own CronJobs, Jobs, pods and export token Secret names, and the BackupRecords of the
 * namespace (this policy's and the others').
 */
record BackupPolicyObservation(
    BackupPolicy policy,
    Instant now,
    List<OdooVps> vps,
    List<BackupPolicy> otherPolicies,
    Secret credentials,
    List<CronJob> cronJobs,
    List<Job> jobs,
    List<Pod> pods,
    Set<String> tokens,
    List<BackupRecord> records) {}
