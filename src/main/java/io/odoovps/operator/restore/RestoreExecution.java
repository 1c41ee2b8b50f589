package io.odoovps.operator.restore;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
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
import io.odoovps.operator.vps.VirtualMachineDesign;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Carries an accepted restore out, one step per pass as {@link RestoreProgress} decides: creates
 * the safety copy and the restore Job once the VM is down, releases the VM once the disk is
 * written, runs the rollback Job when the restore Job failed, and releases the safety copy once the
 * VM was ready on the restored disk or the previous disk is back. Every object has a fixed name and
 * is created only if absent, so a pass taken again after a restart changes nothing twice.
 */
final class RestoreExecution {

  private final BackupJobDesign design;
  private final OperatorConfig.VirtualMachine vmConfig;
  private final Clock clock;
  private final Function<KubernetesClient, String> ledgerNamespace;

  RestoreExecution(
      OperatorConfig config, Clock clock, Function<KubernetesClient, String> ledgerNamespace) {
    this.design = new BackupJobDesign(config);
    this.vmConfig = config.vm();
    this.clock = clock;
    this.ledgerNamespace = ledgerNamespace;
  }

  /** One step of {@code restore} of {@code vps}; {@code deleting} while its deletion waits. */
  StatusChange step(
      OdooVpsRestore restore,
      OdooVps vps,
      Context<OdooVpsRestore> context,
      EventRecorder events,
      boolean deleting) {
    var observation = RestoreObserver.observe(restore, vps, context, deleting);
    var step = RestoreProgress.next(observation);
    var client = context.getClient();
    var status = restore.getStatus();
    var now = Timestamps.format(clock.instant());
    return switch (step) {
      case WAIT -> StatusChange.recheck(recheck(observation.phase()));
      case START -> start(restore, vps, client, events, now);
      case RELEASE_VM -> {
        var restored = observation.restoreJob().report().restored();
        var next =
            status.written(
                "backup "
                    + restore.getSpec().getBackupId()
                    + " written onto the disk of "
                    + vps.getMetadata().getName()
                    + " (verified whole before); the VM starts; the previous disk stays in "
                    + status.safetyCopyClaim()
                    + " until it is ready",
                now,
                restored == null ? null : restored.sizeBytes(),
                restored == null ? null : restored.sha256());
        events.normal(restore, "RestoreWritten", next.message());
        events.normal(vps, "RestoreWritten", next.message());
        yield StatusChange.to(next, Duration.ofSeconds(2));
      }
      case ROLL_BACK -> {
        var reason =
            observation.restoreJob().state() == RunState.FAILED
                ? "the restore Job failed: " + observation.restoreJob().failure()
                : "the restore Job " + status.job() + " disappeared";
        var next =
            status.rollingBack(
                reason + "; putting the previous disk back from " + status.safetyCopyClaim(),
                new Rollback(reason, null, null));
        events.warning(restore, "RestoreRollingBack", next.message());
        yield StatusChange.to(next, Duration.ofSeconds(1));
      }
      case START_ROLLBACK -> startRollback(restore, vps, client, now);
      case ROLLED_BACK -> rolledBack(restore, vps, client, events, observation, now);
      case ROLLBACK_FAILED -> {
        var job = BackupJobDesign.rollbackJobName(restore.getMetadata().getName());
        var message =
            "the rollback Job "
                + job
                + " failed: "
                + observation.rollbackJob().failure()
                + "; the VM stays stopped and the previous disk is kept in "
                + status.safetyCopyClaim()
                + "; once the cause is fixed, delete the Job to try again";
        var next = status.rollingBack(message, status.rollback());
        if (!next.equals(status)) {
          events.warning(restore, "RollbackFailed", message);
          events.warning(vps, "RollbackFailed", message);
        }
        yield StatusChange.to(next, Duration.ofMinutes(5));
      }
      case SUCCEED -> {
        release(client, restore.getMetadata().getNamespace(), status.safetyCopyClaim());
        var next =
            status.ended(
                Phase.Succeeded,
                "backup "
                    + restore.getSpec().getBackupId()
                    + " restored onto the disk of "
                    + vps.getMetadata().getName()
                    + " (SHA-256 verified, decoded to the end); the VM is ready; the safety copy "
                    + status.safetyCopyClaim()
                    + " is released",
                now,
                DiskOutcome.Restored,
                status.safetyCopy().released(now),
                now);
        events.normal(restore, "RestoreSucceeded", next.message());
        events.normal(vps, "RestoreSucceeded", next.message());
        yield StatusChange.to(next);
      }
      case FAIL_WITHOUT_COPY ->
          fail(
              client,
              restore,
              (observation.restoreJob().state() == RunState.FAILED
                      ? "the restore Job failed: " + observation.restoreJob().failure()
                      : "the restore Job " + status.job() + " disappeared")
                  + "; it was started by an earlier version, without a safety copy: check the"
                  + " disk before relying on it",
              events,
              vps,
              null,
              status.safetyCopy());
      case FORGET -> {
        if (observation.phase() == Phase.Stopping) {
          // made just before the Job, which does not exist: never written
          release(
              client,
              restore.getMetadata().getNamespace(),
              SafetyCopyDesign.name(
                  VirtualMachineDesign.diskName(vps), restore.getMetadata().getName()));
        }
        yield StatusChange.forgetting(null);
      }
      case FORGET_KEEPING_COPY -> {
        var message =
            "restore "
                + restore.getMetadata().getName()
                + " was deleted before the VM was ready on the restored disk: the previous disk is"
                + " kept in PersistentVolumeClaim "
                + status.safetyCopyClaim()
                + "; delete it once the VPS works (annotate it "
                + DeletionApproval.KEY
                + " first)";
        events.warning(vps, "SafetyCopyKept", message);
        yield StatusChange.forgetting(null);
      }
    };
  }

  private static Duration recheck(Phase phase) {
    return switch (phase) {
      case Stopping -> Duration.ofSeconds(2);
      case Starting -> Duration.ofSeconds(5); // the VM is not watched: look again
      default -> Duration.ofMinutes(1); // Jobs and pods are watched
    };
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
    var name = vps.getMetadata().getName();
    var diskClaim = VirtualMachineDesign.diskName(vps);
    var jobName = BackupJobDesign.restoreJobName(restore.getMetadata().getName());
    var copyName = SafetyCopyDesign.name(diskClaim, restore.getMetadata().getName());
    boolean jobExists =
        client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get() != null;
    if (!jobExists) {
      var policy =
          client
              .resources(BackupPolicy.class)
              .inNamespace(namespace)
              .withName(status.policy())
              .get();
      if (policy == null) {
        return fail(
            client,
            restore,
            "BackupPolicy " + status.policy() + " was deleted",
            events,
            vps,
            DiskOutcome.Untouched,
            null);
      }
      var disk =
          Optional.ofNullable(
              client
                  .resources(PersistentVolumeClaim.class)
                  .inNamespace(namespace)
                  .withName(diskClaim)
                  .get());
      createIfAbsent(client, SafetyCopyDesign.desired(restore, vps, diskClaim, disk, vmConfig));
      createIfAbsent(
          client,
          design.restoreJob(
              restore,
              policy,
              name,
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
    var namespace = restore.getMetadata().getNamespace();
    // the cache may lag: nothing may write the disk beside the rollback
    var running =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(BackupJobDesign.RESTORE_LABEL, restore.getMetadata().getName())
            .list()
            .getItems();
    if (RestoreObserver.active(running)) {
      return StatusChange.recheck(Duration.ofSeconds(5));
    }
    var job =
        design.rollbackJob(
            restore,
            vps,
            VirtualMachineDesign.diskName(vps),
            diskSize(vps),
            status.safetyCopyClaim());
    createIfAbsent(client, job);
    var reason = status.rollback() == null ? null : status.rollback().reason();
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
    release(client, restore.getMetadata().getNamespace(), status.safetyCopyClaim());
    return fail(
        client,
        restore,
        why,
        events,
        vps,
        untouched ? DiskOutcome.Untouched : DiskOutcome.RolledBack,
        status.safetyCopy().released(now));
  }

  /**
   * The restore failed ({@code disk}: what it left on the disk, null when unknown; {@code copy}:
   * the safety copy as it is left): a failed restore was not carried out, so its ledger entry goes
   * (before the Events, so that a retried ledger write does not tell twice); Warning Events on the
   * restore and the VPS.
   */
  StatusChange fail(
      KubernetesClient client,
      OdooVpsRestore restore,
      String why,
      EventRecorder events,
      OdooVps vps,
      DiskOutcome disk,
      SafetyCopy copy) {
    var status = restore.getStatus();
    if (status != null && status.customer() != null && status.acceptedAt() != null) {
      RestoreLedger.forget(
          client,
          ledgerNamespace.apply(client),
          restore.getMetadata().getNamespace(),
          status.customer(),
          restore.getMetadata().getUid(),
          clock.instant());
    }
    events.warning(restore, "RestoreFailed", why);
    if (vps != null) {
      events.warning(vps, "RestoreFailed", why);
    }
    var at = Timestamps.format(clock.instant());
    var failed =
        status == null
            ? OdooVpsRestoreStatus.of(Phase.Failed, why, at)
            : status.ended(Phase.Failed, why, at, disk, copy, null);
    return StatusChange.to(failed);
  }

  /** Deletes a safety copy, approved: it is no longer needed. */
  private static void release(KubernetesClient client, String namespace, String claim) {
    if (claim != null) {
      DeletionApproval.delete(
          client.resources(PersistentVolumeClaim.class).inNamespace(namespace).withName(claim),
          SafetyCopyDesign.RELEASED);
    }
  }

  private static Quantity diskSize(OdooVps vps) {
    return new Quantity(vps.getSpec().getPlan().getDisk());
  }

  private static void createIfAbsent(KubernetesClient client, HasMetadata object) {
    try {
      client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
