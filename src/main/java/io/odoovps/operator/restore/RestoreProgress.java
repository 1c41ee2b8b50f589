package io.odoovps.operator.restore;

import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.backup.BackupReport;

/**
 * The next step of an accepted restore, decided from what the cluster shows (no client, no clock):
 * the rules that keep the previous disk safe. The disk is touched only by the restore Job, which
 * starts once the VM is down; the VM is released only when the disk is whole (the Job wrote all of
 * the backup, or the previous disk is back); a failed or vanished restore Job is always followed by
 * a rollback Job, which puts the safety copy back if the restore got as far as writing; nothing
 * acts on the disk while a pod of the restore may still be writing it; and the safety copy is
 * released only once the VM was ready on the restored disk, or once the previous disk is back.
 */
final class RestoreProgress {

  private RestoreProgress() {}

  /** Where a Job of the restore stands. */
  enum RunState {
    /** Neither in the cache nor on the API server. */
    ABSENT,
    /** Not finished yet. */
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  /** A Job of the restore: its state, why it failed, and the report of a success. */
  record JobRun(RunState state, String failure, BackupReport report) {
    static final JobRun ABSENT = new JobRun(RunState.ABSENT, null, null);
    static final JobRun RUNNING = new JobRun(RunState.RUNNING, null, null);
  }

  /**
   * What the cluster shows of an accepted restore: its phase, whether it is being deleted, the VM
   * (down: halted with no instance; booted: an instance, ready), the restore and rollback Jobs,
   * whether a pod of the restore is still running, and whether a safety copy was recorded.
   */
  record Observation(
      Phase phase,
      boolean deleting,
      boolean vmDown,
      boolean vmBooted,
      JobRun restoreJob,
      JobRun rollbackJob,
      boolean podsActive,
      boolean safetyCopy) {}

  /** The steps; each one is idempotent, so a restarted operator may take it again. */
  enum Step {
    /** Nothing to do until something changes. */
    WAIT,
    /** Create the safety copy and the restore Job (the VM is down): Restoring. */
    START,
    /** The disk is written: Starting, the VM is released, the safety copy kept. */
    RELEASE_VM,
    /** The restore Job failed or vanished: RollingBack, the VM held. */
    ROLL_BACK,
    /** Create the rollback Job. */
    START_ROLLBACK,
    /** The disk is as it was: Failed, the VM released, the safety copy released. */
    ROLLED_BACK,
    /** The rollback Job failed: the VM stays held, the safety copy kept; tell. */
    ROLLBACK_FAILED,
    /** The VM is ready on the restored disk: release the safety copy, Succeeded. */
    SUCCEED,
    /** A restore Job started by an earlier version, without a safety copy, failed: Failed. */
    FAIL_WITHOUT_COPY,
    /** Being deleted and the disk is whole, the VM not held: the finalizer may go. */
    FORGET,
    /**
     * Being deleted while the VM starts on the restored disk: the finalizer may go; the safety copy
     * is kept (the VM was not seen ready) and said so.
     */
    FORGET_KEEPING_COPY
  }

  /** The next step of a restore past its acceptance. */
  static Step next(Observation o) {
    var restore = o.restoreJob().state();
    var rollback = o.rollbackJob().state();
    return switch (o.phase()) {
      case Pending, Rejected, Succeeded, Failed -> o.deleting() ? Step.FORGET : Step.WAIT;
      case Stopping -> {
        if (o.podsActive()) {
          yield Step.WAIT; // a pod without its Job: never a second writer beside it
        }
        if (restore != RunState.ABSENT) {
          yield Step.START; // created before a restart could record it: follow it
        }
        if (o.deleting()) {
          yield Step.FORGET; // nothing was written, nothing will be
        }
        yield o.vmDown() ? Step.START : Step.WAIT;
      }
      case Restoring -> {
        if (o.podsActive() || restore == RunState.RUNNING) {
          yield Step.WAIT;
        }
        if (restore == RunState.SUCCEEDED) {
          yield Step.RELEASE_VM;
        }
        yield o.safetyCopy() ? Step.ROLL_BACK : Step.FAIL_WITHOUT_COPY;
      }
      case RollingBack -> {
        if (o.podsActive() || rollback == RunState.RUNNING) {
          yield Step.WAIT;
        }
        yield switch (rollback) {
          case ABSENT -> Step.START_ROLLBACK;
          case SUCCEEDED -> Step.ROLLED_BACK;
          default -> Step.ROLLBACK_FAILED;
        };
      }
      case Starting -> {
        if (o.vmBooted()) {
          yield Step.SUCCEED;
        }
        yield o.deleting() ? Step.FORGET_KEEPING_COPY : Step.WAIT;
      }
    };
  }
}
