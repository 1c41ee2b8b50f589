package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;

/**
 * What the decisions of one reconcile ask the reconciler to do besides applying the desired
 * children: the bucket Jobs to create and to delete (in the background), the Events to emit, in
 * order, and the runs to count. Filled by the pure decision classes; no Kubernetes client.
 */
final class BackupPolicyPlan {

  /** One Event to emit on {@code on}. */
  record Notice(HasMetadata on, boolean warning, String reason, String message) {}

  private final List<Job> create = new ArrayList<>();
  private final List<Job> delete = new ArrayList<>();
  private final List<Notice> notices = new ArrayList<>();
  private int succeeded;
  private int failed;

  void normal(HasMetadata on, String reason, String message) {
    notices.add(new Notice(on, false, reason, message));
  }

  void warning(HasMetadata on, String reason, String message) {
    notices.add(new Notice(on, true, reason, message));
  }

  void create(Job job) {
    create.add(job);
  }

  void delete(Job job) {
    delete.add(job);
  }

  /** A backup run succeeded (counted once per run). */
  void runSucceeded() {
    succeeded++;
  }

  /** A backup run or a deletion from the bucket failed (counted once per failure). */
  void runFailed() {
    failed++;
  }

  List<Job> jobsToCreate() {
    return List.copyOf(create);
  }

  List<Job> jobsToDelete() {
    return List.copyOf(delete);
  }

  List<Notice> notices() {
    return List.copyOf(notices);
  }

  int succeeded() {
    return succeeded;
  }

  int failed() {
    return failed;
  }
}
