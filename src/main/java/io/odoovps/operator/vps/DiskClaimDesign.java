package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.naming.KubeNames;
import io.odoovps.operator.naming.VpsLabels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dedicated disk of a VPS on a cluster without CDI (`odoovps.vm.disk-provisioning =
 * PersistentVolumeClaim`): the claim itself, at the plan's size, and the Job that fills it once
 * from the provider image with the operator's own image (`fill-disk`, which never overwrites a disk
 * that is there). The claim is marked {@link #FILLED} once that Job succeeded; the VM boots only
 * from a marked claim. Pure functions, unit-tested directly.
 */
public final class DiskClaimDesign {

  /** The claim's annotation that says the disk was filled, and when. */
  public static final String FILLED = "odoovps.io/disk-filled-at";

  /** The component label of the fill Job. */
  public static final String FILL_COMPONENT = "disk-fill";

  /** Where the fill Job mounts the claim; KubeVirt reads `disk.img` at its root. */
  static final String MOUNT = "/disk";

  /** KubeVirt's qemu user, who must own the disk image. */
  static final long QEMU_UID = 107L;

  private final OperatorConfig config;

  public DiskClaimDesign(OperatorConfig config) {
    this.config = config;
  }

  public static String fillJobName(OdooVps vps) {
    return KubeNames.bounded(vps.getMetadata().getName() + "-disk-fill", 63);
  }

  /** The claim: Filesystem mode (KubeVirt keeps `disk.img` in it), at the plan's disk size. */
  public PersistentVolumeClaim claim(OdooVps vps) {
    var vm = config.vm();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(VirtualMachineDesign.diskName(vps))
        .withNamespace(vps.getMetadata().getNamespace())
        .withLabels(VpsLabels.of(vps))
        .endMetadata()
        .withNewSpec()
        .withAccessModes(List.copyOf(vm.accessModes()))
        .withStorageClassName(vm.storageClass().orElse(null))
        .withVolumeMode("Filesystem")
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity(vps.getSpec().getPlan().getDisk())))
        .endResources()
        .endSpec()
        .build();
  }

  /** Whether the claim holds the filled disk. */
  public static boolean filled(Optional<PersistentVolumeClaim> claim) {
    return claim
        .map(c -> c.getMetadata().getAnnotations())
        .map(a -> a.containsKey(FILLED))
        .orElse(false);
  }

  /** Whether the fill Job finished with success. */
  public static boolean succeeded(Optional<Job> job) {
    return job.map(Job::getStatus)
        .map(s -> s.getSucceeded() != null && s.getSucceeded() > 0)
        .orElse(false);
  }

  /**
   * The Job that fills the claim from `odoovps.vm.image`: it runs as KubeVirt's qemu user, with no
   * Kubernetes credentials, and retries a failed download three times.
   */
  public Job fillJob(OdooVps vps) {
    var backup = config.backup();
    var labels = new HashMap<>(VpsLabels.of(vps));
    labels.put(VpsLabels.COMPONENT, FILL_COMPONENT);
    var container =
        BackupJobDesign.jobContainer(
                "fill-disk", backup.image(), backup.imagePullPolicy(), backup.memoryLimit())
            .withArgs(
                "fill-disk",
                "--vps",
                vps.getMetadata().getName(),
                "--source",
                config.vm().image(),
                "--target",
                MOUNT + "/disk.img",
                "--size",
                String.valueOf(
                    Quantity.getAmountInBytes(new Quantity(vps.getSpec().getPlan().getDisk()))
                        .longValue()))
            .withEnv(new EnvVar("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=50", null))
            .withVolumeMounts(
                new VolumeMountBuilder().withName("disk").withMountPath(MOUNT).build(),
                new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
            .build();
    return new JobBuilder()
        .withNewMetadata()
        .withName(fillJobName(vps))
        .withNamespace(vps.getMetadata().getNamespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(3)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withContainers(container)
        .withVolumes(
            new VolumeBuilder()
                .withName("disk")
                .withNewPersistentVolumeClaim(VirtualMachineDesign.diskName(vps), false)
                .build(),
            new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build())
        .withSecurityContext(BackupJobDesign.jobPodSecurity(QEMU_UID))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
