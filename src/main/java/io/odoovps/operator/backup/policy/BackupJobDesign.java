package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicySpec;
import io.odoovps.operator.backup.ExportToken;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.naming.KubeNames;
import io.odoovps.operator.naming.VpsLabels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects that run backups and restores: one CronJob per (policy, VPS) running this operator's
 * image in its backup mode, with the export token Secret of that VPS; the policy's ServiceAccount
 * and the RoleBinding that gives it, in the policy's namespace only, the chart's backup ClusterRole
 * (snapshot and export VMs, nothing more: no Secret at all); and the restore, prune and purge Jobs.
 * Credentials and the token reach the pods only as `secretKeyRef`s, which the kubelet resolves.
 *
 * <p>The Jobs and pods say which VPS they serve with {@link #VPS_LABEL}, never with {@link
 * VpsLabels#VPS}: that label is what the VPS's Service, NetworkPolicies and CiliumNetworkPolicy
 * select, so a backup pod carrying it would receive the customer's traffic, be cut off from S3 and
 * the export server by the VPS's isolation and filter, and share its bandwidth throttle.
 */
public final class BackupJobDesign {

  public static final String POLICY_LABEL = "odoovps.io/backup-policy";
  public static final String RESTORE_LABEL = "odoovps.io/restore";
  public static final String PURGE_LABEL = "odoovps.io/purge";
  public static final String PRUNE_LABEL = "odoovps.io/prune";

  /** The VPS a backup, restore, prune or purge Job (and its pods) serves. */
  public static final String VPS_LABEL = "odoovps.io/backup-of";

  /**
   * The label releases before {@link #VPS_LABEL} put on those Jobs: read, never written, so that
   * their runs, failures and leftovers still count after an upgrade.
   */
  public static final String LEGACY_VPS_LABEL = VpsLabels.VPS;

  /** The component of the export token Secrets. */
  public static final String EXPORT_TOKEN = "export-token";

  public static final String COMPONENT = VpsLabels.COMPONENT;
  public static final String ACCESS_KEY_ID = "access-key-id";
  public static final String SECRET_ACCESS_KEY = "secret-access-key";
  public static final String REPORT_PATH = "/dev/termination-log";

  /** Where restore and rollback pods find the safety copy of the disk. */
  static final String SAFETY_COPY_PATH = "/safety-copy/disk.img";

  /** Selects the pods of backup and restore Jobs, whose termination messages carry results. */
  public static final String POD_SELECTOR =
      VpsLabels.MANAGED_BY_SELECTOR + "," + COMPONENT + " in (backup,restore)";

  /** The image's user. */
  static final long JOB_UID = 185L;

  /**
   * KubeVirt's qemu user, which owns the disk image in a VM's filesystem-mode volume: the restore
   * pod writes it as that user, so the VM can open it again.
   */
  static final long QEMU_UID = 107L;

  private final OperatorConfig.Backup config;

  public BackupJobDesign(OperatorConfig config) {
    this.config = config.backup();
  }

  /** The CronJob of a VPS under a policy: at most 52 characters, unique per pair. */
  public static String cronJobName(String policy, String vps) {
    return bounded("backup-" + policy + "-" + vps, 52);
  }

  /** Where a backup pod of the PersistentVolumeClaim method mounts the disk, read-only. */
  static final String DISK_MOUNT = "/disk";

  /** The claim of a VPS's disk: the DataVolume (and PVC) VirtualMachineDesign names for it. */
  public static String diskClaim(String vps) {
    return KubeNames.diskClaim(vps);
  }

  public static String serviceAccountName(String policy) {
    return bounded(policy + "-backup", 63);
  }

  /** The Secret holding the export token of a VPS's backups under a policy. */
  public static String exportTokenSecretName(String policy, String vps) {
    return bounded("export-token-" + policy + "-" + vps, 63);
  }

  public static Map<String, String> labels(String policy, String vps) {
    var labels = new LinkedHashMap<String, String>();
    labels.put(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR);
    labels.put(COMPONENT, "backup");
    labels.put(POLICY_LABEL, policy);
    labels.put(VPS_LABEL, vps);
    return labels;
  }

  /**
   * The VPS a Job or pod of ours serves: its {@link #VPS_LABEL}, or for one made by a release
   * before that label, its {@link #LEGACY_VPS_LABEL}; null for neither.
   */
  public static String vpsOf(HasMetadata object) {
    var labels = object.getMetadata().getLabels();
    if (labels == null) {
      return null;
    }
    var vps = labels.get(VPS_LABEL);
    return vps != null ? vps : labels.get(LEGACY_VPS_LABEL);
  }

  public CronJob cronJob(BackupPolicy policy, String vps, DailySchedule schedule) {
    var spec = policy.getSpec();
    var name = policy.getMetadata().getName();
    var labels = labels(name, vps);
    var pod =
        backupPod(policy, vps)
            .withServiceAccountName(serviceAccountName(name))
            .withAutomountServiceAccountToken(true)
            .build();
    // the export token: the Secret's name for the export to refer to, its value to download with
    var tokenSecret = exportTokenSecretName(name, vps);
    pod.getContainers()
        .get(0)
        .getEnv()
        .addAll(
            List.of(
                new EnvVar(ExportToken.SECRET_ENV, tokenSecret, null),
                secretEnv(ExportToken.VALUE_ENV, tokenSecret, ExportToken.KEY)));
    return new CronJobBuilder()
        .withMetadata(meta(cronJobName(name, vps), policy, labels))
        .withNewSpec()
        .withSchedule(schedule.expression())
        .withTimeZone(spec.getTimeZone())
        .withSuspend(Boolean.TRUE.equals(spec.getSuspend()))
        .withConcurrencyPolicy("Forbid")
        .withStartingDeadlineSeconds(3600L)
        .withSuccessfulJobsHistoryLimit(3)
        .withFailedJobsHistoryLimit(3)
        .withNewJobTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(spec.getRetries())
        .withActiveDeadlineSeconds(config.runDeadline().toSeconds())
        .withTtlSecondsAfterFinished(7 * 24 * 3600)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .endJobTemplate()
        .endSpec()
        .build();
  }

  /**
   * The backup pod: the VirtualMachineExport method talks to KubeVirt's export server; the
   * PersistentVolumeClaim method mounts the VPS's disk claim read-only and streams its image, as
   * KubeVirt's qemu user, who owns it.
   */
  private PodSpecBuilder backupPod(BackupPolicy policy, String vps) {
    var spec = policy.getSpec();
    var fromClaim = spec.getMethod() == BackupPolicySpec.Method.PersistentVolumeClaim;
    var args = new ArrayList<>(List.of("backup", "--vps", vps));
    if (fromClaim) {
      args.addAll(List.of("--source", DISK_MOUNT + "/disk.img"));
    } else {
      args.addAll(List.of("--method", spec.getMethod().name()));
    }
    args.addAll(
        List.of(
            "--retention-days",
            String.valueOf(spec.getRetentionDays()),
            "--capture-timeout",
            config.captureTimeout().toSeconds() + "s",
            "--report",
            REPORT_PATH));
    if (!fromClaim) {
      return podSpec(policy, args, List.of(), List.of(), JOB_UID);
    }
    return podSpec(
        policy,
        args,
        List.of(
            new io.fabric8.kubernetes.api.model.VolumeBuilder()
                .withName("disk")
                .withNewPersistentVolumeClaim(diskClaim(vps), true)
                .build()),
        List.of(
            new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                .withMountPath(DISK_MOUNT)
                .withName("disk")
                .withReadOnly(true)
                .build()),
        QEMU_UID);
  }

  /**
   * The export token of one VPS's backups, owned by its CronJob (it goes when the VPS leaves the
   * policy, or the policy goes). KubeVirt's export server accepts it for the exports that name this
   * Secret, which live only while a run downloads (at most their TTL); the backup pod reads it by
   * `secretKeyRef`, so the pods need no right on Secrets.
   */
  public static Secret exportTokenSecret(
      BackupPolicy policy, String vps, CronJob owner, String token) {
    var labels = labels(policy.getMetadata().getName(), vps);
    labels.put(COMPONENT, EXPORT_TOKEN);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(exportTokenSecretName(policy.getMetadata().getName(), vps))
        .withNamespace(policy.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(
            // no blockOwnerDeletion: that would need update on cronjobs/finalizers (OpenShift)
            new OwnerReferenceBuilder()
                .withApiVersion("batch/v1")
                .withKind("CronJob")
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .build())
        .endMetadata()
        .withType("Opaque")
        .addToStringData(ExportToken.KEY, token)
        .build();
  }

  public ServiceAccount serviceAccount(BackupPolicy policy) {
    var name = serviceAccountName(policy.getMetadata().getName());
    return new ServiceAccountBuilder()
        .withMetadata(meta(name, policy, labels(policy.getMetadata().getName(), null)))
        .build();
  }

  /**
   * Gives the policy's ServiceAccount the chart's backup ClusterRole in the policy's namespace. The
   * operator may create it without holding the role's verbs: it holds `bind` on that ClusterRole,
   * by name, and on no other role.
   */
  public RoleBinding roleBinding(BackupPolicy policy) {
    var name = serviceAccountName(policy.getMetadata().getName());
    return new RoleBindingBuilder()
        .withMetadata(meta(name, policy, labels(policy.getMetadata().getName(), null)))
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", config.clusterRole())
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(policy.getMetadata().getNamespace())
        .endSubject()
        .build();
  }

  /**
   * The Job that restores {@code backupId} onto the disk of {@code vps}: it decodes the backup onto
   * a scratch volume as large as the disk and verifies it whole (SHA-256, gzip to its end), copies
   * the disk as it is onto the safety-copy claim, and only then overwrites the disk. Without a
   * {@code policy}, the pod gets no bucket (what {@link #rollbackJob} starts from).
   */
  public Job restoreJob(
      HasMetadata restore,
      BackupPolicy policy,
      String vps,
      String backupId,
      String diskClaim,
      Quantity diskSize,
      String safetyCopyClaim) {
    var labels = new LinkedHashMap<String, String>();
    labels.put(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR);
    labels.put(COMPONENT, "restore");
    labels.put(RESTORE_LABEL, restore.getMetadata().getName());
    labels.put(VPS_LABEL, vps);
    var args =
        List.of(
            "restore",
            "--vps",
            vps,
            "--backup",
            backupId,
            "--staging",
            "/staging/disk.img",
            "--target",
            "/disk/disk.img",
            "--safety-copy",
            SAFETY_COPY_PATH,
            "--report",
            REPORT_PATH);
    var volumes = restoreVolumes(diskClaim, diskSize, safetyCopyClaim);
    var mounts = restoreMounts();
    return new JobBuilder()
        .withMetadata(meta(restoreJobName(restore.getMetadata().getName()), restore, labels))
        .withNewSpec()
        .withBackoffLimit(1)
        .withActiveDeadlineSeconds(config.runDeadline().toSeconds())
        .withTtlSecondsAfterFinished(24 * 3600)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(
            podSpec(policy, args, volumes, mounts, QEMU_UID)
                .withAutomountServiceAccountToken(false)
                .build())
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The restore pod's volumes: the disk, the safety copy, and a scratch volume as large. */
  private List<Volume> restoreVolumes(String diskClaim, Quantity diskSize, String safetyCopyClaim) {
    return List.of(
        new io.fabric8.kubernetes.api.model.VolumeBuilder()
            .withName("disk")
            .withNewPersistentVolumeClaim(diskClaim, false)
            .build(),
        new io.fabric8.kubernetes.api.model.VolumeBuilder()
            .withName("safety-copy")
            .withNewPersistentVolumeClaim(safetyCopyClaim, false)
            .build(),
        new io.fabric8.kubernetes.api.model.VolumeBuilder()
            .withName("staging")
            .withNewEphemeral()
            .withNewVolumeClaimTemplate()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withNewResources()
            .withRequests(Map.of("storage", stagingSize(diskSize)))
            .endResources()
            .endSpec()
            .endVolumeClaimTemplate()
            .endEphemeral()
            .build());
  }

  private static List<VolumeMount> restoreMounts() {
    return List.of(
        new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
            .withMountPath("/disk")
            .withName("disk")
            .build(),
        new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
            .withMountPath("/safety-copy")
            .withName("safety-copy")
            .build(),
        new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
            .withMountPath("/staging")
            .withName("staging")
            .build());
  }

  /**
   * The Job that puts the disk of {@code vps} back from the safety copy after the restore Job of
   * {@code restore} failed: the restore Job's pod (labels, image, disk and safety-copy volumes)
   * running the `rollback` mode, without the bucket's credentials or the scratch volume. It is
   * owned by {@code vps}, not by the restore, so that deleting the restore (even in the foreground)
   * never takes it down half-way. Retried a few times: putting the copy back is idempotent.
   */
  public Job rollbackJob(
      HasMetadata restore,
      HasMetadata vps,
      String diskClaim,
      Quantity diskSize,
      String safetyCopyClaim) {
    var vpsName = vps.getMetadata().getName();
    var job = restoreJob(restore, null, vpsName, "none", diskClaim, diskSize, safetyCopyClaim);
    job.getMetadata().setName(rollbackJobName(restore.getMetadata().getName()));
    job.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion(vps.getApiVersion())
                    .withKind(vps.getKind())
                    .withName(vpsName)
                    .withUid(vps.getMetadata().getUid())
                    .withController(false)
                    .withBlockOwnerDeletion(false)
                    .build()));
    job.getSpec().setBackoffLimit(3);
    var pod = job.getSpec().getTemplate().getSpec();
    pod.setVolumes(
        new ArrayList<>(
            pod.getVolumes().stream().filter(v -> !"staging".equals(v.getName())).toList()));
    var container = pod.getContainers().get(0);
    container.setName("rollback");
    container.setVolumeMounts(
        new ArrayList<>(
            container.getVolumeMounts().stream()
                .filter(m -> !"staging".equals(m.getName()))
                .toList()));
    container.setArgs(
        List.of(
            "rollback",
            "--vps",
            vpsName,
            "--safety-copy",
            SAFETY_COPY_PATH,
            "--target",
            "/disk/disk.img",
            "--report",
            REPORT_PATH));
    return job;
  }

  public static String rollbackJobName(String restore) {
    return bounded("rollback-" + restore, 63);
  }

  /**
   * The Job that deletes the backups of a terminated VPS from the policy's bucket (contract article
   * 12: at the end, all the data goes): those taken until its termination started, so that a new
   * VPS of the same name keeps its own.
   */
  public Job purgeJob(BackupPolicy policy, String vps, String terminatedAt) {
    return bucketJob(
        policy,
        vps,
        purgeJobName(policy.getMetadata().getName(), vps),
        PURGE_LABEL,
        List.of("purge", "--vps", vps, "--until", terminatedAt, "--report", REPORT_PATH));
  }

  /**
   * The Job that deletes the backups of a VPS that left the policy once they are older than the
   * retention (article 3: kept 15 days); it keeps anything younger.
   */
  public Job pruneJob(BackupPolicy policy, String vps) {
    return bucketJob(
        policy,
        vps,
        pruneJobName(policy.getMetadata().getName(), vps),
        PRUNE_LABEL,
        List.of(
            "prune",
            "--vps",
            vps,
            "--retention-days",
            String.valueOf(policy.getSpec().getRetentionDays()),
            "--report",
            REPORT_PATH));
  }

  /** A Job of the backup command on the bucket alone: no VM, no disk, no API access. */
  private Job bucketJob(
      BackupPolicy policy, String vps, String name, String label, List<String> args) {
    var labels = labels(policy.getMetadata().getName(), vps);
    labels.put(label, "true");
    return new JobBuilder()
        .withMetadata(meta(name, policy, labels))
        .withNewSpec()
        .withBackoffLimit(policy.getSpec().getRetries())
        .withActiveDeadlineSeconds(config.runDeadline().toSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(
            podSpec(policy, args, List.of(), List.of(), JOB_UID)
                .withAutomountServiceAccountToken(false)
                .build())
        .endTemplate()
        .endSpec()
        .build();
  }

  /** A purge or prune Job: it works on the bucket, it is not a backup run. */
  public static boolean isBucketJob(Job job) {
    var labels = job.getMetadata().getLabels();
    return labels != null && (labels.containsKey(PURGE_LABEL) || labels.containsKey(PRUNE_LABEL));
  }

  public static String pruneJobName(String policy, String vps) {
    return bounded("prune-" + policy + "-" + vps, 63);
  }

  public static String purgeJobName(String policy, String vps) {
    return bounded("purge-" + policy + "-" + vps, 63);
  }

  /** The disk plus a tenth and 1 GiB: a raw image plus file-system overhead fits. */
  static Quantity stagingSize(Quantity disk) {
    var bytes = disk.getNumericalAmount();
    var staging =
        bytes
            .multiply(new java.math.BigDecimal("1.1"))
            .add(java.math.BigDecimal.valueOf(1L << 30))
            .setScale(0, java.math.RoundingMode.CEILING);
    return new Quantity(staging.toPlainString());
  }

  public static String restoreJobName(String restore) {
    return bounded("restore-" + restore, 63);
  }

  private PodSpecBuilder podSpec(
      BackupPolicy policy,
      List<String> args,
      List<Volume> volumes,
      List<VolumeMount> mounts,
      long uid) {
    var env = new ArrayList<EnvVar>();
    if (policy != null) { // a rollback needs no bucket
      var target = policy.getSpec().getTarget();
      env.add(new EnvVar("ODOOVPS_BACKUP_ENDPOINT", target.getEndpoint(), null));
      env.add(new EnvVar("ODOOVPS_BACKUP_BUCKET", target.getBucket(), null));
      env.add(new EnvVar("ODOOVPS_BACKUP_REGION", target.getRegion(), null));
      env.add(
          secretEnv("ODOOVPS_BACKUP_ACCESS_KEY_ID", target.getCredentialsSecret(), ACCESS_KEY_ID));
      env.add(
          secretEnv(
              "ODOOVPS_BACKUP_SECRET_ACCESS_KEY",
              target.getCredentialsSecret(),
              SECRET_ACCESS_KEY));
    }
    env.add(
        new EnvVarBuilder()
            .withName("ODOOVPS_NAMESPACE")
            .withNewValueFrom()
            .withNewFieldRef("v1", "metadata.namespace")
            .endValueFrom()
            .build());
    env.add(new EnvVar("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=50", null));
    var container =
        jobContainer(args.get(0), config.image(), config.imagePullPolicy(), config.memoryLimit())
            .withArgs(args)
            .withEnv(env)
            .withVolumeMounts(mounts)
            .build();
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withContainers(container)
        .withVolumes(volumes)
        .withSecurityContext(jobPodSecurity(uid));
  }

  /** The pod security of a Job pod: one uid (also its group and volumes' group), seccomp on. */
  public static PodSecurityContext jobPodSecurity(long uid) {
    return new PodSecurityContextBuilder()
        .withRunAsUser(uid)
        .withRunAsGroup(uid)
        .withFsGroup(uid)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  /**
   * The container of a Job pod that runs the operator's image in one of its modes (backup, restore,
   * fill-disk): small requests, a memory limit, a read-only root, no privilege, no capability; the
   * caller adds its arguments, environment and mounts.
   */
  public static ContainerBuilder jobContainer(
      String name, String image, String pullPolicy, String memoryLimit) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        .withImagePullPolicy(pullPolicy)
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
        .withLimits(Map.of("memory", new Quantity(memoryLimit)))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext();
  }

  private static EnvVar secretEnv(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef(key, secret, false)
        .endValueFrom()
        .build();
  }

  /**
   * The metadata of an object the operator makes for {@code owner} in its namespace: the labels
   * that are set, and {@code owner} as its controller (garbage-collected with it).
   */
  public static ObjectMeta meta(String name, HasMetadata owner, Map<String, String> labels) {
    var cleaned = new LinkedHashMap<String, String>();
    labels.forEach(
        (k, v) -> {
          if (v != null) {
            cleaned.put(k, v);
          }
        });
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(cleaned)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .build();
  }

  static String bounded(String name, int max) {
    return KubeNames.bounded(name, max);
  }
}
