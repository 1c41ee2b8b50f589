package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestKubelet;
import io.odoovps.operator.testing.VirtControllerSimulator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster without CDI (`odoovps.vm.disk-provisioning = PersistentVolumeClaim`), on a real
 * kube-apiserver with kube-controller-manager's Job controller: the operator makes the disk claim
 * and its fill Job, holds the VM until the Job succeeded, then marks the claim and boots. The Job's
 * pod runs in {@link TestKubelet} (the real `fill-disk` command, in-process, against an image this
 * test serves over HTTP); `make e2e` runs it as a pod on a node.
 */
class OdooVpsDiskClaimApiServerTest extends VpsOperatorTestBase {

  private static final byte[] IMAGE = new byte[2 << 20];
  private static HttpServer images;
  private TestKubelet kubelet;
  private VirtControllerSimulator virt;

  @BeforeAll
  static void serveImage() throws Exception {
    new Random(3).nextBytes(IMAGE);
    images = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    images.createContext(
        "/odoo-vps.raw",
        exchange -> {
          exchange.sendResponseHeaders(200, IMAGE.length);
          exchange.getResponseBody().write(IMAGE);
          exchange.close();
        });
    images.start();
    ControlPlane.get().requireControllerManager();
  }

  @AfterAll
  static void stopImages() {
    images.stop(0);
  }

  @AfterEach
  void stopKubelet() {
    if (kubelet != null) {
      kubelet.close();
    }
    if (virt != null) {
      virt.close();
    }
  }

  @Override
  protected OperatorConfig config() {
    return TestConfig.with(
        Map.of(
            "odoovps.vm.disk-provisioning",
            "PersistentVolumeClaim",
            "odoovps.vm.image",
            "http://127.0.0.1:" + images.getAddress().getPort() + "/odoo-vps.raw"));
  }

  @Test
  void theVmWaitsForTheFillJobThenBootsFromTheMarkedClaim() throws Exception {
    create(VpsFixtures.vps(namespace, "acme"));

    await().atMost(Duration.ofSeconds(30)).until(() -> claim() != null && job() != null);
    var claim = claim();
    assertThat(claim.getMetadata().getOwnerReferences())
        .as("customer data: no cascade deletes the disk")
        .isEmpty();
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("40Gi");
    assertThat(job().getMetadata().getOwnerReferences()).singleElement();
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("acme") != null);
    var vm = vm("acme");
    assertThat(vm.getSpec().runStrategy()).isEqualTo(VirtualMachineSpec.RUN_HALTED);
    assertThat(vm.getSpec().dataVolumeTemplates()).isNull();
    assertThat(vm.getSpec().template().spec().volumes().get(0).persistentVolumeClaim().claimName())
        .isEqualTo("acme-disk");

    kubelet = TestKubelet.withoutBackups(client, namespace, clock);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(claim().getMetadata().getAnnotations())
                  .containsKey(DiskClaimDesign.FILLED);
              assertThat(vm("acme").getSpec().runStrategy())
                  .isEqualTo(VirtualMachineSpec.RUN_ALWAYS);
              assertThat(job()).as("the fill Job goes once the claim is marked").isNull();
            });
    assertThat(eventReasons("acme")).contains("DiskFilled");
    assertThat(kubelet.runs())
        .singleElement()
        .satisfies(run -> assertThat(run.exitCode()).isZero());
    var disk = kubelet.claim("acme-disk").resolve("disk.img");
    try (var in = Files.newInputStream(disk)) {
      assertThat(in.readNBytes(IMAGE.length)).isEqualTo(IMAGE);
    }
    assertThat(Files.size(disk)).as("grown to the plan's disk, sparse").isEqualTo(40L << 30);

    // the Job's deletion woke the reconciler: the marked claim is never filled again
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> job() == null);
  }

  @Test
  void aBiggerPlansDiskGrowsTheImageRestartsTheInstanceAndCountsOnlyWhenTheGuestSeesIt()
      throws Exception {
    virt = new VirtControllerSimulator(client, namespace);
    virt.guestAgent("acme");
    kubelet = TestKubelet.withoutBackups(client, namespace, clock);
    create(VpsFixtures.vps(namespace, "acme"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                claim() != null
                    && claim().getMetadata().getAnnotations() != null
                    && claim().getMetadata().getAnnotations().containsKey(DiskClaimDesign.FILLED));
    assertThat(claim().getMetadata().getAnnotations())
        .containsEntry(DiskClaimDesign.SIZE, String.valueOf(40L << 30));
    // plays the volume binder: the claim's volume holds 100Gi (a hostPath or pool volume)
    var bound = claim();
    bound.setStatus(
        new PersistentVolumeClaimStatusBuilder()
            .withPhase("Bound")
            .withCapacity(Map.of("storage", new Quantity("100Gi")))
            .build());
    client.resource(bound).updateStatus();
    await().atMost(Duration.ofSeconds(30)).until(() -> !instanceUid().isEmpty());
    var first = instanceUid();
    var disk = kubelet.claim("acme-disk").resolve("disk.img");

    var paid = io.odoovps.operator.contract.Timestamps.format(clock.instant());
    editSpec(
        "acme",
        v -> {
          v.getSpec().getPlan().setDisk("60Gi");
          v.getSpec().getPlan().setPaidAt(paid);
        });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(claim().getMetadata().getAnnotations())
                    .containsEntry(DiskClaimDesign.SIZE, String.valueOf(60L << 30))
                    .containsEntry(DiskClaimDesign.GROWN_UNDER, first)
                    .as("no agent answers here: no baseline")
                    .containsEntry(DiskClaimDesign.GROWN_FROM, (40L << 30) + "/0"));
    assertThat(Files.size(disk)).as("grown, sparse").isEqualTo(60L << 30);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(job("acme-disk-grow-" + (60L << 30)))
                    .as("gone once the claim is marked: its pod would hold the claim")
                    .isNull());
    assertThat(kubelet.runs("acme-disk-grow"))
        .singleElement()
        .satisfies(run -> assertThat(run.exitCode()).as(run.stderr()).isZero());
    await().atMost(Duration.ofSeconds(30)).until(() -> !first.equals(instanceUid()));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(eventReasons("acme")).contains("DiskGrowing", "DiskGrown", "Restarted"));
    // the new instance's agent is connected, but nothing here answers for it (no virt-api): the
    // guest never says it sees 60Gi, so the change is not applied, whatever the VM runs
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var change = vps("acme").getStatus().getPlanChange();
              assertThat(change.paidAt()).isEqualTo(paid);
              assertThat(change.appliedAt()).isNull();
              assertThat(change.deadlineMet()).isNull();
            });
    assertThat(instanceUid())
        .as("restarted once: the new instance is not the one that ran during the growth")
        .isNotEqualTo(first);

    // a plan whose disk the volume cannot hold: the claim's expansion is asked for, refused by the
    // API server (no StorageClass that expands), and said on the VPS; the disk keeps its size
    editSpec("acme", v -> v.getSpec().getPlan().setDisk("200Gi"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var guest = vps("acme").getStatus().getGuest();
              assertThat(guest).isNotNull();
              assertThat(guest.disk()).isNotNull();
              assertThat(guest.disk().problem())
                  .contains("spec.plan.disk")
                  .contains("200Gi")
                  .contains("its expansion was refused")
                  .contains("allowVolumeExpansion");
              assertThat(eventReasons("acme")).contains("DiskTooSmall");
            });
    assertThat(Files.size(disk)).isEqualTo(60L << 30);
    assertThat(kubelet.runs("acme-disk-grow")).hasSize(1);
    assertThat(claim().getSpec().getResources().getRequests().get("storage").toString())
        .as("the refused expansion left the claim as it was")
        .isEqualTo("40Gi");
  }

  /** The uid of the VM's instance, or "" while none runs (one read: it may go meanwhile). */
  private String instanceUid() {
    var instance = vmInstance("acme");
    return instance == null ? "" : instance.getMetadata().getUid();
  }

  private PersistentVolumeClaim claim() {
    return client.persistentVolumeClaims().inNamespace(namespace).withName("acme-disk").get();
  }

  private Job job() {
    return client.batch().v1().jobs().inNamespace(namespace).withName("acme-disk-fill").get();
  }
}
