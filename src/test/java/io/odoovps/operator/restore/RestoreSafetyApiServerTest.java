package io.odoovps.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreSpec;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.DiskOutcome;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.backup.BackupStore;
import io.odoovps.operator.backup.BackupTarget;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.guard.DeletionApproval;
import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.S3Server;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestKubelet;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VirtControllerSimulator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.vps.OdooVpsReconciler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A restore never destroys the only copy of a VPS's disk, on the real API server with
 * kube-controller-manager (the Job controller, the garbage collector), a real S3 server, the
 * OdooVps and restore reconcilers, virt-controller played on the real KubeVirt CRDs ({@link
 * VirtControllerSimulator}), and the restore pods run by {@link TestKubelet} through the real
 * backup command, the disk and the safety copy as directories. The disk holds known bytes before
 * each restore, so "as it was" is checked byte for byte.
 */
class RestoreSafetyApiServerTest extends VpsOperatorTestBase {

  private static final String BACKUP_ID = "20260301T020000Z";
  private static final String DISK = "alpha-disk";

  private static S3Server s3;
  private static BackupTarget bucket;

  private String ledgerNamespace;
  private TestKubelet kubelet;
  private VirtControllerSimulator virt;
  private byte[] previous;
  private byte[] backup;

  @BeforeAll
  static void startServers() {
    ControlPlane.get().requireControllerManager();
    s3 = new S3Server();
    bucket = s3.bucket("offsite-safety");
  }

  @AfterAll
  static void stopServers() throws InterruptedException {
    s3.close();
  }

  @Override
  protected TestOperator newOperator() {
    ledgerNamespace = TestNamespaces.create(client, "operator");
    return operator();
  }

  private TestOperator operator() {
    return TestOperator.start(
        namespace,
        new OdooVpsReconciler(config(), clock, mailbox.mailer()),
        new OdooVpsRestoreReconciler(
            TestConfig.with(Map.of("odoovps.restore.ledger-namespace", ledgerNamespace)), clock));
  }

  @AfterEach
  void stopSimulators() {
    if (kubelet != null) {
      kubelet.close();
    }
    if (virt != null) {
      virt.close();
    }
  }

  /**
   * The VPS alpha running on a 4 MiB disk of known bytes, a policy keeping one gzip backup of other
   * bytes ({@code truncated}: cut short when it was taken, its checksum that of what was stored),
   * the kubelet and virt-controller playing their parts.
   */
  private void alphaWithABackup(boolean truncated) throws Exception {
    previous = image(1);
    backup = image(2);
    client
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder().withName("s3-lyon").withNamespace(namespace).build())
                .withStringData(
                    Map.of(
                        BackupJobDesign.ACCESS_KEY_ID, bucket.accessKeyId(),
                        BackupJobDesign.SECRET_ACCESS_KEY, bucket.secretAccessKey()))
                .build())
        .create();
    var gz = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      out.write(backup);
    }
    var stored = gz.toByteArray();
    if (truncated) {
      stored = Arrays.copyOf(stored, stored.length * 2 / 3);
    }
    try (var s3client = bucket.client()) {
      var manifest =
          new BackupStore(s3client, bucket.bucket(), clock, namespace)
              .upload("alpha", BACKUP_ID, new ByteArrayInputStream(stored), "gzip", "test");
      create(VpsFixtures.vps(namespace, "alpha"));
      client
          .resource(
              BackupFixtures.policy(
                  namespace,
                  "daily",
                  bucket.endpoint().toString(),
                  bucket.bucket(),
                  "lyon-1",
                  "s3-lyon"))
          .create();
      BackupFixtures.keeping(
          client,
          namespace,
          "daily",
          new Backup(BACKUP_ID, manifest.createdAt(), manifest.sizeBytes(), manifest.sha256()),
          "alpha");
    }
    kubelet = TestKubelet.withoutBackups(client, namespace, clock);
    Files.write(disk(), previous);
    virt = new VirtControllerSimulator(client, namespace);
    awaitVm(VirtualMachineSpec.RUN_ALWAYS);
  }

  /** 4 MiB: random bytes, with a block of zeros (disks are sparse) and a compressible tail. */
  private static byte[] image(int seed) {
    var bytes = new byte[4 * 1024 * 1024];
    new Random(seed).nextBytes(bytes);
    Arrays.fill(bytes, 1024 * 1024, 2 * 1024 * 1024, (byte) 0);
    for (int i = 3 * 1024 * 1024; i < bytes.length; i++) {
      bytes[i] = (byte) (i % (seed + 5));
    }
    return bytes;
  }

  private Path disk() {
    return kubelet.claim(DISK).resolve("disk.img");
  }

  private static String copyName(String restore) {
    return SafetyCopyDesign.name(DISK, restore);
  }

  private Path copy(String restore) {
    return kubelet.claim(copyName(restore)).resolve("disk.img");
  }

  private PersistentVolumeClaim safetyCopy(String restore) {
    return client
        .resources(PersistentVolumeClaim.class)
        .inNamespace(namespace)
        .withName(copyName(restore))
        .get();
  }

  private OdooVpsRestore request(String name) {
    var restore = new OdooVpsRestore();
    restore.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    restore.setSpec(new OdooVpsRestoreSpec("alpha", BACKUP_ID, null));
    return client.resource(restore).create();
  }

  private OdooVpsRestore restore(String name) {
    return client.resources(OdooVpsRestore.class).inNamespace(namespace).withName(name).get();
  }

  private OdooVpsRestoreStatus awaitPhase(String name, Phase phase) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(restore(name).getStatus().phase()).isEqualTo(phase));
    return restore(name).getStatus();
  }

  private void awaitVm(String runStrategy) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(vm("alpha").getSpec().runStrategy()).isEqualTo(runStrategy));
  }

  /** The PersistentVolumeClaims of this namespace as they were when deleted. */
  private List<PersistentVolumeClaim> deletedClaims() {
    var deleted = new CopyOnWriteArrayList<PersistentVolumeClaim>();
    client
        .resources(PersistentVolumeClaim.class)
        .inNamespace(namespace)
        .watch(
            new Watcher<>() {
              @Override
              public void eventReceived(Action action, PersistentVolumeClaim claim) {
                if (action == Action.DELETED) {
                  deleted.add(claim);
                }
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
    return deleted;
  }

  @Test
  void aRestoreWritesExactlyTheBackupsBytesAndKeepsThePreviousDiskUntilTheVmIsReady()
      throws Exception {
    alphaWithABackup(false);
    var deleted = deletedClaims();
    virt.failBoot("alpha");

    request("first");
    var starting = awaitPhase("first", Phase.Starting);
    assertThat(Files.readAllBytes(disk())).as("the backup's bytes, exactly").isEqualTo(backup);
    assertThat(starting.disk()).isEqualTo(DiskOutcome.Restored);
    assertThat(starting.diskWrittenAt()).isNotNull();
    assertThat(starting.safetyCopy().claim()).isEqualTo(copyName("first"));
    assertThat(starting.safetyCopy().createdAt()).isNotNull();
    assertThat(starting.sha256()).isNotNull();
    // the previous disk, kept on a claim of the VPS's, labelled as its data
    assertThat(Files.readAllBytes(copy("first"))).isEqualTo(previous);
    var claim = safetyCopy("first");
    assertThat(claim.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "odoovps-operator")
        .containsEntry("odoovps.io/vps", "alpha");
    assertThat(claim.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("OdooVps"));
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("40Gi");
    var job = client.batch().v1().jobs().inNamespace(namespace).withName("restore-first").get();
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(
            v ->
                assertThat(v.getPersistentVolumeClaim().getClaimName())
                    .isEqualTo(copyName("first")));
    assertThat(kubelet.runs("restore-first").get(0).stderr())
        .containsSubsequence(
            "bytes decoded to the end",
            "safety copy: the previous disk is kept",
            "writing the disk");

    // released, but not ready: the copy stays through many passes
    awaitVm(VirtualMachineSpec.RUN_ALWAYS);
    var passes = operator.reconciles();
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.reconciles() > passes + 5);
    assertThat(safetyCopy("first")).as("kept until the VM is ready").isNotNull();
    assertThat(restore("first").getStatus().phase()).isEqualTo(Phase.Starting);

    virt.boot("alpha");
    var done = awaitPhase("first", Phase.Succeeded);
    assertThat(done.vmReadyAt()).isNotNull();
    assertThat(done.safetyCopy().releasedAt()).isNotNull();
    assertThat(done.restoresLeftThisMonth()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> safetyCopy("first") == null);
    assertThat(deleted)
        .filteredOn(c -> c.getMetadata().getName().equals(copyName("first")))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.getMetadata().getAnnotations())
                    .as("annotated before it was deleted, for the admission guard")
                    .containsEntry(DeletionApproval.KEY, SafetyCopyDesign.RELEASED));
    assertThat(Files.readAllBytes(disk())).isEqualTo(backup);
    assertThat(eventReasons("alpha"))
        .contains("RestoreAccepted", "RestoreWritten", "RestoreSucceeded");
  }

  @Test
  void aTruncatedGzipBackupFailsBeforeAnythingTouchesTheDisk() throws Exception {
    alphaWithABackup(true);

    request("cut");
    var failed = awaitPhase("cut", Phase.Failed);
    assertThat(failed.message())
        .startsWith("the restore Job failed: ")
        .contains("backup " + BACKUP_ID + " of alpha is damaged")
        .contains("although its SHA-256 matches")
        .contains("the disk was never written");
    assertThat(failed.disk()).isEqualTo(DiskOutcome.Untouched);
    assertThat(Files.readAllBytes(disk())).as("byte for byte as it was").isEqualTo(previous);
    assertThat(kubelet.runs("restore-cut"))
        .allSatisfy(r -> assertThat(r.stderr()).doesNotContain("writing the disk"));
    awaitVm(VirtualMachineSpec.RUN_ALWAYS);
    await().atMost(Duration.ofSeconds(30)).until(() -> safetyCopy("cut") == null);
    var ledger =
        client.configMaps().inNamespace(ledgerNamespace).withName(RestoreLedger.NAME).get();
    assertThat(String.valueOf(ledger.getData()))
        .as("a failed restore does not count")
        .doesNotContain(restore("cut").getMetadata().getUid());
  }

  @Test
  void aRestoreJobKilledWhileWritingTheDiskPutsThePreviousDiskBackBeforeTheVmRuns()
      throws Exception {
    alphaWithABackup(false);
    // every attempt (the Job retries once) dies after a tenth of the disk is written
    kubelet.killWhenPrinted("restore-broken", "writing the disk: ", 2);
    kubelet.hold("rollback-broken");

    request("broken");
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(kubelet.runs("restore-broken")).hasSize(2).allMatch(r -> r.killed());
              assertThat(restore("broken").getStatus().phase()).isEqualTo(Phase.RollingBack);
            });
    // half-written now, and the VM held stopped on it
    var now = Files.readAllBytes(disk());
    assertThat(now).isNotEqualTo(previous).isNotEqualTo(backup);
    assertThat(now.length).as("a tenth written, then killed").isLessThan(backup.length);
    assertThat(vm("alpha").getSpec().runStrategy()).isEqualTo(VirtualMachineSpec.RUN_HALTED);
    assertThat(vmInstance("alpha")).isNull();

    kubelet.release("rollback-broken");
    var failed = awaitPhase("broken", Phase.Failed);
    assertThat(failed.disk()).isEqualTo(DiskOutcome.RolledBack);
    assertThat(failed.message())
        .startsWith("the restore Job failed: ")
        .contains("the previous disk was put back from " + copyName("broken"));
    assertThat(failed.rollback().job()).isEqualTo("rollback-broken");
    assertThat(Files.readAllBytes(disk())).as("as it was, byte for byte").isEqualTo(previous);
    awaitVm(VirtualMachineSpec.RUN_ALWAYS);
    await().atMost(Duration.ofSeconds(30)).until(() -> safetyCopy("broken") == null);
    assertThat(eventReasons("broken")).contains("RestoreRollingBack", "RestoreFailed");
  }

  @Test
  void aRetriedRestorePodKeepsTheSafetyCopyTheFirstOneMadeOfTheDiskAsItWas() throws Exception {
    alphaWithABackup(false);
    kubelet.killWhenPrinted("restore-again", "writing the disk: ", 1);

    request("again");
    var done = awaitPhase("again", Phase.Starting);
    assertThat(kubelet.runs("restore-again")).hasSize(2);
    assertThat(kubelet.runs("restore-again").get(0).killed()).isTrue();
    assertThat(kubelet.runs("restore-again").get(1).stderr())
        .contains("safety copy: complete from an earlier attempt");
    assertThat(Files.readAllBytes(disk())).isEqualTo(backup);
    assertThat(Files.readAllBytes(copy("again")))
        .as("the disk as it was before the restore, not as the first pod left it")
        .isEqualTo(previous);
    assertThat(done.disk()).isEqualTo(DiskOutcome.Restored);
    awaitPhase("again", Phase.Succeeded);
  }

  @Test
  void deletingARestoreMidRunWaitsUntilTheDiskIsWholeBeforeTheVmRunsAgain() throws Exception {
    alphaWithABackup(false);
    kubelet.hold("restore-gone");
    kubelet.killWhenPrinted("restore-gone", "writing the disk: ", 2);
    kubelet.hold("rollback-gone");

    request("gone");
    awaitPhase("gone", Phase.Restoring);
    client.resources(OdooVpsRestore.class).inNamespace(namespace).withName("gone").delete();
    kubelet.release("restore-gone");
    await().atMost(Duration.ofSeconds(60)).until(() -> kubelet.runs("restore-gone").size() == 2);
    // the finalizer holds the request, which holds the VM on its half-written disk
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(restore("gone").getStatus().phase()).isEqualTo(Phase.RollingBack));
    assertThat(restore("gone").getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(vm("alpha").getSpec().runStrategy()).isEqualTo(VirtualMachineSpec.RUN_HALTED);
    assertThat(Files.readAllBytes(disk())).isNotEqualTo(previous);

    kubelet.release("rollback-gone");
    await().atMost(Duration.ofSeconds(60)).until(() -> restore("gone") == null);
    assertThat(Files.readAllBytes(disk())).isEqualTo(previous);
    awaitVm(VirtualMachineSpec.RUN_ALWAYS);
    assertThat(safetyCopy("gone")).isNull();
    assertThat(kubelet.runs("rollback-gone")).singleElement().matches(r -> r.exitCode() == 0);
  }

  @Test
  void aRestoreDeletedWhileTheVmStartsKeepsTheSafetyCopyWhichTerminationDeletes() throws Exception {
    alphaWithABackup(false);
    virt.failBoot("alpha");
    var deleted = deletedClaims();

    request("early");
    awaitPhase("early", Phase.Starting);
    client.resources(OdooVpsRestore.class).inNamespace(namespace).withName("early").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> restore("early") == null);
    assertThat(safetyCopy("early")).as("the VM was never seen ready: kept").isNotNull();
    assertThat(events("alpha"))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .contains("the previous disk is kept in PersistentVolumeClaim")
                    .contains(copyName("early")));

    editSpec("alpha", v -> v.getSpec().setTermination(new TerminationSpec("alpha")));
    awaitPhase("alpha", VpsPhase.Terminated);
    assertThat(vps("alpha").getStatus().getTermination().deleted())
        .contains("PersistentVolumeClaim/" + copyName("early"));
    await().atMost(Duration.ofSeconds(30)).until(() -> safetyCopy("early") == null);
    assertThat(deleted)
        .filteredOn(c -> c.getMetadata().getName().equals(copyName("early")))
        .singleElement()
        .satisfies(
            c -> assertThat(c.getMetadata().getAnnotations()).containsKey(DeletionApproval.KEY));
  }

  @Test
  void anOperatorRestartedMidRunResumesWithoutDoingAnythingTwice() throws Exception {
    alphaWithABackup(false);
    kubelet.hold("restore-resumed");

    request("resumed");
    var restoring = awaitPhase("resumed", Phase.Restoring);
    var copyUid = safetyCopy("resumed").getMetadata().getUid();
    operator.close();
    // the Job runs to its end while no operator is there
    kubelet.release("restore-resumed");
    await().atMost(Duration.ofSeconds(60)).until(() -> kubelet.runs("restore-resumed").size() == 1);
    assertThat(vm("alpha").getSpec().runStrategy()).isEqualTo(VirtualMachineSpec.RUN_HALTED);

    virt.failBoot("alpha");
    operator = operator();
    var starting = awaitPhase("resumed", Phase.Starting);
    assertThat(starting.startedAt()).isEqualTo(restoring.startedAt());
    assertThat(starting.job()).isEqualTo(restoring.job());
    assertThat(safetyCopy("resumed").getMetadata().getUid())
        .as("the same copy, made once")
        .isEqualTo(copyUid);
    virt.boot("alpha");
    var done = awaitPhase("resumed", Phase.Succeeded);
    assertThat(kubelet.runs("restore-resumed")).as("the Job ran once").hasSize(1);
    assertThat(kubelet.runs("rollback-resumed")).isEmpty();
    assertThat(Files.readAllBytes(disk())).isEqualTo(backup);
    assertThat(done.safetyCopy().claim()).isEqualTo(copyName("resumed"));
    await().atMost(Duration.ofSeconds(30)).until(() -> safetyCopy("resumed") == null);
    awaitVm(VirtualMachineSpec.RUN_ALWAYS);
  }
}
