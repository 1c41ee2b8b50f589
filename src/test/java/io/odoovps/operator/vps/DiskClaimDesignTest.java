package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The disk the operator makes on a cluster without CDI: its claim, its fill Job, their states. */
class DiskClaimDesignTest {

  private final DiskClaimDesign design =
      new DiskClaimDesign(
          TestConfig.with(
              Map.of(
                  "odoovps.vm.disk-provisioning", "PersistentVolumeClaim",
                  "odoovps.vm.image", "http://images.example/odoo-vps.qcow2",
                  "odoovps.vm.storage-class", "local")));

  @Test
  void theClaimIsAFilesystemVolumeOfThePlansDisk() {
    var claim = design.claim(VpsFixtures.vps("shop", "acme"));

    assertThat(claim.getMetadata().getName()).isEqualTo("acme-disk");
    assertThat(claim.getMetadata().getOwnerReferences())
        .as("customer data: no owner reference, so no cascade deletes it")
        .isEmpty();
    assertThat(claim.getSpec().getVolumeMode()).isEqualTo("Filesystem");
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("local");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("40Gi");
  }

  @Test
  void theFillJobRunsTheOperatorImageAsQemuWithoutCredentials() {
    var job = design.fillJob(VpsFixtures.vps("shop", "acme"));
    var pod = job.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);

    assertThat(job.getMetadata().getName()).isEqualTo("acme-disk-fill");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "disk-fill");
    assertThat(container.getArgs())
        .containsExactly(
            "fill-disk",
            "--vps",
            "acme",
            "--source",
            "http://images.example/odoo-vps.qcow2",
            "--target",
            "/disk/disk.img",
            "--size",
            String.valueOf(40L << 30));
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(107L);
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(107L);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("acme-disk");
  }

  @Test
  void theGrowthJobGrowsTheDiskOnTheInstancesNodeAsQemuWithoutCredentials() {
    var vps = VpsFixtures.vps("shop", "acme");
    var job = design.growJob(vps, 80L << 30, Optional.of("node-a"));
    var pod = job.getSpec().getTemplate().getSpec();

    assertThat(job.getMetadata().getName()).isEqualTo("acme-disk-grow-" + (80L << 30));
    assertThat(job.getMetadata().getOwnerReferences()).hasSize(1);
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "disk-grow");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .as("not the VPS's label: its Service and network policies select that")
        .doesNotContainKey("odoovps.io/vps")
        .containsEntry("app.kubernetes.io/component", "disk-grow");
    assertThat(pod.getContainers().get(0).getArgs())
        .containsExactly(
            "grow-disk-image", "--target", "/disk/disk.img", "--size", String.valueOf(80L << 30));
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(107L);
    assertThat(
            pod.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .get(0)
                .getMatchFields()
                .get(0)
                .getValues())
        .containsExactly("node-a");
    assertThat(design.growJob(vps, 80L << 30, Optional.empty()).getSpec().getTemplate())
        .extracting(t -> t.getSpec().getAffinity())
        .as("no instance runs: anywhere the claim can be mounted")
        .isNull();
  }

  @Test
  void theDisksSizeIsTheGrownMarkElseTheRequest() {
    var claim = design.claim(VpsFixtures.vps("shop", "acme"));
    assertThat(DiskClaimDesign.diskBytes(claim)).isEqualTo(40L << 30);
    assertThat(DiskClaimDesign.capacityBytes(claim)).as("not bound").isZero();
    claim.getMetadata().setAnnotations(Map.of(DiskClaimDesign.SIZE, String.valueOf(80L << 30)));
    assertThat(DiskClaimDesign.diskBytes(claim)).isEqualTo(80L << 30);
    claim.getMetadata().setAnnotations(Map.of(DiskClaimDesign.SIZE, "edited"));
    assertThat(DiskClaimDesign.diskBytes(claim)).isEqualTo(40L << 30);
  }

  @Test
  void theVmWaitsUntilTheClaimIsMarkedFilledWhichHappensOnceAfterTheJobSucceeded() {
    var unfilled = Optional.of(claim(Map.of()));
    var filled = Optional.of(claim(Map.of(DiskClaimDesign.FILLED, "2026-12-04T18:00:00Z")));
    var running = Optional.of(job(0));
    var done = Optional.of(job(1));

    assertThat(DiskFill.BY_CDI.pending()).isFalse();
    assertThat(new DiskFill(true, Optional.empty(), Optional.empty()).pending()).isTrue();
    assertThat(new DiskFill(true, unfilled, running).pending()).isTrue();
    assertThat(new DiskFill(true, unfilled, running).justFilled()).isFalse();
    assertThat(new DiskFill(true, unfilled, done).justFilled()).isTrue();
    assertThat(new DiskFill(true, filled, done).pending()).isFalse();
    assertThat(new DiskFill(true, filled, done).justFilled()).isFalse();
    assertThat(new DiskFill(true, filled, Optional.empty()).pending())
        .as("the Job is gone once the claim is marked: the mark is what counts")
        .isFalse();
  }

  private static PersistentVolumeClaim claim(Map<String, String> annotations) {
    var claim = new PersistentVolumeClaim();
    claim.setMetadata(
        new ObjectMetaBuilder().withName("acme-disk").withAnnotations(annotations).build());
    return claim;
  }

  private static Job job(int succeeded) {
    var job = new Job();
    var status = new JobStatus();
    status.setSucceeded(succeeded);
    job.setStatus(status);
    return job;
  }
}
