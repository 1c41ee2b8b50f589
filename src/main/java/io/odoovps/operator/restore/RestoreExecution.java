package io.odoovps.operator.restore;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.DiskOutcome;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Rollback;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.SafetyCopy;
import io.odoovps.operator.backup.BackupReport;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.guard.DeletionApproval;
import io.odoovps.operator.restore.RestoreProgress.Observation;
import io.odoovps.operator.restore.RestoreProgress.RunState;
import java.time.Clock;
import java.time.Duration;

/**
 * Carries an accepted restore out, one step per pass as {@link RestoreProgress} decides: makes the
 * safety copy and the restore Job once the VM is down, releases the VM once the disk is written,
 * runs the rollback Job when the restore Job failed, and releases the safety copy once the VM was
 * ready on the restored disk or the previous disk is back. Every object has a fixed name and is
 * created only if absent, so a step taken again after a restart changes nothing twice.
 */
final class RestoreExecution {

  private final BackupJobDesign design;
  private final SafetyCopies copies;
  private final RestoreFailure failure;
  private final Clock clock;

  RestoreExecution(OperatorConfig config, Clock clock, RestoreFailure failure) {
    this.design = new BackupJobDesign(config);
    this.copies = new SafetyCopies(config.vm());
    this.failure = failure;
    this.clock = clock;
  }

  /** One step of {@code restore} of {@code vps}; {@code deleting} while its deletion waits. */
  StatusChange step(
      OdooVpsRestore restore,
      OdooVps vps,
      Context<OdooVpsRestore> context,
      EventRecorder events,
      boolean deleting) {
    var observation = RestoreObserver.observe(restore, vps, context, deleting);
    var client = context.getClient();
    var status = restore.getStatus();
    var now = Timestamps.format(clock.instant());
    var copy = status.safetyCopyClaim();
    return switch (RestoreProgress.next(observation)) {
      case WAIT -> StatusChange.recheck(recheck(observation.phase()));
      case START -> start(restore, vps, client, events, now);
      case RELEASE_VM -> releaseVm(restore, vps, events, observation, copy, now);
      case ROLL_BACK -> rollBack(restore, events, observation, copy);
      case START_ROLLBACK -> startRollback(restore, vps, client, now);
      case ROLLED_BACK -> rolledBack(restore, vps, client, events, observation, now);
      case ROLLBACK_FAILED -> rollbackFailed(restore, vps, events, observation, copy);
      case SUCCEED -> succeed(restore, vps, client, events, copy, now);
      case FAIL_WITHOUT_COPY -> failWithoutCopy(restore, vps, client, events, observation);
      case FORGET -> forget(restore, vps, client, observation);
      case FORGET_KEEPING_COPY -> forgetKeepingCopy(restore, vps, events, copy);
    };
  }

  /** The disk is written: the VM starts, the safety copy stays until it is ready. */
  private static StatusChange releaseVm(
      OdooVpsRestore restore,
      OdooVps vps,
      EventRecorder events,
      Observation observation,
      String copy,
      String now) {
    var status = restore.getStatus();
    var restored = observation.restoreJob().report().restored();
    var next =
        status.written(
            "backup "
                + restore.getSpec().getBackupId()
                + " written onto the disk of "
                + vps.getMetadata().getName()
                + " (verified whole before); the VM starts"
                + (copy == null ? "" : "; the previous disk stays in " + copy + " until ready"),
            now,
            restored == null ? null : restored.sizeBytes(),
            restored == null ? null : restored.sha256());
    events.normal(restore, "RestoreWritten", next.message());
    events.normal(vps, "RestoreWritten", next.message());
    return StatusChange.to(next, Duration.ofSeconds(2));
  }

  /** The restore Job failed or vanished: the previous disk goes back from the safety copy. */
  private static StatusChange rollBack(
      OdooVpsRestore restore, EventRecorder events, Observation observation, String copy) {
    var status = restore.getStatus();
    var reason = restoreJobFailure(observation, status);
    var next =
        status.rollingBack(
            reason + "; putting the previous disk back from " + copy,
            new Rollback(reason, null, null));
    events.warning(restore, "RestoreRollingBack", next.message());
    return StatusChange.to(next, Duration.ofSeconds(1));
  }

  /** The rollback Job failed: the VM stays stopped, the safety copy is kept. */
  private static StatusChange rollbackFailed(
      OdooVpsRestore restore,
      OdooVps vps,
      EventRecorder events,
      Observation observation,
      String copy) {
    var status = restore.getStatus();
    var message =
        "the rollback Job "
            + BackupJobDesign.rollbackJobName(restore.getMetadata().getName())
            + " failed: "
            + observation.rollbackJob().failure()
            + "; the VM stays stopped and the previous disk is kept in "
            + copy
            + "; once the cause is fixed, delete the Job to try again";
    var next = status.rollingBack(message, status.rollback());
    if (!next.equals(status)) {
      events.warning(restore, "RollbackFailed", message);
      events.warning(vps, "RollbackFailed", message);
    }
    return StatusChange.to(next, Duration.ofMinutes(5));
  }

  /** The VM is ready on the restored disk: the safety copy is released. */
  private static StatusChange succeed(
      OdooVpsRestore restore,
      OdooVps vps,
      KubernetesClient client,
      EventRecorder events,
      String copy,
      String now) {
    var status = restore.getStatus();
    SafetyCopies.release(client, restore.getMetadata().getNamespace(), copy);
    var next =
        status.ended(
            Phase.Succeeded,
            "backup "
                + restore.getSpec().getBackupId()
                + " restored onto the disk of "
                + vps.getMetadata().getName()
                + " (SHA-256 verified, decoded to the end); the VM is ready"
                + (copy == null ? "" : "; the safety copy " + copy + " is released"),
            now,
            DiskOutcome.Restored,
            released(status.safetyCopy(), now),
            now);
    events.normal(restore, "RestoreSucceeded", next.message());
    events.normal(vps, "RestoreSucceeded", next.message());
    return StatusChange.to(next);
  }

  /** A restore Job of an earlier version, without a safety copy, failed: nothing to roll back. */
  private StatusChange failWithoutCopy(
      OdooVpsRestore restore,
      OdooVps vps,
      KubernetesClient client,
      EventRecorder events,
      Observation observation) {
    return failure.fail(
        client,
        restore,
        restoreJobFailure(observation, restore.getStatus())
            + "; it was started by an earlier version, without a safety copy: check the"
            + " disk before relying on it",
        events,
        vps,
        null,
        null);
  }

  /** The restore is deleted while nothing of it needs keeping. */
  private static StatusChange forget(
      OdooVpsRestore restore, OdooVps vps, KubernetesClient client, Observation observation) {
    if (observation.phase() == Phase.Stopping) {
      // made just before the Job, which does not exist: never written
      SafetyCopies.release(client, restore.getMetadata().getNamespace(), copyName(restore, vps));
    }
    return StatusChange.forgetting(null);
  }

  /** The restore is deleted before the VM was ready: the safety copy stays, with a warning. */
  private static StatusChange forgetKeepingCopy(
      OdooVpsRestore restore, OdooVps vps, EventRecorder events, String copy) {
    events.warning(
        vps,
        "SafetyCopyKept",
        "restore "
            + restore.getMetadata().getName()
            + " was deleted before the VM was ready on the restored disk: the previous disk is"
            + " kept in PersistentVolumeClaim "
            + copy
            + "; delete it once the VPS works (annotate it "
            + DeletionApproval.KEY
            + " first)");
    return StatusChange.forgetting(null);
  }

  private static Duration recheck(Phase phase) {
    return switch (phase) {
      case Stopping -> Duration.ofSeconds(2);
      case Starting -> Duration.ofSeconds(5); // the VM is not watched: look again
      default -> Duration.ofMinutes(1); // Jobs and pods are watched
    };
  }

  private static String restoreJobFailure(Observation observation, OdooVpsRestoreStatus status) {
    return observation.restoreJob().state() == RunState.FAILED
        ? "the restore Job failed: " + observation.restoreJob().failure()
        : "the restore Job " + status.job() + " disappeared";
  }

  private static SafetyCopy released(SafetyCopy copy, String at) {
    return copy == null ? null : copy.released(at);
  }

  private static String copyName(OdooVpsRestore restore, OdooVps vps) {
    return SafetyCopyDesign.name(
        BackupJobDesign.diskClaim(vps.getMetadata().getName()), restore.getMetadata().getName());
  }

  /** The VM is down: the safety copy, then the restore Job that mounts it. */
  private StatusChange start(
      OdooVpsRestore restore,
      OdooVps vps,
      KubernetesClient client,
      EventRecorder events,
      String now) {
    var status = restore.getStatus();
    var namespace = restore.getMetadata().getNamespace();
    var diskClaim = BackupJobDesign.diskClaim(vps.getMetadata().getName());
    var jobName = BackupJobDesign.restoreJobName(restore.getMetadata().getName());
    var copyName = copyName(restore, vps);
    if (client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get() == null) {
      var policy =
          client
              .resources(BackupPolicy.class)
              .inNamespace(namespace)
              .withName(status.policy())
              .get();
      if (policy == null) {
        SafetyCopies.release(client, namespace, copyName); // if made: never written
        return failure.fail(
            client,
            restore,
            "BackupPolicy " + status.policy() + " was deleted",
            events,
            vps,
            DiskOutcome.Untouched,
            null);
      }
      copies.make(client, restore, vps, diskClaim);
      createIfAbsent(
          client,
          design.restoreJob(
              restore,
              policy,
              vps.getMetadata().getName(),
              restore.getSpec().getBackupId(),
              diskClaim,
              diskSize(vps),
              copyName));
    }
    var next =
        status.started(
            "Job "
                + jobName
                + " verifies backup "
                + restore.getSpec().getBackupId()
                + " whole, keeps the disk as it is in "
                + copyName
                + ", then writes the backup onto it",
            jobName,
            now,
            new SafetyCopy(copyName, now, null));
    events.normal(restore, "RestoreStarted", next.message());
    return StatusChange.to(next, Duration.ofMinutes(1));
  }

  /** No pod of the restore runs any more: the rollback Job. */
  private StatusChange startRollback(
      OdooVpsRestore restore, OdooVps vps, KubernetesClient client, String now) {
    var status = restore.getStatus();
    // the cache may lag: nothing may write the disk beside the rollback
    var pods =
        client
            .pods()
            .inNamespace(restore.getMetadata().getNamespace())
            .withLabel(BackupJobDesign.RESTORE_LABEL, restore.getMetadata().getName())
            .list()
            .getItems();
    if (RestoreObserver.active(pods)) {
      return StatusChange.recheck(Duration.ofSeconds(5));
    }
    var job =
        design.rollbackJob(
            restore,
            vps,
            BackupJobDesign.diskClaim(vps.getMetadata().getName()),
            diskSize(vps),
            status.safetyCopyClaim());
    createIfAbsent(client, job);
    var reason = status.rollback() == null ? "the restore failed" : status.rollback().reason();
    var next =
        status.rollingBack(
            reason
                + "; Job "
                + job.getMetadata().getName()
                + " puts the previous disk back from "
                + status.safetyCopyClaim(),
            new Rollback(reason, job.getMetadata().getName(), now));
    return StatusChange.to(next, Duration.ofMinutes(1));
  }

  /** The rollback Job succeeded: the disk is as it was; the restore failed. */
  private StatusChange rolledBack(
      OdooVpsRestore restore,
      OdooVps vps,
      KubernetesClient client,
      EventRecorder events,
      Observation observation,
      String now) {
    var status = restore.getStatus();
    var report = observation.rollbackJob().report();
    boolean untouched = report != null && BackupReport.DISK_UNTOUCHED.equals(report.disk());
    var reason = status.rollback() == null ? "the restore failed" : status.rollback().reason();
    var why =
        reason
            + (untouched
                ? "; the disk was never written: it is as it was"
                : "; the previous disk was put back from "
                    + status.safetyCopyClaim()
                    + " (SHA-256 checked)")
            + "; the VM starts again";
    SafetyCopies.release(client, restore.getMetadata().getNamespace(), status.safetyCopyClaim());
    return failure.fail(
        client,
        restore,
        why,
        events,
        vps,
        untouched ? DiskOutcome.Untouched : DiskOutcome.RolledBack,
        released(status.safetyCopy(), now));
  }

  private static Quantity diskSize(OdooVps vps) {
    return new Quantity(vps.getSpec().getPlan().getDisk());
  }

  private static void createIfAbsent(
      KubernetesClient client, io.fabric8.kubernetes.api.model.HasMetadata object) {
    try {
      client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
