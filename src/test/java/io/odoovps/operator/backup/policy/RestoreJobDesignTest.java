package io.odoovps.operator.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreSpec;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import org.junit.jupiter.api.Test;

/** The restore Job and the rollback Job made from it, as their designs render them. */
class RestoreJobDesignTest {

  private final BackupJobDesign design = new BackupJobDesign(TestConfig.defaults());

  private static OdooVpsRestore restore() {
    var restore = new OdooVpsRestore();
    restore.setMetadata(
        new ObjectMetaBuilder().withName("first").withNamespace("ns").withUid("uid-r").build());
    restore.setSpec(new OdooVpsRestoreSpec("alpha", "20260301T020000Z", null));
    return restore;
  }

  private Job restoreJob() {
    return design.restoreJob(
        restore(),
        BackupFixtures.policy("ns", "daily", "http://s3:9000", "b", "lyon-1", "s3-lyon"),
        "alpha",
        "20260301T020000Z",
        "alpha-disk",
        new Quantity("40Gi"),
        "alpha-disk-before-first");
  }

  @Test
  void theRestoreJobMountsTheSafetyCopyAndKeepsTheDiskThereBeforeWritingIt() {
    var pod = restoreJob().getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .extracting(Volume::getName)
        .containsExactly("disk", "safety-copy", "staging");
    assertThat(pod.getVolumes().get(1).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("alpha-disk-before-first");
    assertThat(pod.getContainers().get(0).getArgs())
        .containsSubsequence("--staging", "/staging/disk.img")
        .containsSubsequence("--target", "/disk/disk.img")
        .containsSubsequence("--safety-copy", "/safety-copy/disk.img");
  }

  @Test
  void theRollbackJobIsTheRestorePodWithoutTheBucketOwnedByTheVps() {
    var vps = VpsFixtures.vps("ns", "alpha");
    vps.getMetadata().setUid("uid-alpha");
    var restore = restoreJob();
    var rollback =
        design.rollbackJob(
            restore(), vps, "alpha-disk", new Quantity("40Gi"), "alpha-disk-before-first");
    assertThat(rollback.getMetadata().getName()).isEqualTo("rollback-first");
    assertThat(rollback.getMetadata().getLabels()).isEqualTo(restore.getMetadata().getLabels());
    assertThat(rollback.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("OdooVps");
              assertThat(o.getUid()).isEqualTo("uid-alpha");
            });
    var pod = rollback.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).extracting(Volume::getName).containsExactly("disk", "safety-copy");
    var container = pod.getContainers().get(0);
    assertThat(container.getVolumeMounts())
        .extracting(VolumeMount::getMountPath)
        .containsExactly("/disk", "/safety-copy");
    assertThat(container.getEnv())
        .as("no bucket, no credentials")
        .noneMatch(e -> e.getName().startsWith("ODOOVPS_BACKUP_"));
    assertThat(container.getArgs())
        .containsExactly(
            "rollback",
            "--vps",
            "alpha",
            "--safety-copy",
            "/safety-copy/disk.img",
            "--target",
            "/disk/disk.img",
            "--report",
            BackupJobDesign.REPORT_PATH);
    assertThat(pod.getSecurityContext().getRunAsUser())
        .as("as the restore: the qemu user that owns the disk image")
        .isEqualTo(restore.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser());
  }
}
