package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whole reconciles of OdooVps on a real kube-apiserver with the upstream KubeVirt CRDs installed,
 * server-side apply on, as in production.
 */
class OdooVpsReconcilerApiServerTest extends VpsOperatorTestBase {

  @Override
  protected OperatorConfig config() {
    return TestConfig.with(Map.of("odoovps.odoo.supported-versions", "16.0,17.0"));
  }

  @Test
  void createsTheVirtualMachineOwnedByTheVpsAndReportsProvisioning() {
    var created = client.resource(VpsFixtures.vps(namespace, "acme")).create();

    await().atMost(Duration.ofSeconds(30)).until(() -> vm("acme") != null);
    var vm = vm("acme");
    assertThat(vm.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid());
              assertThat(ref.getKind()).isEqualTo("OdooVps");
            });
    assertThat(vm.getMetadata().getLabels())
        .containsEntry(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR);
    assertThat(vm.getSpec().dataVolumeTemplates().get(0).spec().storage().resources().requests())
        .containsEntry("storage", "40Gi");

    // What the operator applied is what the real schema stored: nothing was pruned on the SSA path.
    var stored =
        client
            .genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
            .inNamespace(namespace)
            .withName("acme")
            .get();
    var desired = new VirtualMachineDesign(TestConfig.defaults()).render(created);
    assertThat(stored.getAdditionalProperties().get("spec"))
        .isEqualTo(
            client
                .getKubernetesSerialization()
                .convertValue(desired, GenericKubernetesResource.class)
                .getAdditionalProperties()
                .get("spec"));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var vps = vps("acme");
              assertThat(vps.getStatus()).as("written after the VM is applied").isNotNull();
              assertThat(vps.getStatus().getPhase()).isEqualTo(VpsPhase.Provisioning);
              assertThat(vps.getStatus().getObservedGeneration()).isEqualTo(1L);
              assertThat(vps.getStatus().getVirtualMachine()).isEqualTo("acme");
              assertThat(condition(vps, "Ready")).isEqualTo("False");
            });
  }

  @Test
  void becomesRunningWhenKubeVirtReportsTheVmReady() {
    client.resource(VpsFixtures.vps(namespace, "ready")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("ready") != null);

    markVmReady("ready");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var vps = vps("ready");
              assertThat(vps.getStatus().getPhase()).isEqualTo(VpsPhase.Running);
              assertThat(condition(vps, "Ready")).isEqualTo("True");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        client.v1().events().inNamespace(namespace).list().getItems().stream()
                            .filter(e -> "ready".equals(e.getInvolvedObject().getName()))
                            .map(e -> e.getReason())
                            .toList())
                    .contains("Provisioning", "Running"));
  }

  @Test
  void aPlanChangeResizesTheVirtualMachine() {
    client.resource(VpsFixtures.vps(namespace, "resize")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("resize") != null);

    editSpec(
        "resize",
        v -> {
          v.getSpec().getPlan().setVcpu(4);
          v.getSpec().getPlan().setMemory("8Gi");
        });

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var domain = vm("resize").getSpec().template().spec().domain();
              assertThat(domain.cpu().sockets()).isEqualTo(4);
              assertThat(domain.memory().guest()).isEqualTo("8Gi");
              assertThat(domain.resources().requests()).containsEntry("cpu", "1000m");
              assertThat(vps("resize").getStatus().getObservedGeneration()).isEqualTo(2L);
            });
  }

  @Test
  void anUnsupportedVersionIsAConditionAndAnEventAndTheVmIsKept() {
    client.resource(VpsFixtures.vps(namespace, "invalid")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("invalid") != null);
    var before = vm("invalid");

    editSpec(
        "invalid",
        v -> {
          v.getSpec().getOdoo().setVersion("18.0");
          v.getSpec().getPlan().setVcpu(8);
        });

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var vps = vps("invalid");
              assertThat(condition(vps, "SpecValid")).isEqualTo("False");
              var message =
                  ConditionList.find(vps.getStatus().getConditions(), "SpecValid")
                      .orElseThrow()
                      .getMessage();
              assertThat(message).contains("spec.odoo.version 18.0 is not supported");
              assertThat(vps.getStatus().getObservedGeneration()).isEqualTo(2L);
            });
    assertThat(
            client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "InvalidSpec".equals(e.getReason()))
                .map(e -> e.getType() + " " + e.getMessage())
                .toList())
        .singleElement()
        .asString()
        .startsWith("Warning spec.odoo.version 18.0");
    var after = vm("invalid");
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getSpec().template().spec().domain().cpu().sockets()).isEqualTo(2);
  }

  @Test
  void aQuietResyncOfUnchangedVpssWritesNothing() {
    var names = List.of("quiet-a", "quiet-b", "quiet-c");
    names.forEach(n -> client.resource(VpsFixtures.vps(namespace, n)).create());
    await().atMost(Duration.ofSeconds(30)).until(() -> names.stream().allMatch(n -> vm(n) != null));
    names.forEach(this::markVmReady);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                names.stream()
                    .allMatch(
                        n ->
                            vps(n).getStatus() != null
                                && vps(n).getStatus().getPhase() == VpsPhase.Running));

    // A fresh operator lists everything and reconciles every VPS once: the quiet resync.
    operator.close();
    var audit = ControlPlane.get().auditLog();
    var mark = audit.mark();
    clock.advance(Duration.ofHours(3));
    operator = newOperator();
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.reconciles() >= names.size());
    await()
        .pollDelay(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(audit.writesSince(mark, ControlPlane.OPERATOR_USER_AGENT))
                    .as("writes by the operator during a quiet resync")
                    .isEmpty());
  }

  @Test
  void theFirstReconcileWritesTheFloorAndNoMore() {
    var audit = ControlPlane.get().auditLog();
    var mark = audit.mark();
    client.resource(VpsFixtures.vps(namespace, "floor")).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                vps("floor").getStatus() != null
                    && vps("floor").getStatus().getVirtualMachine() != null);
    await()
        .pollDelay(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              var writes = audit.writesSince(mark, ControlPlane.OPERATOR_USER_AGENT);
              var objectWrites =
                  writes.stream().filter(w -> !w.resource().equals("events")).toList();
              // The floor: one write per owned object (VM, Service, 4 Secrets: admin, provider
              // SSH, cloud-init, guest-command key; IPv4Allocation,
              // PrometheusRule, traffic NetworkPolicy), one for the finalizer that guards the
              // data, one status write.
              assertThat(objectWrites)
                  .as(writes.toString())
                  .extracting(
                      w -> w.resource() + (w.subresource().isEmpty() ? "" : "/" + w.subresource()))
                  .containsExactlyInAnyOrder(
                      "virtualmachines",
                      "prometheusrules",
                      "networkpolicies",
                      "services",
                      "secrets",
                      "secrets",
                      "secrets",
                      "secrets",
                      "ipv4allocations",
                      "odoovps",
                      "odoovps/status");
            });
  }

  @Test
  void aPlainDeleteKeepsTheDataAndOwnedObjectsAreGarbageCollectedOnlyWhenTheGuardIsLifted() {
    ControlPlane.get().requireControllerManager();
    client.resource(VpsFixtures.vps(namespace, "gone")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("gone") != null);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !vps("gone").getMetadata().getFinalizers().isEmpty());

    // This namespace is not covered by the admission policy: the finalizer is the last guard.
    client.resources(OdooVps.class).inNamespace(namespace).withName("gone").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(condition(vps("gone"), "DeletionBlocked")).isEqualTo("True"));
    assertThat(vm("gone")).as("the customer's VM and disk are kept").isNotNull();
    assertThat(vm("gone").getMetadata().getDeletionTimestamp()).isNull();

    // An administrator lifts the guard by hand: kube-controller-manager collects every owned
    // object.
    editSpec(
        "gone",
        v -> {
          v.getMetadata().setFinalizers(List.of());
        });
    await().atMost(Duration.ofSeconds(60)).until(() -> vm("gone") == null);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.services().inNamespace(namespace).withName("gone").get() == null);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client
                    .secrets()
                    .inNamespace(namespace)
                    .withLabel(VpsLabels.VPS, "gone")
                    .list()
                    .getItems()
                    .isEmpty());
  }
}
