package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A cluster without CDI (`odoovps.vm.disk-provisioning = PersistentVolumeClaim`), on a real
 * kube-apiserver: the operator makes the disk claim and its fill Job, holds the VM until the Job
 * succeeded, then marks the claim and boots. No kubelet runs here, so the test reports the Job's
 * success itself, as the Job controller would; `make e2e` runs the Job for real.
 */
class OdooVpsDiskClaimApiServerTest extends VpsOperatorTestBase {

  @Override
  protected OperatorConfig config() {
    return TestConfig.with(
        Map.of(
            "odoovps.vm.disk-provisioning", "PersistentVolumeClaim",
            "odoovps.vm.image", "http://images.example/odoo-vps.qcow2"));
  }

  @Test
  void theVmWaitsForTheFillJobThenBootsFromTheMarkedClaim() {
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

    // the Job controller's report of a success
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withName("acme-disk-fill")
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"startTime\":\"2026-03-01T10:00:00Z\",\"succeeded\":1}}");

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

    // the Job's deletion woke the reconciler: the marked claim is never filled again
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> job() == null);
  }

  private PersistentVolumeClaim claim() {
    return client.persistentVolumeClaims().inNamespace(namespace).withName("acme-disk").get();
  }

  private Job job() {
    return client.batch().v1().jobs().inNamespace(namespace).withName("acme-disk-fill").get();
  }
}
