package io.odoovps.operator.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.odoovps.operator.api.v1alpha1.odoovps.IsolationSpec;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.traffic.CiliumCrd;
import io.odoovps.operator.traffic.CiliumPolicyDesign;
import io.odoovps.operator.vps.OdooVpsReconciler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backup, restore, prune and purge pods are not part of the VPS's traffic: on the real API server,
 * with Cilium's real CRD, the selectors the operator gives the VPS's Service, NetworkPolicies
 * (traffic filter, isolation) and CiliumNetworkPolicy are evaluated by the API server against pods
 * created with those Jobs' pod-template labels, and against a virt-launcher pod with the VM
 * template's labels, which they must select (else the test would prove nothing).
 */
class BackupPodsOutOfTheVpsTrafficApiServerTest extends VpsOperatorTestBase {

  @BeforeAll
  static void installCilium() {
    ControlPlane.get().requireControllerManager(); // the namespace's default ServiceAccount
    try (var admin = ControlPlane.get().newClient()) {
      CiliumCrd.install(admin);
    }
  }

  @AfterAll
  static void removeCilium() {
    try (var admin = ControlPlane.get().newClient()) {
      CiliumCrd.remove(admin);
    }
  }

  private static final String RATE = "ovn.kubernetes.io/egress_rate";

  /** With live bandwidth annotations: the operator patches the VM's pods, and only those. */
  @Override
  protected io.odoovps.operator.config.OperatorConfig config() {
    return TestConfig.with(Map.of("odoovps.traffic.live-annotations.\"" + RATE + "\"", "{mbps}"));
  }

  @Override
  protected TestOperator newOperator() {
    return TestOperator.start(
        namespace,
        new OdooVpsReconciler(config(), clock, mailbox.mailer()),
        new BackupPolicyReconciler(config(), clock));
  }

  @Test
  void noSelectorOfTheVpsPicksABackupRestorePruneOrPurgePod() {
    client
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder().withName("s3-lyon").withNamespace(namespace).build())
                .withStringData(
                    Map.of(
                        BackupJobDesign.ACCESS_KEY_ID, "id",
                        BackupJobDesign.SECRET_ACCESS_KEY, "not-a-real-secret-value"))
                .build())
        .create();
    create(VpsFixtures.vps(namespace, "shop"));
    var policy =
        client
            .resource(
                BackupFixtures.policy(
                    namespace, "daily", "http://127.0.0.1:1", "offsite", "lyon-1", "s3-lyon"))
            .create();
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(cronJob()).isNotNull();
              assertThat(client.services().inNamespace(namespace).withName("shop").get())
                  .isNotNull();
              assertThat(networkPolicies()).isNotEmpty();
              assertThat(ciliumSelectors()).isNotEmpty();
              assertThat(vm("shop")).isNotNull();
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.serviceAccounts().inNamespace(namespace).withName("default").get(),
            s -> s != null);

    // the pods as the Job controller would make them from each Job's template
    var backupLabels =
        cronJob().getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getLabels();
    assertThat(backupLabels)
        .containsEntry(BackupJobDesign.VPS_LABEL, "shop")
        .doesNotContainKey(VpsLabels.VPS);
    var design = new BackupJobDesign(TestConfig.defaults());
    var restore = new OdooVpsRestore();
    restore.setMetadata(
        new ObjectMetaBuilder()
            .withName("first")
            .withNamespace(namespace)
            .withUid("00000000-0000-0000-0000-000000000001")
            .build());
    var jobPods =
        List.of(
            pod("backup", backupLabels),
            pod(
                "restore",
                design
                    .restoreJob(
                        restore,
                        policy,
                        "shop",
                        "b",
                        "shop-disk",
                        new Quantity("10Gi"),
                        "shop-disk-before-first")
                    .getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getLabels()),
            pod(
                "prune",
                design.pruneJob(policy, "shop").getSpec().getTemplate().getMetadata().getLabels()),
            pod(
                "purge",
                design
                    .purgeJob(policy, "shop", "2026-03-01T00:00:00Z")
                    .getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getLabels()));
    // KubeVirt copies the VM template's labels onto its virt-launcher pod
    var launcherLabels =
        new java.util.HashMap<>(vm("shop").getSpec().template().metadata().getLabels());
    launcherLabels.put("kubevirt.io", "virt-launcher");
    var launcher = pod("virt-launcher-shop", launcherLabels);
    // a backup pod of a release before BackupJobDesign.VPS_LABEL, still running at the upgrade
    var legacyLabels = new java.util.HashMap<>(backupLabels);
    legacyLabels.remove(BackupJobDesign.VPS_LABEL);
    legacyLabels.put(BackupJobDesign.LEGACY_VPS_LABEL, "shop");
    var legacy = pod("backup-before-upgrade", legacyLabels);

    assertSelectsTheVmOnly(launcher, jobPods);

    // the live bandwidth goes onto the VM's pod, never onto a backup pod, new or old
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> annotations(launcher) != null && "100".equals(annotations(launcher).get(RATE)));
    var after = new ArrayList<>(jobPods);
    after.add(legacy);
    assertThat(after)
        .allSatisfy(
            p ->
                assertThat(annotations(p))
                    .as(p.getMetadata().getName() + " keeps its bandwidth")
                    .satisfiesAnyOf(
                        a -> assertThat(a).isNull(), a -> assertThat(a).doesNotContainKey(RATE)));

    // isolated: the isolation NetworkPolicy replaces the filter and the Cilium policy
    editSpec("shop", v -> v.getSpec().setIsolation(new IsolationSpec("Compromised")));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                networkPolicies().stream()
                    .anyMatch(n -> n.getMetadata().getName().endsWith("-isolation")));
    assertSelectsTheVmOnly(launcher, jobPods);
  }

  /** Every selector of the VPS, asked to the API server: the VM's pod, never a Job's. */
  private void assertSelectsTheVmOnly(Pod launcher, List<Pod> jobPods) {
    var selectors = new ArrayList<Map.Entry<String, LabelSelector>>();
    var service = client.services().inNamespace(namespace).withName("shop").get();
    selectors.add(
        Map.entry("Service shop", new LabelSelector(List.of(), service.getSpec().getSelector())));
    for (var policy : networkPolicies()) {
      selectors.add(
          Map.entry(
              "NetworkPolicy " + policy.getMetadata().getName(),
              policy.getSpec().getPodSelector()));
    }
    selectors.addAll(ciliumSelectors());
    assertThat(selectors).hasSizeGreaterThanOrEqualTo(2);
    for (var selector : selectors) {
      var selected =
          client
              .pods()
              .inNamespace(namespace)
              .withLabelSelector(selector.getValue())
              .list()
              .getItems()
              .stream()
              .map(p -> p.getMetadata().getName())
              .toList();
      assertThat(selected)
          .as(selector.getKey() + " selects the VM's pod")
          .contains(launcher.getMetadata().getName());
      assertThat(selected)
          .as(selector.getKey() + " selects no backup, restore, prune or purge pod")
          .doesNotContainAnyElementsOf(
              jobPods.stream().map(p -> p.getMetadata().getName()).toList());
    }
  }

  private io.fabric8.kubernetes.api.model.batch.v1.CronJob cronJob() {
    return client
        .batch()
        .v1()
        .cronjobs()
        .inNamespace(namespace)
        .withName(BackupJobDesign.cronJobName("daily", "shop"))
        .get();
  }

  private List<NetworkPolicy> networkPolicies() {
    return client
        .network()
        .v1()
        .networkPolicies()
        .inNamespace(namespace)
        .withLabel(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR)
        .list()
        .getItems();
  }

  private List<Map.Entry<String, LabelSelector>> ciliumSelectors() {
    return client
        .genericKubernetesResources(CiliumPolicyDesign.API_VERSION, CiliumPolicyDesign.KIND)
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .map(
            c ->
                Map.entry(
                    "CiliumNetworkPolicy " + c.getMetadata().getName(),
                    Serialization.unmarshal(
                        Serialization.asJson(
                            ((Map<?, ?>) c.getAdditionalProperties().get("spec"))
                                .get("endpointSelector")),
                        LabelSelector.class)))
        .toList();
  }

  private Map<String, String> annotations(Pod pod) {
    return client
        .pods()
        .inNamespace(namespace)
        .withName(pod.getMetadata().getName())
        .get()
        .getMetadata()
        .getAnnotations();
  }

  /** A pod with these labels; no node runs it, the API server stores and selects it. */
  private Pod pod(String name, Map<String, String> labels) {
    return client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withAutomountServiceAccountToken(false)
                .addNewContainer()
                .withName("main")
                .withImage("registry.k8s.io/pause:3.10")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }
}
