package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.naming.KubeNames;
import io.odoovps.operator.vps.VpsLabels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects that run backups and restores: one CronJob per (policy, VPS) running this operator's
 * image in its backup mode, the ServiceAccount and Role that let its pods snapshot and export the
 * VM (nothing more), and the restore Job. Credentials reach the pods only as `secretKeyRef`s.
 */
public final class BackupJobDesign {

  public static final String POLICY_LABEL = "odoovps.io/backup-policy";
  public static final String RESTORE_LABEL = "odoovps.io/restore";
  public static final String PURGE_LABEL = "odoovps.io/purge";
  public static final String PRUNE_LABEL = "odoovps.io/prune";
  public static final String COMPONENT = "app.kubernetes.io/component";
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

  public static String serviceAccountName(String policy) {
    return bounded(policy + "-backup", 63);
  }

  public static Map<String, String> labels(String policy, String vps) {
    var labels = new LinkedHashMap<String, String>();
    labels.put(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR);
    labels.put(COMPONENT, "backup");
    labels.put(POLICY_LABEL, policy);
    labels.put(VpsLabels.VPS, vps);
    return labels;
  }

  public CronJob cronJob(BackupPolicy policy, String vps, DailySchedule schedule) {
    var spec = policy.getSpec();
    var name = policy.getMetadata().getName();
    var labels = labels(name, vps);
    var args =
        List.of(
            "backup",
            "--vps",
            vps,
            "--method",
            spec.getMethod().name(),
            "--retention-days",
            String.valueOf(spec.getRetentionDays()),
            "--capture-timeout",
            config.captureTimeout().toSeconds() + "s",
            "--report",
            REPORT_PATH);
    var pod =
        podSpec(policy, args, List.of(), List.of(), JOB_UID)
            .withServiceAccountName(serviceAccountName(name))
            .withAutomountServiceAccountToken(true)
            .build();
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
   * What the backup pods may do: snapshot and export VMs, and create the export's token Secret
   * (owned by the export, so it goes with it). Nothing else of the namespace.
   */
  public Role role(BackupPolicy policy) {
    var name = serviceAccountName(policy.getMetadata().getName());
    return new RoleBuilder()
        .withMetadata(meta(name, policy, labels(policy.getMetadata().getName(), null)))
        .withRules(
            new PolicyRuleBuilder()
                .withApiGroups("snapshot.kubevirt.io")
                .withResources("virtualmachinesnapshots")
                .withVerbs("create", "get", "delete")
                .build(),
            new PolicyRuleBuilder()
                .withApiGroups("export.kubevirt.io")
                .withResources("virtualmachineexports")
                .withVerbs("create", "get", "delete")
                .build(),
            new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources("secrets")
                .withVerbs("create", "get", "update", "patch", "delete")
                .build())
        .build();
  }

  public ServiceAccount serviceAccount(BackupPolicy policy) {
    var name = serviceAccountName(policy.getMetadata().getName());
    return new ServiceAccountBuilder()
        .withMetadata(meta(name, policy, labels(policy.getMetadata().getName(), null)))
        .build();
  }

  public RoleBinding roleBinding(BackupPolicy policy) {
    var name = serviceAccountName(policy.getMetadata().getName());
    return new RoleBindingBuilder()
        .withMetadata(meta(name, policy, labels(policy.getMetadata().getName(), null)))
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
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
    labels.put(VpsLabels.VPS, vps);
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
    var volumes =
        List.of(
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
    var mounts =
        List.of(
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
   * The Job that deletes every backup of a terminated VPS from the policy's bucket (contract
   * article 12: at the end, all the data goes).
   */
  public Job purgeJob(BackupPolicy policy, String vps) {
    return bucketJob(
        policy,
        vps,
        purgeJobName(policy.getMetadata().getName(), vps),
        PURGE_LABEL,
        List.of("purge", "--vps", vps, "--report", REPORT_PATH));
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
        new ContainerBuilder()
            .withName(args.get(0))
            .withImage(config.image())
            .withImagePullPolicy(config.imagePullPolicy())
            .withArgs(args)
            .withEnv(env)
            .withVolumeMounts(mounts)
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withNewResources()
            .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
            .withLimits(Map.of("memory", new Quantity(config.memoryLimit())))
            .endResources()
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .build();
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withContainers(container)
        .withVolumes(volumes)
        .withNewSecurityContext()
        .withRunAsUser(uid)
        .withRunAsGroup(uid)
        .withFsGroup(uid)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
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

  private static ObjectMeta meta(String name, HasMetadata owner, Map<String, String> labels) {
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
