package io.odoovps.operator.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.guard.DeletionApproval;
import io.odoovps.operator.ipv4.IPv4Allocator;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.mitigation.MitigationStateReconciler;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.vps.GuestDesign;
import io.odoovps.operator.vps.OdooVpsReconciler;
import io.odoovps.operator.vps.VirtualMachineDesign;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data-loss drill, part one: what an operator's user might do by mistake (or a GitOps prune, or
 * a cleanup script) against a VPS that has a VM, a disk (DataVolume and PVC, as CDI makes them from
 * the VM's template), its Secrets, an IPv4 allocation and a MitigationState, on the real API server
 * with the customer-data guard of {@code config/policies} and kube-controller-manager (garbage
 * collection on). Each test is one attack; each asserts the refusal names the way to do it, and
 * that the object is still there with the same UID. The last ones show the ways that are meant to
 * work still work: termination deletes everything, the approval annotation lets a deliberate
 * deletion through.
 */
class DataLossDrillApiServerTest extends VpsOperatorTestBase {

  private static final String VPS = "acme";

  @BeforeAll
  static void garbageCollection() {
    ControlPlane.get().requireControllerManager();
  }

  @Override
  protected boolean guardedNamespace() {
    return true;
  }

  @Override
  protected TestOperator newOperator() {
    return TestOperator.start(
        namespace,
        new OdooVpsReconciler(config(), clock, mailbox.mailer()),
        new MitigationStateReconciler(config(), clock, mailbox.mailer()));
  }

  /** The VPS with all it is made of, as KubeVirt and CDI would have made its disk. */
  @BeforeEach
  void aVpsWithItsData() {
    create(VpsFixtures.vps(namespace, VPS));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm(VPS) != null);
    var disk = VirtualMachineDesign.diskName(vps(VPS));
    var labels = vm(VPS).getMetadata().getLabels();
    var dv = new GenericKubernetesResource();
    dv.setApiVersion("cdi.kubevirt.io/v1beta1");
    dv.setKind("DataVolume");
    dv.setMetadata(
        new ObjectMetaBuilder().withName(disk).withNamespace(namespace).withLabels(labels).build());
    dv.setAdditionalProperty(
        "spec",
        Map.of(
            "source", Map.of("blank", Map.of()),
            "storage", Map.of("resources", Map.of("requests", Map.of("storage", "40Gi")))));
    client.resource(dv).create();
    // CDI passes the DataVolume's labels to its PVC
    client
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(disk)
                .withNamespace(namespace)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity("40Gi")))
                .endResources()
                .endSpec()
                .build())
        .create();
    var state = new MitigationState();
    state.setMetadata(
        new ObjectMetaBuilder()
            .withName(VPS)
            .withNamespace(namespace)
            .withLabels(Map.of(VpsLabels.VPS, VPS))
            .build());
    var spec = new io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec();
    spec.setVps(VPS);
    state.setSpec(spec);
    client.resource(state).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                adminSecret().get() != null
                    && allocation() != null
                    && vps(VPS).getStatus().getIpv4() != null);
  }

  private Resource<Secret> adminSecret() {
    return client.secrets().inNamespace(namespace).withName(GuestDesign.adminSecretName(vps(VPS)));
  }

  private Resource<PersistentVolumeClaim> pvc() {
    return client
        .persistentVolumeClaims()
        .inNamespace(namespace)
        .withName(VirtualMachineDesign.diskName(vps(VPS)));
  }

  private Resource<GenericKubernetesResource> dataVolume() {
    return client
        .genericKubernetesResources("cdi.kubevirt.io/v1beta1", "DataVolume")
        .inNamespace(namespace)
        .withName(VirtualMachineDesign.diskName(vps(VPS)));
  }

  private IPv4Allocation allocation() {
    return client
        .resources(IPv4Allocation.class)
        .withLabel(IPv4Allocator.VPS_UID_LABEL, vps(VPS).getMetadata().getUid())
        .list()
        .getItems()
        .stream()
        .findFirst()
        .orElse(null);
  }

  /**
   * Runs the attack, expects the API server to refuse it with a message naming the way, and checks
   * the object is still there, the same one.
   */
  private void refused(Supplier<HasMetadata> object, Runnable attack, String... message) {
    var before = object.get();
    assertThat(before).isNotNull();
    assertThatThrownBy(attack::run)
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403))
        .hasMessageContaining("odoovps-customer-data-guard")
        .hasMessageContaining("spec.termination.confirm: " + VPS)
        .hasMessageContaining("docs/operations.md");
    if (message.length > 0) {
      assertThatThrownBy(attack::run).hasMessageContainingAll(message);
    }
    var after = object.get();
    assertThat(after).as("still there").isNotNull();
    assertThat(after.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
    assertThat(after.getMetadata().getDeletionTimestamp()).isNull();
  }

  @Test
  void deletingTheVmIsRefusedAndItStaysTheSameVm() {
    refused(
        () -> vm(VPS),
        () -> client.resources(VirtualMachine.class).inNamespace(namespace).withName(VPS).delete(),
        "VirtualMachine " + VPS + " holds customer data of OdooVps " + VPS);
  }

  @Test
  void deletingTheDiskIsRefusedDataVolumeAndPvcAlike() {
    refused(dataVolume()::get, () -> dataVolume().delete(), "DataVolume");
    refused(pvc()::get, () -> pvc().delete(), "PersistentVolumeClaim");
    // a delete of every PVC of the namespace at once, too
    refused(
        pvc()::get,
        () -> client.persistentVolumeClaims().inNamespace(namespace).delete(),
        "PersistentVolumeClaim");
  }

  @Test
  void deletingTheVpsSecretsIsRefused() {
    refused(adminSecret()::get, () -> adminSecret().delete(), "Secret");
    var ssh =
        client
            .secrets()
            .inNamespace(namespace)
            .withName(GuestDesign.providerSshSecretName(vps(VPS)));
    refused(ssh::get, ssh::delete, "Secret");
  }

  @Test
  void deletingTheMitigationStateIsRefused() {
    var state = client.resources(MitigationState.class).inNamespace(namespace).withName(VPS);
    refused(state::get, state::delete, "MitigationState " + VPS);
  }

  @Test
  void deletingTheIpv4AllocationIsRefused() {
    var name = allocation().getMetadata().getName();
    var allocation = client.resources(IPv4Allocation.class).withName(name);
    refused(allocation::get, allocation::delete, "IPv4Allocation");
  }

  @Test
  void removingTheFinalizerBeforeTheTerminationIsRefused() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !vps(VPS).getMetadata().getFinalizers().isEmpty());
    assertThatThrownBy(
            () ->
                client
                    .resources(OdooVps.class)
                    .inNamespace(namespace)
                    .withName(VPS)
                    .edit(
                        v -> {
                          v.getMetadata().setFinalizers(List.of());
                          return v;
                        }))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("odoovps-finalizer-guard")
        .hasMessageContaining("spec.termination.confirm: " + VPS);
    assertThat(vps(VPS).getMetadata().getFinalizers()).isNotEmpty();
  }

  @Test
  void deletingTheCustomerNamespaceIsRefused() {
    assertThatThrownBy(() -> client.namespaces().withName(namespace).delete())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("odoovps-namespace-guard")
        .hasMessageContaining("Terminate each OdooVps");
    var ns = client.namespaces().withName(namespace).get();
    assertThat(ns.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(ns.getStatus().getPhase()).isEqualTo("Active");
  }

  @Test
  void aVpsCannotBeCreatedInANamespaceThatIsNotProtected() {
    var bare = "bare-" + java.util.UUID.randomUUID().toString().substring(0, 6);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(bare).endMetadata().build())
        .create();
    try {
      assertThatThrownBy(() -> client.resource(VpsFixtures.vps(bare, "newcomer")).create())
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining(
              "kubectl label namespace " + bare + " odoovps.io/deletion-guard=enabled");
    } finally {
      client.namespaces().withName(bare).delete();
    }
  }

  @Test
  void deletingOneOfTheOperatorsCrdsIsRefused() {
    // a dry run: the guard answers as it would, and nothing is deleted if it did not
    assertThatThrownBy(
            () ->
                client
                    .apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName("mitigationstates.odoovps.io")
                    .dryRun()
                    .delete())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("would delete every MitigationState in the cluster");
    CustomResourceDefinition crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("odoovps.odoovps.io")
            .get();
    assertThat(crd.getMetadata().getDeletionTimestamp()).isNull();
  }

  @Test
  void aDeliberateDeletionWithTheApprovalGoesThrough() {
    var uid = pvc().get().getMetadata().getUid();
    assertThat(DeletionApproval.delete(pvc(), "drill: deliberate")).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> pvc().get() == null || !uid.equals(pvc().get().getMetadata().getUid()));
  }

  @Test
  void theTerminationPathStillDeletesEverythingAndThenTheRecordGoes() {
    var disk = VirtualMachineDesign.diskName(vps(VPS));
    editSpec(VPS, v -> v.getSpec().setTermination(new TerminationSpec(VPS)));
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var termination = vps(VPS).getStatus().getTermination();
              assertThat(termination.completedAt()).isNotNull();
              assertThat(termination.deleted())
                  .contains(
                      "VirtualMachine/" + VPS,
                      "DataVolume/" + disk,
                      "PersistentVolumeClaim/" + disk,
                      "MitigationState/" + VPS);
            });
    assertThat(vm(VPS)).isNull();
    assertThat(pvc().get()).isNull();
    assertThat(adminSecret().get()).isNull();
    assertThat(allocation()).isNull();
    assertThat(client.resources(MitigationState.class).inNamespace(namespace).withName(VPS).get())
        .isNull();
    client.resources(OdooVps.class).inNamespace(namespace).withName(VPS).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> vps(VPS) == null);
  }

  /** The guards apply to guarded namespaces only: a sandbox labelled disabled is left alone. */
  @Test
  void aSandboxNamespaceIsNotGuarded() {
    var sandbox = TestNamespaces.create(client, "sandbox");
    var pvc =
        client
            .resource(
                new PersistentVolumeClaimBuilder()
                    .withNewMetadata()
                    .withName("scratch")
                    .withNamespace(sandbox)
                    .withLabels(Map.of(VpsLabels.VPS, "scratch"))
                    .endMetadata()
                    .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withNewResources()
                    .withRequests(Map.of("storage", new Quantity("1Gi")))
                    .endResources()
                    .endSpec()
                    .build())
            .create();
    assertThat(client.resource(pvc).delete()).isNotEmpty();
  }
}
