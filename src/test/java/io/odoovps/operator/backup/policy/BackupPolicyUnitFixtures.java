package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Failure;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsSpec;
import io.odoovps.operator.backup.BackupReport;
import io.odoovps.operator.testing.BackupFixtures;
import java.util.List;
import java.util.Map;

/** Plain objects for the unit tests of the BackupPolicy decision classes: no API server. */
final class BackupPolicyUnitFixtures {

  static final String NAMESPACE = "shop";

  private BackupPolicyUnitFixtures() {}

  /**
   * The BackupRecords of the entries {@code policies} list the old way (in their status), as the
   * operator writes them now.
   */
  static List<BackupRecord> records(List<BackupPolicy> policies) {
    return policies.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().vps() != null)
        .flatMap(p -> p.getStatus().vps().stream().map(e -> BackupRecords.of(p, e)))
        .toList();
  }

  /** Policy {@code name} backing up into bucket {@code b} at {@code s3.lyon} in lyon-1. */
  static BackupPolicy policy(String name) {
    var policy = BackupFixtures.policy(NAMESPACE, name, "https://s3.lyon", "b", "lyon-1", "s3");
    policy.getMetadata().setGeneration(1L);
    return policy;
  }

  static OdooVps vps(String name, String location, Map<String, String> labels) {
    var vps = new OdooVps();
    vps.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).withLabels(labels).build());
    var spec = new OdooVpsSpec();
    spec.setLocation(location);
    vps.setSpec(spec);
    return vps;
  }

  static OdooVps vps(String name) {
    return vps(name, "paris-1", Map.of());
  }

  static Backup backup(String time) {
    return time == null ? null : new Backup("id-" + time, time, 10L, "0".repeat(64));
  }

  static Failure failure(String time, String job) {
    return time == null ? null : new Failure(time, job, 3, "Access Denied");
  }

  /** An entry with the given last success and failure, departure and absence fields. */
  static VpsBackups entry(
      String name,
      String cronJob,
      Backup lastSuccess,
      Failure lastFailure,
      String leftPolicyAt,
      String terminatedAt,
      String missingSince) {
    return new VpsBackups(
        name,
        "paris-1",
        cronJob,
        null,
        null,
        lastSuccess,
        lastFailure,
        null,
        null,
        null,
        leftPolicyAt,
        terminatedAt,
        null,
        missingSince);
  }

  /** A Job that finished: {@code Complete} at {@code at}, or {@code Failed} then. */
  static Job finishedJob(String name, boolean complete, String at) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withNewStatus()
        .withFailed(complete ? 0 : 3)
        .withSucceeded(complete ? 1 : 0)
        .addNewCondition()
        .withType(complete ? "Complete" : "Failed")
        .withStatus("True")
        .withReason(complete ? null : "BackoffLimitExceeded")
        .withLastTransitionTime(at)
        .endCondition()
        .withCompletionTime(complete ? at : null)
        .endStatus()
        .build();
  }

  /** A Job that is still running. */
  static Job runningJob(String name) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .build();
  }

  /** The pod of {@code job}, ended with {@code message} as its termination message. */
  static Pod pod(String job, boolean succeeded, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(job + "-x")
        .withLabels(Map.of("batch.kubernetes.io/job-name", job))
        .withCreationTimestamp("2026-03-01T00:00:00Z")
        .endMetadata()
        .withNewStatus()
        .withPhase(succeeded ? "Succeeded" : "Failed")
        .addNewContainerStatus()
        .withName("backup")
        .withNewState()
        .withNewTerminated()
        .withExitCode(succeeded ? 0 : 1)
        .withMessage(message)
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  /** A report of a run that made the backup taken at {@code time}, keeping {@code kept}. */
  static BackupReport report(String time, int kept) {
    var made = new BackupReport.Entry("id-" + time, time, 10L, "ab".repeat(32));
    return new BackupReport(made, List.of(made), kept, time, List.of(), null, 0, null);
  }

  /** A purge or prune report: {@code count} backups deleted. */
  static BackupReport deletion(int count) {
    return new BackupReport(null, List.of(), count, null, List.of(), null, count, null);
  }
}
