package io.odoovps.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.backup.BackupReport;
import io.odoovps.operator.restore.RestoreProgress.JobRun;
import io.odoovps.operator.restore.RestoreProgress.Observation;
import io.odoovps.operator.restore.RestoreProgress.RunState;
import io.odoovps.operator.restore.RestoreProgress.Step;
import org.junit.jupiter.api.Test;

/** The rules that keep the previous disk safe, one observation at a time. */
class RestoreProgressTest {

  private static final JobRun SUCCEEDED =
      new JobRun(
          RunState.SUCCEEDED,
          null,
          new BackupReport(null, null, null, null, null, null, null, BackupReport.DISK_RESTORED));
  private static final JobRun FAILED = new JobRun(RunState.FAILED, "killed", null);

  /** Restoring with the VM down, a recorded safety copy, nothing running, not being deleted. */
  private static Observation in(Phase phase) {
    return new Observation(phase, false, true, false, JobRun.ABSENT, JobRun.ABSENT, false, true);
  }

  private static Observation with(
      Observation o, JobRun restore, JobRun rollback, boolean pods, boolean deleting) {
    return new Observation(
        o.phase(), deleting, o.vmDown(), o.vmBooted(), restore, rollback, pods, o.safetyCopy());
  }

  @Test
  void theRestoreJobStartsOnlyOnceTheVmIsDown() {
    var up =
        new Observation(
            Phase.Stopping, false, false, false, JobRun.ABSENT, JobRun.ABSENT, false, false);
    assertThat(RestoreProgress.next(up)).isEqualTo(Step.WAIT);
    assertThat(
            RestoreProgress.next(
                new Observation(
                    Phase.Stopping,
                    false,
                    true,
                    false,
                    JobRun.ABSENT,
                    JobRun.ABSENT,
                    false,
                    false)))
        .isEqualTo(Step.START);
    // made before a restart recorded it: followed, not made again
    assertThat(RestoreProgress.next(with(up, JobRun.RUNNING, JobRun.ABSENT, false, false)))
        .isEqualTo(Step.START);
  }

  @Test
  void nothingActsOnTheDiskWhileAPodOfTheRestoreMayStillWriteIt() {
    for (var phase : new Phase[] {Phase.Stopping, Phase.Restoring, Phase.RollingBack}) {
      assertThat(RestoreProgress.next(with(in(phase), FAILED, JobRun.ABSENT, true, false)))
          .as(phase.name())
          .isEqualTo(Step.WAIT);
    }
    assertThat(
            RestoreProgress.next(
                with(in(Phase.Restoring), JobRun.RUNNING, JobRun.ABSENT, false, false)))
        .isEqualTo(Step.WAIT);
  }

  @Test
  void theVmIsReleasedOnlyOnceTheDiskIsWrittenOrPutBack() {
    var restoring = in(Phase.Restoring);
    assertThat(RestoreProgress.next(with(restoring, SUCCEEDED, JobRun.ABSENT, false, false)))
        .isEqualTo(Step.RELEASE_VM);
    assertThat(RestoreProgress.next(with(restoring, FAILED, JobRun.ABSENT, false, false)))
        .isEqualTo(Step.ROLL_BACK);
    assertThat(RestoreProgress.next(with(restoring, JobRun.ABSENT, JobRun.ABSENT, false, false)))
        .as("a vanished Job may have written part of the disk")
        .isEqualTo(Step.ROLL_BACK);
    var rollingBack = in(Phase.RollingBack);
    assertThat(RestoreProgress.next(with(rollingBack, FAILED, JobRun.ABSENT, false, false)))
        .isEqualTo(Step.START_ROLLBACK);
    assertThat(RestoreProgress.next(with(rollingBack, FAILED, JobRun.RUNNING, false, false)))
        .isEqualTo(Step.WAIT);
    assertThat(RestoreProgress.next(with(rollingBack, FAILED, SUCCEEDED, false, false)))
        .isEqualTo(Step.ROLLED_BACK);
    assertThat(RestoreProgress.next(with(rollingBack, FAILED, FAILED, false, false)))
        .as("the VM stays held")
        .isEqualTo(Step.ROLLBACK_FAILED);
  }

  @Test
  void aRestoreStartedWithoutASafetyCopyFailsAsBefore() {
    var legacy =
        new Observation(Phase.Restoring, false, true, false, FAILED, JobRun.ABSENT, false, false);
    assertThat(RestoreProgress.next(legacy)).isEqualTo(Step.FAIL_WITHOUT_COPY);
  }

  @Test
  void theSafetyCopyIsReleasedOnlyOnceTheVmWasReadyOnTheRestoredDisk() {
    var starting = in(Phase.Starting);
    assertThat(RestoreProgress.next(starting)).isEqualTo(Step.WAIT);
    var booted =
        new Observation(Phase.Starting, false, false, true, SUCCEEDED, JobRun.ABSENT, false, true);
    assertThat(RestoreProgress.next(booted)).isEqualTo(Step.SUCCEED);
  }

  @Test
  void aDeletionWaitsUntilTheDiskIsWholeAndTheVmNotHeld() {
    assertThat(
            RestoreProgress.next(
                with(in(Phase.Stopping), JobRun.ABSENT, JobRun.ABSENT, false, true)))
        .as("nothing written, nothing will be")
        .isEqualTo(Step.FORGET);
    assertThat(
            RestoreProgress.next(
                with(in(Phase.Restoring), JobRun.RUNNING, JobRun.ABSENT, true, true)))
        .isEqualTo(Step.WAIT);
    assertThat(RestoreProgress.next(with(in(Phase.Restoring), FAILED, JobRun.ABSENT, false, true)))
        .as("carried on: the previous disk goes back first")
        .isEqualTo(Step.ROLL_BACK);
    assertThat(
            RestoreProgress.next(with(in(Phase.RollingBack), FAILED, JobRun.RUNNING, false, true)))
        .isEqualTo(Step.WAIT);
    assertThat(
            RestoreProgress.next(with(in(Phase.Starting), SUCCEEDED, JobRun.ABSENT, false, true)))
        .as("the disk is whole and the VM released; the copy is kept")
        .isEqualTo(Step.FORGET_KEEPING_COPY);
    for (var phase : new Phase[] {Phase.Pending, Phase.Rejected, Phase.Succeeded, Phase.Failed}) {
      assertThat(RestoreProgress.next(with(in(phase), JobRun.ABSENT, JobRun.ABSENT, false, true)))
          .as(phase.name())
          .isEqualTo(Step.FORGET);
    }
  }
}
