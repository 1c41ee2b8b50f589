package io.odoovps.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicySpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.PlanSpec;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreSpec;
import io.odoovps.operator.backup.BackupStore;
import io.odoovps.operator.backup.BackupTarget;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.S3Server;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.vps.DiskClaimDesign;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Backups and restores as pods on the node: the backup Job of a VPS's CronJob runs the operator
 * image in its backup mode, reads the VPS's disk (the PersistentVolumeClaim method: no KubeVirt
 * export runs here yet) and writes it to S3Proxy on the machine's address; the restore Job of an
 * OdooVpsRestore writes the same bytes back. The disk is a hostPath PersistentVolume the test
 * fills, bound to the claim `<vps>-disk` that the operator makes (no CDI here): its fill Job finds
 * the disk there and leaves it as it is.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupOnNodeE2E {

  private static final String VPS = "shop";
  private static final String POLICY = "daily";
  private static final String CLASS = InstalledChart.STORAGE_CLASS;
  private static final long QEMU = 107;

  private static KubernetesClient client;
  private static S3Server s3;
  private static BackupTarget target;
  private static String namespace;
  private static Path volumes;
  private static byte[] disk;

  @BeforeAll
  static void setUp() throws Exception {
    client = InstalledChart.client();
    var host = System.getenv("ODOOVPS_E2E_HOST_IP");
    assertThat(host).as("the machine's address, that pods reach").isNotBlank();
    s3 = new S3Server(host);
    target = s3.bucket("e2e-offsite");
    namespace = TestNamespaces.create(client, "e2e-backups", true);
    volumes = Files.createTempDirectory("odoovps-e2e-volumes");
    hostPathVolume("disk", VPS + "-disk", CLASS);
    disk = new byte[6 * 1024 * 1024];
    new Random(16).nextBytes(disk);
    writeDisk(disk);
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3")
                .endMetadata()
                .withStringData(
                    Map.of(
                        BackupJobDesign.ACCESS_KEY_ID, target.accessKeyId(),
                        BackupJobDesign.SECRET_ACCESS_KEY, target.secretAccessKey()))
                .build())
        .create();
    var vps = VpsFixtures.vps(namespace, VPS);
    // the smallest plan: KubeVirt boots this VM for real, from the test's (unbootable) bytes
    vps.getSpec().setPlan(new PlanSpec("starter", 1, "1Gi", "40Gi"));
    client.resource(vps).create();
    // the operator makes the claim (no CDI here) and its fill Job finds the disk there: it must
    // leave it as it is, and the claim is marked filled
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> {
              var claim =
                  client
                      .persistentVolumeClaims()
                      .inNamespace(namespace)
                      .withName(BackupJobDesign.diskClaim(VPS))
                      .get();
              return claim != null
                  && claim.getMetadata().getAnnotations() != null
                  && claim.getMetadata().getAnnotations().containsKey(DiskClaimDesign.FILLED);
            });
    assertThat(sha256(Files.readAllBytes(volumes.resolve("disk").resolve("disk.img"))))
        .as("the fill Job never writes over a disk that is there")
        .isEqualTo(sha256(disk));
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                client.resources(VirtualMachine.class).inNamespace(namespace).withName(VPS).get()
                    != null);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (client != null && namespace != null) {
      // the contract's end for the test's VPS: its VM and pod go (KubeVirt's shutdown takes its
      // grace period, while the next classes run), so no second VPS pod sits on the node beside
      // the next class's VPS
      // a merge patch without resourceVersion: the operator's status writes move the object
      // (an edit's optimistic lock lost to one once: 409, and the VPS ran on)
      client
          .resources(OdooVps.class)
          .inNamespace(namespace)
          .withName(VPS)
          .patch(
              io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
              "{\"spec\":{\"termination\":{\"confirm\":\"" + VPS + "\"}}}");
    }
    if (s3 != null) {
      s3.close();
    }
    if (volumes != null) {
      try (var files = Files.walk(volumes)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A hostPath PersistentVolume owned by KubeVirt's qemu user, for {@code claim} when named. */
  private static void hostPathVolume(String name, String claim, String storageClass)
      throws Exception {
    var dir = Files.createDirectories(volumes.resolve(name));
    chown(dir);
    var pv =
        new PersistentVolumeBuilder()
            .withNewMetadata()
            .withName(namespace + "-" + name)
            .endMetadata()
            .withNewSpec()
            .withCapacity(Map.of("storage", new Quantity("100Gi")))
            .withAccessModes("ReadWriteOnce")
            .withStorageClassName(storageClass)
            .withPersistentVolumeReclaimPolicy("Retain")
            .withNewHostPath()
            .withPath(dir.toString())
            .withType("Directory")
            .endHostPath()
            .endSpec();
    if (claim != null) {
      pv.editSpec()
          .withNewClaimRef()
          .withNamespace(namespace)
          .withName(claim)
          .endClaimRef()
          .endSpec();
    }
    client.persistentVolumes().resource(pv.build()).create();
  }

  private static void chown(Path path) throws Exception {
    var process = new ProcessBuilder("chown", QEMU + ":" + QEMU, path.toString()).start();
    assertThat(process.waitFor()).isZero();
  }

  private static void writeDisk(byte[] bytes) throws Exception {
    var image = volumes.resolve("disk").resolve("disk.img");
    Files.write(image, bytes);
    chown(image);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static Job awaitJob(String name) {
    var job = client.batch().v1().jobs().inNamespace(namespace).withName(name);
    await()
        .atMost(Duration.ofMinutes(4))
        .ignoreExceptions()
        .until(
            () -> {
              var status = job.get().getStatus();
              return status != null
                  && ((status.getSucceeded() != null && status.getSucceeded() > 0)
                      || (status.getFailed() != null && status.getFailed() > 0));
            });
    var logs =
        client.pods().inNamespace(namespace).withLabel("job-name", name).list().getItems().stream()
            .map(
                p ->
                    client
                        .pods()
                        .inNamespace(namespace)
                        .withName(p.getMetadata().getName())
                        .getLog())
            .toList();
    assertThat(job.get().getStatus().getSucceeded()).as("job " + name + ": " + logs).isEqualTo(1);
    return job.get();
  }

  @Test
  @Order(1)
  void aBackupJobRunsAsAPodAndItsBackupLandsInTheBucket() throws Exception {
    var policy =
        BackupFixtures.policy(
            namespace, POLICY, target.endpoint().toString(), target.bucket(), "lyon-1", "s3");
    policy.getSpec().setMethod(BackupPolicySpec.Method.PersistentVolumeClaim);
    // the derived time of "shop" is 01:22 UTC: a run at that minute once found the CronJob's own
    // Job beside the test's (two backups); 12 hours away, the schedule never fires during the test
    var away = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusHours(12);
    policy.getSpec().setSchedule(away.getMinute() + " " + away.getHour() + " * * *");
    client.resource(policy).create();
    var cronJobs = client.batch().v1().cronjobs().inNamespace(namespace);
    var name = BackupJobDesign.cronJobName(POLICY, VPS);
    await().atMost(Duration.ofMinutes(2)).until(() -> cronJobs.withName(name).get() != null);
    // what `kubectl create job --from=cronjob/<name>` does
    CronJob cronJob = cronJobs.withName(name).get();
    var template = cronJob.getSpec().getJobTemplate();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(VPS + "-now")
                .withLabels(template.getMetadata().getLabels())
                .withAnnotations(Map.of("cronjob.kubernetes.io/instantiate", "manual"))
                .endMetadata()
                .withSpec(template.getSpec())
                .build())
        .create();
    awaitJob(VPS + "-now");

    var store = new BackupStore(target.client(), target.bucket(), Clock.systemUTC(), namespace);
    var manifests = store.list(VPS);
    assertThat(manifests).hasSize(1);
    var decoded = new ByteArrayOutputStream();
    store.decode(manifests.get(0), decoded);
    assertThat(sha256(decoded.toByteArray()))
        .as("the disk, as the backup pod read it")
        .isEqualTo(sha256(disk));
    try (var s3client = target.client()) {
      var keys =
          s3client.listObjectsV2(b -> b.bucket(target.bucket())).contents().stream()
              .map(o -> o.key())
              .toList();
      assertThat(keys)
          .anyMatch(k -> k.endsWith("/data"))
          .anyMatch(k -> k.endsWith("/data.sha256"))
          .anyMatch(k -> k.endsWith("/manifest.json"));
    }
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var entry =
                  client
                      .resources(io.odoovps.operator.api.v1alpha1.backup.BackupRecord.class)
                      .inNamespace(namespace)
                      .withName(
                          io.odoovps.operator.api.v1alpha1.backup.BackupRecord.nameOf(VPS, POLICY))
                      .get()
                      .getSpec();
              assertThat(entry.lastSuccess()).isNotNull();
              assertThat(entry.lastSuccess().backupId()).isEqualTo(manifests.get(0).backupId());
            });
  }

  @Test
  @Order(2)
  void aRestoreJobWritesTheSameBytesBack() throws Exception {
    var store = new BackupStore(target.client(), target.bucket(), Clock.systemUTC(), namespace);
    var backupId = store.list(VPS).get(0).backupId();
    writeDisk(new byte[disk.length]); // the customer's disk, broken
    // the safety copy gets the disk's class; the scratch volume, no class (no default class here)
    hostPathVolume("safety-copy", null, CLASS);
    hostPathVolume("staging", null, "");
    var restore = new OdooVpsRestore();
    restore.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("back-to-monday")
            .withNamespace(namespace)
            .build());
    restore.setSpec(new OdooVpsRestoreSpec(VPS, backupId, POLICY));
    client.resource(restore).create();
    var name = BackupJobDesign.restoreJobName("back-to-monday");
    // the restore waits until KubeVirt stopped the VM: it boots for real here, from bytes that
    // hold no system, so nothing answers the ACPI shutdown and KubeVirt waits out the VM's
    // termination grace period (120 s) before it kills it
    await()
        .atMost(Duration.ofMinutes(5))
        .ignoreExceptions()
        .until(
            () -> client.batch().v1().jobs().inNamespace(namespace).withName(name).get() != null);
    awaitJob(name);
    assertThat(sha256(Files.readAllBytes(volumes.resolve("disk").resolve("disk.img"))))
        .as("the disk after the restore pod")
        .isEqualTo(sha256(disk));
    assertThat(Files.readAllBytes(volumes.resolve("safety-copy").resolve("disk.img")))
        .as("the disk as it was before, kept in the safety copy")
        .isEqualTo(new byte[disk.length]);
  }
}
