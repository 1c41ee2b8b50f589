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

  /**
   * The claim's annotation that says for which size, in bytes, `disk.img` was last made or grown
   * (the plan's disk then). A claim without it (filled by an earlier release) was made for its
   * request.
   */
  public static final String SIZE = "odoovps.io/disk-size-bytes";

  /** The claim's annotation that says when `disk.img` was last grown to a bigger plan's disk. */
  public static final String GROWN = "odoovps.io/disk-grown-at";

  /**
   * The claim's annotation that names (by uid) the VM's instance that ran while `disk.img` grew:
   * its QEMU still has the smaller disk open, so that instance is restarted.
   */
  public static final String GROWN_UNDER = "odoovps.io/disk-grown-under-instance";

  /**
   * The claim's annotation that says what the disk was before its last growth: {@code <disk
   * bytes>/<root file system bytes>}, the second as the guest agent reported it then (0 when no
   * agent answered).
   */
  public static final String GROWN_FROM = "odoovps.io/disk-grown-from";

  /** The component label of the fill Job. */
  public static final String FILL_COMPONENT = "disk-fill";

  /** The component label of the growth Jobs (read with the guest-command Jobs). */
  public static final String GROW_COMPONENT = "disk-grow";

  /** How long a growth Job may run: it extends a sparse file, seconds are enough. */
  static final long GROW_DEADLINE_SECONDS = 600;

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

  /** The growth Job of the VPS's disk to {@code bytes}: one per size. */
  public static String growJobName(OdooVps vps, long bytes) {
    return KubeNames.bounded(vps.getMetadata().getName() + "-disk-grow-" + bytes, 63);
  }

  /**
   * The size `disk.img` was made for: the claim's {@link #SIZE}, else its request; 0 if unknown.
   */
  static long diskBytes(PersistentVolumeClaim claim) {
    var annotations = claim.getMetadata().getAnnotations();
    if (annotations != null && annotations.get(SIZE) != null) {
      try {
        return Long.parseLong(annotations.get(SIZE));
      } catch (NumberFormatException e) {
        // someone edited it: fall back to the request
      }
    }
    return requestBytes(claim);
  }

  /** What the claim asks for (its request); 0 if none. */
  static long requestBytes(PersistentVolumeClaim claim) {
    var resources = claim.getSpec().getResources();
    var request =
        resources == null || resources.getRequests() == null
            ? null
            : resources.getRequests().get("storage");
    return request == null ? 0 : bytes(request);
  }

  /** What the claim's volume holds (its status capacity); 0 while it is not bound. */
  static long capacityBytes(PersistentVolumeClaim claim) {
    var status = claim.getStatus();
    var capacity =
        status == null || status.getCapacity() == null ? null : status.getCapacity().get("storage");
    return capacity == null ? 0 : bytes(capacity);
  }

  static long bytes(Quantity quantity) {
    return Quantity.getAmountInBytes(quantity).longValue();
  }

  static long bytes(String quantity) {
    return bytes(new Quantity(quantity));
  }

  /** When `disk.img` was last grown, if it was. */
  static Optional<java.time.Instant> grownAt(PersistentVolumeClaim claim) {
    var annotations = claim.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(GROWN))
        .map(io.odoovps.operator.contract.Timestamps::parse);
  }

  /** What the disk was before its last growth ({@link #GROWN_FROM}). */
  record Before(long diskBytes, long rootBytes) {
    String annotation() {
      return diskBytes + "/" + rootBytes;
    }
  }

  static Optional<Before> grownFrom(PersistentVolumeClaim claim) {
    var annotations = claim.getMetadata().getAnnotations();
    var value = annotations == null ? null : annotations.get(GROWN_FROM);
    if (value == null) {
      return Optional.empty();
    }
    var parts = value.split("/");
    try {
      return parts.length == 2
          ? Optional.of(new Before(Long.parseLong(parts[0]), Long.parseLong(parts[1])))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The uid of the VM's instance that ran while `disk.img` last grew, if one ran. */
  static Optional<String> grownUnder(PersistentVolumeClaim claim) {
    var annotations = claim.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(GROWN_UNDER))
        .filter(s -> !s.isEmpty());
  }

  /**
   * The Job that grows the claim's `disk.img` to {@code bytes} with the operator's image
   * (`grow-disk-image`), on the node of the VM's instance when one runs (the claim may be
   * ReadWriteOnce): as KubeVirt's qemu user, with no Kubernetes credentials, owned by the VPS.
   */
  Job growJob(OdooVps vps, long bytes, Optional<String> node) {
    var labels = new HashMap<>(VpsLabels.of(vps));
    labels.put(VpsLabels.COMPONENT, GROW_COMPONENT);
    var pod =
        diskPod(
            vps,
            diskContainer("grow-disk")
                .withArgs(
                    "grow-disk-image",
                    "--target",
                    MOUNT + "/disk.img",
                    "--size",
                    String.valueOf(bytes))
                .build());
    node.ifPresent(
        n ->
            pod.withNewAffinity()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addNewMatchField()
                .withKey("metadata.name")
                .withOperator("In")
                .withValues(n)
                .endMatchField()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .endAffinity());
    return new JobBuilder()
        .withMetadata(BackupJobDesign.meta(growJobName(vps, bytes), vps, labels))
        .withNewSpec()
        .withBackoffLimit(2)
        .withActiveDeadlineSeconds(GROW_DEADLINE_SECONDS)
        .withTtlSecondsAfterFinished(GuestCommandJobDesign.KEPT_SECONDS)
        .withNewTemplate()
        .withNewMetadata()
        // not the VPS label: the VPS's Service and network policies select it
        .withLabels(
            Map.of(
                VpsLabels.MANAGED_BY,
                VpsLabels.OPERATOR,
                VpsLabels.COMPONENT,
                GROW_COMPONENT,
                "app.kubernetes.io/instance",
                vps.getMetadata().getName()))
        .endMetadata()
        .withSpec(pod.build())
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The container of a disk Job: the operator's image, the claim mounted at {@link #MOUNT}. */
  private io.fabric8.kubernetes.api.model.ContainerBuilder diskContainer(String name) {
    var backup = config.backup();
    return BackupJobDesign.jobContainer(
            name, backup.image(), backup.imagePullPolicy(), backup.memoryLimit())
        .withEnv(new EnvVar("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=50", null))
        .withVolumeMounts(new VolumeMountBuilder().withName("disk").withMountPath(MOUNT).build());
  }

  /** The pod of a disk Job: as KubeVirt's qemu user, no Kubernetes credentials, never restarted. */
  private static io.fabric8.kubernetes.api.model.PodSpecBuilder diskPod(
      OdooVps vps, io.fabric8.kubernetes.api.model.Container container) {
    return new io.fabric8.kubernetes.api.model.PodSpecBuilder()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withContainers(container)
        .withVolumes(
            new VolumeBuilder()
                .withName("disk")
                .withNewPersistentVolumeClaim(VirtualMachineDesign.diskName(vps), false)
                .build())
        .withSecurityContext(BackupJobDesign.jobPodSecurity(QEMU_UID));
  }

  /** Merge-patches annotations onto the VPS's disk claim (the filled and grown marks). */
  static void annotate(
      io.fabric8.kubernetes.client.KubernetesClient client,
      PersistentVolumeClaim claim,
      Map<String, String> annotations) {
    patch(client, claim, Map.of("metadata", Map.of("annotations", annotations)));
  }

  /** Merge-patches the VPS's disk claim. */
  static void patch(
      io.fabric8.kubernetes.client.KubernetesClient client,
      PersistentVolumeClaim claim,
      Map<String, Object> patch) {
    client
        .persistentVolumeClaims()
        .inNamespace(claim.getMetadata().getNamespace())
        .withName(claim.getMetadata().getName())
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            io.fabric8.kubernetes.client.utils.Serialization.asJson(patch));
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
        diskContainer("fill-disk")
            .withArgs(
                "fill-disk",
                "--vps",
                vps.getMetadata().getName(),
                "--source",
                config.vm().image(),
                "--target",
                MOUNT + "/disk.img",
                "--size",
                String.valueOf(bytes(vps.getSpec().getPlan().getDisk())))
            .addToVolumeMounts(
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
        .withSpec(
            diskPod(vps, container)
                .addToVolumes(
                    new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build())
                .build())
        .endTemplate()
        .endSpec()
        .build();
  }
}
