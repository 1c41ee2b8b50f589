package io.odoovps.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.backup.policy.BackupPolicyReconciler;
import io.odoovps.operator.config.LeaderElection;
import io.odoovps.operator.mitigation.MitigationStateReconciler;
import io.odoovps.operator.restore.OdooVpsRestoreReconciler;
import io.odoovps.operator.support.AlertmanagerPayload;
import io.odoovps.operator.support.SupportTicketReconciler;
import io.odoovps.operator.support.TicketDesk;
import io.odoovps.operator.testing.AuditLog;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.MovableClock;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestMailbox;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.vps.OdooVpsReconciler;
import io.odoovps.operator.vps.VpsLabels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chart against a real API server with the real upstream CRDs (ServiceMonitor, PrometheusRule,
 * KubeVirt): its manifests pass a server-side dry run, and its RBAC is enough for the operator's
 * reconcilers, run as the chart's ServiceAccount (impersonated), and no more.
 */
class HelmChartApiServerTest {

  /** The User-Agent of the impersonating client; the audit log tells its writes apart. */
  private static final String AS_CHART = "odoovps-operator-as-chart-sa";

  private final MovableClock clock = MovableClock.at("2026-03-01T10:00:00Z");
  private KubernetesClient client;
  private String namespace;
  private List<HasMetadata> manifests;
  private String user;

  @BeforeEach
  void render() {
    client = ControlPlane.get().newClient();
    namespace = TestNamespaces.create(client, "helmchart");
    manifests = ChartTemplateTest.parse(HelmChart.template(namespace, HelmChart.EVERYTHING_ON));
    user = HelmChart.serviceAccountUser(namespace);
  }

  @AfterEach
  void close() {
    client.close();
  }

  /** A client that acts as the chart's ServiceAccount, whose default namespace is the release's. */
  private KubernetesClient asChartServiceAccount() {
    var config =
        new ConfigBuilder(ControlPlane.get().operatorConfig(AS_CHART))
            .withImpersonateUsername(user)
            .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace)
            .withNamespace(namespace)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private List<HasMetadata> ofKinds(Set<String> kinds) {
    return manifests.stream().filter(m -> kinds.contains(m.getKind())).toList();
  }

  @Test
  void renderedManifestsPassAServerSideDryRun() {
    assertThat(manifests.stream().map(HasMetadata::getKind))
        .contains("ServiceMonitor", "PrometheusRule", "Deployment", "CustomResourceDefinition");
    for (var manifest : manifests) {
      try {
        client.resource(manifest).dryRun().fieldManager("helm").forceConflicts().serverSideApply();
      } catch (KubernetesClientException e) {
        throw new AssertionError(
            manifest.getKind() + " " + manifest.getMetadata().getName() + ": " + e.getMessage(), e);
      }
    }
    assertThat(client.apps().deployments().inNamespace(namespace).list().getItems())
        .as("a dry run creates nothing")
        .isEmpty();
  }

  @Test
  void theOperatorRunsAsTheChartServiceAccountWithoutAnyForbiddenRequest() {
    applyRbac();
    credentials();
    var audit = ControlPlane.get().auditLog();
    var mark = audit.mark();
    var config =
        TestConfig.with(
            Map.of("odoovps.traffic.live-annotations.\"ovn.kubernetes.io/egress_rate\"", "{mbps}"));
    var support = TestConfig.support(Map.of());
    try (var mailbox = new TestMailbox();
        var operator =
            TestOperator.startAs(
                this::asChartServiceAccount,
                namespace,
                new OdooVpsReconciler(config, clock, mailbox.mailer()),
                new BackupPolicyReconciler(config, clock),
                new OdooVpsRestoreReconciler(config, clock),
                new MitigationStateReconciler(config, clock, mailbox.mailer()),
                new SupportTicketReconciler(support, clock, mailbox.mailer()));
        var desk = asChartServiceAccount()) {
      client.resource(VpsFixtures.vps(namespace, "alpha")).create();
      client.resource(policy()).create();

      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(virtualMachine(client, namespace, "alpha")).isNotNull();
                assertThat(client.services().inNamespace(namespace).withName("alpha").get())
                    .isNotNull();
                assertThat(managed("networking.k8s.io/v1", "NetworkPolicy")).isNotEmpty();
                assertThat(
                        client
                            .secrets()
                            .inNamespace(namespace)
                            .withLabel(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR)
                            .list()
                            .getItems())
                    .hasSizeGreaterThanOrEqualTo(3);
                assertThat(managed("monitoring.coreos.com/v1", "PrometheusRule")).isNotEmpty();
                var vps = client.resources(OdooVps.class).inNamespace(namespace).withName("alpha");
                assertThat(vps.get().getStatus().getIpv4()).isNotBlank();
                assertThat(vps.get().getMetadata().getFinalizers()).isNotEmpty();
                assertThat(
                        client
                            .batch()
                            .v1()
                            .cronjobs()
                            .inNamespace(namespace)
                            .withName(BackupJobDesign.cronJobName("daily", "alpha"))
                            .get())
                    .isNotNull();
                var account = BackupJobDesign.serviceAccountName("daily");
                assertThat(client.resources(Role.class).inNamespace(namespace).withName(account))
                    .satisfies(r -> assertThat(r.get()).isNotNull());
                assertThat(
                        client
                            .resources(RoleBinding.class)
                            .inNamespace(namespace)
                            .withName(account))
                    .satisfies(r -> assertThat(r.get()).isNotNull());
                assertThat(
                        client
                            .resources(BackupPolicy.class)
                            .inNamespace(namespace)
                            .withName("daily")
                            .get()
                            .getStatus())
                    .isNotNull();
              });

      // the Alertmanager receiver (TicketDesk, with the operator's client) opens a spam ticket;
      // the VPS reconciler creates the MitigationState, its reconciler blocks port 25
      var outcome =
          new TicketDesk(desk, clock, Duration.ofHours(24))
              .receive(
                  new AlertmanagerPayload(
                      "4",
                      "g",
                      "firing",
                      "odoovps-support",
                      List.of(
                          new AlertmanagerPayload.Alert(
                              "firing",
                              Map.of(
                                  "alertname", "OdooVpsSpamSuspected",
                                  "namespace", namespace,
                                  "vps", "alpha"),
                              Map.of("summary", "spam"),
                              "2026-03-01T10:00:00Z",
                              null,
                              "0123abcd"))));
      assertThat(outcome.opened()).isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(
                        client
                            .resources(SupportTicket.class)
                            .inNamespace(namespace)
                            .list()
                            .getItems()
                            .get(0)
                            .getStatus())
                    .isNotNull();
                assertThat(
                        client
                            .resources(MitigationState.class)
                            .inNamespace(namespace)
                            .withName("alpha")
                            .get()
                            .getStatus())
                    .isNotNull();
              });

      // termination: the operator deletes what the VPS was made of and releases its IPv4
      client
          .resources(OdooVps.class)
          .inNamespace(namespace)
          .withName("alpha")
          .edit(
              v -> {
                v.getSpec().setTermination(new TerminationSpec("alpha"));
                return v;
              });
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(virtualMachine(client, namespace, "alpha")).isNull();
                assertThat(client.services().inNamespace(namespace).withName("alpha").get())
                    .isNull();
                assertThat(
                        client.resources(IPv4Allocation.class).list().getItems().stream()
                            .filter(a -> namespace.equals(a.getSpec().getVps().namespace())))
                    .isEmpty();
              });

      assertThat(operator.failures())
          .as("reconciles that failed")
          .noneMatch(HelmChartApiServerTest::forbidden);
      var writes = audit.writesSince(mark, AS_CHART);
      assertThat(writes).as("writes made as the chart's ServiceAccount").isNotEmpty();
      assertThat(writes)
          .as("writes refused to the chart's ServiceAccount")
          .noneMatch(w -> w.code() == 403);
      assertThat(writes.stream().map(AuditLog.Write::resource))
          .contains(
              "virtualmachines",
              "services",
              "networkpolicies",
              "secrets",
              "prometheusrules",
              "cronjobs",
              "roles",
              "rolebindings",
              "serviceaccounts",
              "supporttickets",
              "mitigationstates",
              "ipv4allocations",
              "events");
    }
  }

  @Test
  void theRestoreLedgerIsWrittenOnlyInTheReleaseNamespaceAsTheChartServiceAccount() {
    applyRbac();
    var customers = TestNamespaces.create(client, "customers");
    var ledger = "odoovps-restore-ledger";
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> allowed("update", "", "configmaps", namespace, ledger));
    assertThat(allowed("get", "", "configmaps", customers, ledger))
        .as("legacy ledgers beside the restores are read")
        .isTrue();
    assertThat(allowed("get", "", "configmaps", customers, "kube-root-ca.crt"))
        .as("no other ConfigMap is read")
        .isFalse();
    assertThat(allowed("get", "", "configmaps", namespace, "odoovps-operator"))
        .as(
            "the release namespace holds the contract records, one per VPS, whose names RBAC"
                + " cannot list in advance: any ConfigMap there, and only there")
        .isTrue();
    assertThat(allowed("patch", "", "configmaps", customers, "odoovps-record-x-y")).isFalse();
    assertThat(allowed("list", "", "configmaps", customers)).isFalse();
    assertThat(allowed("create", "", "configmaps", customers)).isFalse();
    assertThat(allowed("update", "", "configmaps", customers, ledger)).isFalse();
    assertThat(allowed("create", "", "configmaps", namespace))
        .as("create cannot be limited by name")
        .isTrue();
    assertThat(allowed("update", "", "configmaps", namespace, "odoovps-operator"))
        .as("the ledger is the only ConfigMap updated")
        .isFalse();

    var vps = VpsFixtures.vps(customers, "alpha");
    vps.getSpec().getCustomer().setId("C-1001");
    client.resource(vps).create();
    var policy = policy();
    policy.getMetadata().setNamespace(customers);
    client.resource(policy).create();
    var backup =
        new io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup(
            "20260301T020000Z", "2026-03-01T02:00:00Z", 1000L, "ab".repeat(32));
    BackupFixtures.keeping(client, customers, "daily", backup, "alpha");
    var audit = ControlPlane.get().auditLog();
    var mark = audit.mark();
    // no ledger namespace configured: the operator's own, its client's (the release namespace)
    try (var operator =
        TestOperator.startAs(
            this::asChartServiceAccount,
            customers,
            new OdooVpsRestoreReconciler(TestConfig.defaults(), clock))) {
      var restore = new io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore();
      restore.setMetadata(
          new ObjectMetaBuilder().withName("first").withNamespace(customers).build());
      restore.setSpec(
          new io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreSpec(
              "alpha", backup.backupId(), null));
      client.resource(restore).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(
                          client
                              .resources(
                                  io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore.class)
                              .inNamespace(customers)
                              .withName("first")
                              .get()
                              .getStatus()
                              .phase())
                      .isEqualTo(
                          io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase
                              .Stopping));
      assertThat(
              client.configMaps().inNamespace(namespace).withName("odoovps-restore-ledger").get())
          .isNotNull();
      assertThat(
              client.configMaps().inNamespace(customers).withName("odoovps-restore-ledger").get())
          .isNull();
      assertThat(operator.failures())
          .as("reconciles that failed")
          .noneMatch(HelmChartApiServerTest::forbidden);
      assertThat(audit.writesSince(mark, AS_CHART))
          .filteredOn(w -> w.resource().equals("configmaps"))
          .isNotEmpty()
          .noneMatch(w -> w.code() == 403);
    }
  }

  @Test
  void theServiceAccountHoldsNothingMoreAndCanLeadWithALease() throws Exception {
    applyRbac();
    assertThat(allowed("delete", "", "nodes", null)).isFalse();
    assertThat(allowed("create", "rbac.authorization.k8s.io", "clusterroles", null)).isFalse();
    assertThat(allowed("escalate", "rbac.authorization.k8s.io", "roles", namespace)).isFalse();
    assertThat(allowed("update", "", "services", namespace)).isFalse();
    assertThat(allowed("delete", "odoovps.io", "odoovps", namespace)).isFalse();
    assertThat(allowed("create", "apps", "deployments", namespace)).isFalse();
    assertThat(allowed("create", "coordination.k8s.io", "leases", "kube-system")).isFalse();
    for (var verb : List.of("get", "create", "update", "patch")) {
      assertThat(allowed(verb, "coordination.k8s.io", "leases", namespace)).isTrue();
    }
    try (var sa = asChartServiceAccount()) {
      assertThatThrownBy(
              () ->
                  sa.rbac()
                      .clusterRoles()
                      .resource(
                          new ClusterRoleBuilder()
                              .withNewMetadata()
                              .withName("x")
                              .endMetadata()
                              .build())
                      .create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      assertThatThrownBy(() -> sa.nodes().list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    // JOSDK's leader election as the chart configures it (the lease of LeaderElection, in the
    // client's namespace), as the chart's ServiceAccount: it checks its lease rights, then leads.
    var election =
        new LeaderElectionConfiguration(
            LeaderElection.LEASE_NAME,
            null,
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
            "replica-1",
            null,
            false); // the JVM must outlive the test's stop
    var operator =
        new Operator(
            o ->
                o.withKubernetesClient(asChartServiceAccount())
                    .withCloseClientOnStop(true)
                    .withLeaderElectionConfiguration(election));
    operator.register(
        new SupportTicketReconciler(TestConfig.support(Map.of()), clock, null),
        o -> o.settingNamespace(namespace));
    var audit = ControlPlane.get().auditLog();
    var mark = audit.mark();
    operator.start();
    try {
      var leases = client.resources(Lease.class).inNamespace(namespace);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                var lease = leases.withName(LeaderElection.LEASE_NAME).get();
                assertThat(lease).isNotNull();
                assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-1");
              });
      // the leader keeps its lease: renewals (every retry period, 2 s) go through
      var first = leases.withName(LeaderElection.LEASE_NAME).get().getSpec().getRenewTime();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(
                          leases.withName(LeaderElection.LEASE_NAME).get().getSpec().getRenewTime())
                      .isNotEqualTo(first));
      assertThat(audit.writesSince(mark, AS_CHART))
          .filteredOn(w -> w.resource().equals("leases"))
          .isNotEmpty()
          .noneMatch(w -> w.code() == 403);
    } finally {
      operator.stop();
    }
  }

  private boolean allowed(String verb, String group, String resource, String inNamespace) {
    return allowed(verb, group, resource, inNamespace, null);
  }

  private boolean allowed(
      String verb, String group, String resource, String inNamespace, String name) {
    return HelmChart.allowed(client, namespace, verb, group, resource, null, inNamespace, name);
  }

  /**
   * The chart's ServiceAccount, ClusterRole, ClusterRoleBinding, Role and RoleBinding, for real.
   */
  private void applyRbac() {
    for (var manifest :
        ofKinds(
            Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"))) {
      client.resource(manifest).fieldManager("helm").forceConflicts().serverSideApply();
    }
    // the authorizer sees new bindings through its informers: wait until it does
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                allowed("list", "odoovps.io", "odoovps", namespace)
                    && allowed("get", "coordination.k8s.io", "leases", namespace));
  }

  private void credentials() {
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
  }

  private BackupPolicy policy() {
    return BackupFixtures.policy(
        namespace, "daily", "http://127.0.0.1:1", "offsite-lyon", "lyon-1", "s3-lyon");
  }

  private List<?> managed(String apiVersion, String kind) {
    return client
        .genericKubernetesResources(apiVersion, kind)
        .inNamespace(namespace)
        .withLabel(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR)
        .list()
        .getItems();
  }

  private static boolean forbidden(Throwable e) {
    for (var t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() == 403) {
        return true;
      }
      if (String.valueOf(t.getMessage()).contains("Forbidden")
          || String.valueOf(t.getMessage()).contains("forbidden")) {
        return true;
      }
    }
    return false;
  }

  private static io.fabric8.kubernetes.api.model.GenericKubernetesResource virtualMachine(
      io.fabric8.kubernetes.client.KubernetesClient client, String namespace, String name) {
    return client
        .genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
        .inNamespace(namespace)
        .withName(name)
        .get();
  }
}
