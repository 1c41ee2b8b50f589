package io.odoovps.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.backup.ExportToken;
import io.odoovps.operator.backup.VirtualMachineExportMethod;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.backup.policy.BackupPolicyReconciler;
import io.odoovps.operator.config.LeaderElection;
import io.odoovps.operator.mitigation.MitigationStateReconciler;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.restore.OdooVpsRestoreReconciler;
import io.odoovps.operator.support.AlertmanagerPayload;
import io.odoovps.operator.support.SupportTicketReconciler;
import io.odoovps.operator.support.TicketDesk;
import io.odoovps.operator.testing.AuditLog;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.KubeVirtExportSimulator;
import io.odoovps.operator.testing.MovableClock;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestMailbox;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.vps.GuestDesign;
import io.odoovps.operator.vps.OdooVpsReconciler;
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

  /** The backup pods' ClusterRole of the release {@link HelmChart#RELEASE}. */
  private static final String BACKUP_ROLE = "odoovps-operator-backup";

  /** What the operator guard says when it refuses a Secret that is not the operator's. */
  private static final String NOT_ITS_SECRET =
      "the odoovps operator writes only Secrets labelled app.kubernetes.io/managed-by";

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
        var operator = asChart(namespace, config, support, mailbox);
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
                // bound to the chart's backup ClusterRole, by bind: the operator holds none of
                // its verbs
                assertThat(
                        client
                            .resources(RoleBinding.class)
                            .inNamespace(namespace)
                            .withName(account)
                            .get()
                            .getRoleRef()
                            .getName())
                    .isEqualTo(BACKUP_ROLE);
                assertThat(
                        client
                            .secrets()
                            .inNamespace(namespace)
                            .withName(BackupJobDesign.exportTokenSecretName("daily", "alpha"))
                            .get())
                    .isNotNull();
                assertThat(
                        client
                            .resources(BackupPolicy.class)
                            .inNamespace(namespace)
                            .withName("daily")
                            .get()
                            .getStatus())
                    .isNotNull();
              });

      // user data changed behind the operator's back: it writes its cloud-init Secret again (an
      // update of a Secret of its own, which RBAC and the guard let through)
      var cloudInit =
          GuestDesign.cloudInitSecretName(
              client.resources(OdooVps.class).inNamespace(namespace).withName("alpha").get());
      var applied = client.secrets().inNamespace(namespace).withName(cloudInit).get().getData();
      client
          .secrets()
          .inNamespace(namespace)
          .withName(cloudInit)
          .edit(
              c -> {
                c.setData(new java.util.HashMap<>(c.getData()));
                c.getData().put(GuestDesign.USERDATA_KEY, "I2Nsb3VkLWNvbmZpZwo=");
                return c;
              });
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(
                          applied.equals(
                              client
                                  .secrets()
                                  .inNamespace(namespace)
                                  .withName(cloudInit)
                                  .get()
                                  .getData()))
                      .as("the cloud-init Secret holds the operator's user data again")
                      .isTrue());

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
      terminate(namespace, "alpha");

      assertThat(operator.failures())
          .as("reconciles that failed")
          .noneMatch(HelmChartApiServerTest::forbidden);
      var writes = audit.writesSince(mark, AS_CHART);
      assertThat(writes).as("writes made as the chart's ServiceAccount").isNotEmpty();
      assertThat(writes)
          .as("writes refused to the chart's ServiceAccount, by RBAC or the operator guard")
          .noneMatch(w -> w.code() == 403);
      assertThat(writes)
          .as("the operator writes no Role: it binds the chart's backup ClusterRole")
          .noneMatch(w -> w.resource().equals("roles"));
      assertThat(writes.stream().map(AuditLog.Write::resource))
          .contains(
              "virtualmachines",
              "services",
              "networkpolicies",
              "secrets",
              "prometheusrules",
              "cronjobs",
              "rolebindings",
              "serviceaccounts",
              "supporttickets",
              "mitigationstates",
              "ipv4allocations",
              "events");
    }
  }

  /**
   * watchNamespaces: the operator reconciles a watched namespace with the Role the chart puts
   * there, and its ClusterRole keeps only the cluster-scoped rules; nothing it asks is refused, and
   * it can read nothing in a namespace it does not watch.
   */
  @Test
  void inNamespaceScopedModeTheOperatorRunsOnItsRolesAloneAndSeesNoOtherNamespace() {
    var tenant = TestNamespaces.create(client, "helmchart-tenant");
    var other = TestNamespaces.create(client, "helmchart-other");
    manifests =
        ChartTemplateTest.parse(
            HelmChart.template(
                namespace, HelmChart.EVERYTHING_ON + "watchNamespaces: [" + tenant + "]\n"));
    var deployment = ofKinds(Set.of("Deployment")).get(0);
    assertThat(
            ((io.fabric8.kubernetes.api.model.apps.Deployment) deployment)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .as("quarkus-operator-sdk is told which namespaces to watch")
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("QUARKUS_OPERATOR_SDK_NAMESPACES");
              assertThat(e.getValue()).isEqualTo(tenant);
            });
    for (var manifest :
        ofKinds(
            Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"))) {
      client.resource(manifest).fieldManager("helm").forceConflicts().serverSideApply();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                allowed("list", "odoovps.io", "odoovps", tenant)
                    && allowed("get", "coordination.k8s.io", "leases", namespace));
    assertThat(allowed("list", "odoovps.io", "odoovps", other))
        .as("a namespace not watched")
        .isFalse();
    assertThat(allowed("list", "", "secrets", other)).as("its Secrets").isFalse();
    assertThat(allowed("list", "odoovps.io", "odoovps", "")).as("every namespace").isFalse();
    assertThat(allowed("list", "odoovps.io", "ipv4allocations", "")).as("cluster-scoped").isTrue();
    credentials(tenant);
    var audit = ControlPlane.get().auditLog();
    var mark = audit.mark();
    var config = TestConfig.with(Map.of());
    try (var mailbox = new TestMailbox();
        var operator = asChart(tenant, config, TestConfig.support(Map.of()), mailbox)) {
      client.resource(VpsFixtures.vps(tenant, "alpha")).create();
      client.resource(policy(tenant)).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(virtualMachine(client, tenant, "alpha")).isNotNull();
                var vps = client.resources(OdooVps.class).inNamespace(tenant).withName("alpha");
                assertThat(vps.get().getStatus().getIpv4()).isNotBlank();
                assertThat(
                        client
                            .batch()
                            .v1()
                            .cronjobs()
                            .inNamespace(tenant)
                            .withName(BackupJobDesign.cronJobName("daily", "alpha"))
                            .get())
                    .isNotNull();
                assertThat(
                        client
                            .resources(BackupPolicy.class)
                            .inNamespace(tenant)
                            .withName("daily")
                            .get()
                            .getStatus())
                    .isNotNull();
              });
      terminate(tenant, "alpha");
      assertThat(operator.failures())
          .as("reconciles that failed")
          .noneMatch(HelmChartApiServerTest::forbidden);
      var writes = audit.writesSince(mark, AS_CHART);
      assertThat(writes.stream().map(AuditLog.Write::resource))
          .as("writes made as the chart's ServiceAccount")
          .contains("virtualmachines", "services", "secrets", "cronjobs", "ipv4allocations");
      assertThat(writes)
          .as("writes refused to the chart's ServiceAccount")
          .noneMatch(w -> w.code() == 403);
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

  @Test
  void supportStaffActOnContractsButDeleteNothingAndAuditorsOnlyRead() {
    for (var role : ofKinds(Set.of("ClusterRole"))) {
      if (role.getMetadata().getName().matches("odoovps-operator-(view|support|admin)")) {
        client.resource(role).fieldManager("helm").forceConflicts().serverSideApply();
      }
    }
    bind("support-alice", "odoovps-operator-support");
    bind("auditor-bob", "odoovps-operator-view");
    bind("platform-carol", "odoovps-operator-admin");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                userMay("auditor-bob", "list", "odoovps")
                    && userMay("platform-carol", "delete", "odoovps"));
    // support: every action of the README's support section
    assertThat(userMay("support-alice", "patch", "odoovps")).isTrue();
    assertThat(userMay("support-alice", "patch", "mitigationstates")).isTrue();
    assertThat(userMay("support-alice", "patch", "supporttickets")).isTrue();
    assertThat(userMay("support-alice", "create", "odoovpsrestores")).isTrue();
    assertThat(userMay("support-alice", "create", "supporttickets")).isTrue();
    assertThat(userMay("support-alice", "delete", "odoovps"))
        .as("support deletes no VPS")
        .isFalse();
    assertThat(userMay("support-alice", "patch", "backuppolicies")).isFalse();
    assertThat(userMay("support-alice", "patch", "odoovps", "status"))
        .as("status is the operator's")
        .isFalse();
    // the auditor reads everything of ours and writes nothing
    assertThat(userMay("auditor-bob", "watch", "backuppolicies")).isTrue();
    assertThat(userMay("auditor-bob", "patch", "odoovps")).isFalse();
    // nobody of them reads a Secret through these roles
    for (var user : List.of("support-alice", "auditor-bob", "platform-carol")) {
      assertThat(userMay(user, "get", "", "secrets", null)).as(user).isFalse();
    }
  }

  private void bind(String user, String clusterRole) {
    client
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(user)
                .withNamespace(namespace)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", clusterRole)
                .addNewSubject()
                .withKind("User")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName(user)
                .endSubject()
                .build())
        .serverSideApply();
  }

  private boolean userMay(String user, String verb, String resource) {
    return userMay(user, verb, "odoovps.io", resource, null);
  }

  private boolean userMay(String user, String verb, String resource, String subresource) {
    return userMay(user, verb, "odoovps.io", resource, subresource);
  }

  /** The API server's answer for a person (authenticated, no group of ours) in the namespace. */
  private boolean userMay(
      String user, String verb, String group, String resource, String subresource) {
    return review(
        user, List.of("system:authenticated"), verb, group, resource, subresource, namespace);
  }

  /** A SubjectAccessReview: whether the authorizer lets {@code user} in {@code groups} do it. */
  private boolean review(
      String user,
      List<String> groups,
      String verb,
      String group,
      String resource,
      String subresource,
      String inNamespace) {
    return HelmChart.review(
        client,
        user,
        groups,
        new io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder()
            .withVerb(verb)
            .withGroup(group)
            .withResource(resource)
            .withSubresource(subresource)
            .withNamespace(inNamespace)
            .build());
  }

  @Test
  void theOperatorGuardRefusesTheServiceAccountWhatIsNotTheOperatorsOwn() {
    applyRbac();
    defaultServiceAccount();
    // a customer's Secret, made by someone else than the operator
    client.resource(secret("customer-keys", Map.of())).create();
    var launcher =
        pod(
            "virt-launcher-alpha-x1",
            Map.of(VpsLabels.VPS, "alpha", "kubevirt.io", "virt-launcher"));
    var other = pod("someone-elses", Map.of("app", "shop"));
    var ours = Map.of(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR);
    try (var sa = asChartServiceAccount()) {
      var secrets = sa.secrets().inNamespace(namespace);
      // Secrets: none but its own is written
      assertRefused(() -> sa.resource(secret("planted", Map.of())).create(), NOT_ITS_SECRET);
      var customers = secrets.withName("customer-keys").get();
      customers.getMetadata().setLabels(ours); // taking it over by its label
      assertRefused(
          () -> sa.resource(customers).update(),
          "neither changes nor deletes a Secret it did not create");
      assertRefused(
          () -> secrets.withName("customer-keys").delete(),
          "neither changes nor deletes a Secret it did not create");
      assertThat(client.secrets().inNamespace(namespace).withName("customer-keys").get())
          .as("the customer's Secret, untouched")
          .satisfies(k -> assertThat(k.getMetadata().getLabels()).isNullOrEmpty());
      // its own Secret: created, changed, deleted (as the dependents and the termination do);
      // never stripped of the label that makes it its own
      sa.resource(secret("alpha-extra", ours)).create();
      var extra = secrets.withName("alpha-extra").get();
      extra.setStringData(Map.of("note", "changed"));
      extra = sa.resource(extra).update();
      extra.getMetadata().setLabels(Map.of());
      var unlabelled = extra;
      assertRefused(() -> sa.resource(unlabelled).update(), NOT_ITS_SECRET);
      secrets.withName("alpha-extra").delete();

      // RoleBindings: the backup ClusterRole only, to a backup ServiceAccount of the namespace
      assertRefused(
          () -> sa.resource(binding("own-role", "odoovps-operator", "daily-backup", ours)).create(),
          "binds only the ClusterRole " + BACKUP_ROLE);
      assertRefused(
          () -> sa.resource(binding("to-default", BACKUP_ROLE, "default", ours)).create(),
          "only to a backup ServiceAccount");
      assertRefused(
          () -> sa.resource(binding("unlabelled", BACKUP_ROLE, "daily-backup", Map.of())).create(),
          "writes only RoleBindings labelled");
      assertRefused(
          () -> sa.resource(binding("admin", "cluster-admin", "daily-backup", ours)).create(),
          "forbidden"); // RBAC itself: no bind on that role, nor its verbs
      sa.resource(binding("daily-backup", BACKUP_ROLE, "daily-backup", ours)).create();
      assertRefused(
          () ->
              sa.resource(
                      new io.fabric8.kubernetes.api.model.rbac.RoleBuilder()
                          .withNewMetadata()
                          .withName("any")
                          .withNamespace(namespace)
                          .endMetadata()
                          .build())
                  .create(),
          "forbidden"); // no right on Roles at all

      // pods (liveAnnotations is set): the annotations of virt-launcher pods, nothing else
      var pods = sa.pods().inNamespace(namespace);
      pods.withName(launcher)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              annotations("ovn.kubernetes.io/egress_rate", "1"));
      assertThat(podAnnotations(launcher)).containsEntry("ovn.kubernetes.io/egress_rate", "1");
      assertRelabelRefused(
          pods.withName(launcher), "changes only the annotations of a virt-launcher pod");
      assertRefused(
          () ->
              pods.withName(other)
                  .patch(PatchContext.of(PatchType.JSON_MERGE), annotations("a", "1")),
          "patches only the virt-launcher pods");
    }
  }

  @Test
  void theShaperPassesADryRunAndItsGuardLetsItWriteOnlyItsAnnotationsOfVpsPods() {
    var shaperManifests =
        ChartTemplateTest.parse(
            HelmChart.template(
                namespace, "shaper: {enabled: true}\nsecrets: {webhookToken: not-a-real-token}"));
    var shaperName = HelmChart.RELEASE + "-shaper";
    assertThat(shaperManifests)
        .anyMatch(
            m -> m.getKind().equals("DaemonSet") && m.getMetadata().getName().equals(shaperName));
    for (var manifest : shaperManifests) {
      client.resource(manifest).dryRun().fieldManager("helm").forceConflicts().serverSideApply();
    }
    defaultServiceAccount();
    var shaperKinds =
        Set.of(
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding");
    var applied =
        shaperManifests.stream()
            .filter(m -> shaperKinds.contains(m.getKind()))
            .filter(m -> m.getMetadata().getName().startsWith(shaperName))
            .toList();
    assertThat(applied).hasSize(5);
    applied.forEach(
        m -> client.resource(m).fieldManager("helm").forceConflicts().serverSideApply());
    var launcher =
        pod(
            "virt-launcher-alpha-s1",
            Map.of(VpsLabels.VPS, "alpha", "kubevirt.io", "virt-launcher"));
    var other = pod("not-a-vps", Map.of("app", "shop"));
    var config =
        new ConfigBuilder(ControlPlane.get().operatorConfig("odoovps-shaper-as-chart-sa"))
            .withImpersonateUsername("system:serviceaccount:" + namespace + ":" + shaperName)
            .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace)
            .build();
    try (var shaper = new KubernetesClientBuilder().withConfig(config).build()) {
      var pods = shaper.pods().inNamespace(namespace);
      // admission policies load asynchronously: wait until the guard refuses a foreign key
      var probes = new java.util.concurrent.atomic.AtomicInteger();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                try {
                  pods.withName(launcher)
                      .patch(
                          PatchContext.of(PatchType.JSON_MERGE),
                          // a new value each time: a patch that changes nothing passes any guard
                          annotations(
                              "kubernetes.io/egress-bandwidth", probes.incrementAndGet() + "M"));
                  return false;
                } catch (KubernetesClientException e) {
                  return e.getCode() == 403
                      && e.getMessage().contains("the odoovps shaper changes only its annotations");
                }
              });
      pods.withName(launcher)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"odoovps.io/applied-ingress-bandwidth\":\"1M\","
                  + "\"odoovps.io/applied-egress-bandwidth\":\"1M\"}}}");
      pods.withName(launcher)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"odoovps.io/applied-ingress-bandwidth\":null}}}");
      assertThat(podAnnotations(launcher))
          .containsEntry("odoovps.io/applied-egress-bandwidth", "1M")
          .doesNotContainKey("odoovps.io/applied-ingress-bandwidth");
      assertRelabelRefused(
          pods.withName(launcher), "the odoovps shaper changes only its annotations");
      assertRefused(
          () ->
              pods.withName(other)
                  .patch(
                      PatchContext.of(PatchType.JSON_MERGE),
                      annotations("odoovps.io/applied-ingress-bandwidth", "1M")),
          "writes only on the virt-launcher pods of VPSs");
      assertRefused(() -> pods.withName(launcher).delete(), "forbidden"); // RBAC: no delete at all
    } finally {
      applied.stream()
          .filter(m -> m.getKind().startsWith("ValidatingAdmissionPolicy"))
          .forEach(m -> client.resource(m).delete());
    }
  }

  @Test
  void theBackupServiceAccountCapturesItsVmAndCanReadOrWriteNoSecret() throws Exception {
    applyRbac();
    credentials();
    var config = TestConfig.defaults();
    var token = BackupJobDesign.exportTokenSecretName("daily", "alpha");
    var account = BackupJobDesign.serviceAccountName("daily");
    try (var mailbox = new TestMailbox();
        var operator =
            TestOperator.startAs(
                this::asChartServiceAccount,
                namespace,
                new OdooVpsReconciler(config, clock, mailbox.mailer()),
                new BackupPolicyReconciler(config, clock))) {
      client.resource(VpsFixtures.vps(namespace, "alpha")).create();
      client.resource(policy()).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(client.secrets().inNamespace(namespace).withName(token).get())
                    .isNotNull();
                assertThat(
                        client.secrets().inNamespace(namespace).withName("alpha-odoo-admin").get())
                    .isNotNull();
                assertThat(
                        client
                            .resources(RoleBinding.class)
                            .inNamespace(namespace)
                            .withName(account)
                            .get())
                    .isNotNull();
              });
      assertThat(operator.failures()).noneMatch(HelmChartApiServerTest::forbidden);
    }
    var user = "system:serviceaccount:" + namespace + ":" + account;
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                allowedTo(
                    user, "create", "snapshot.kubevirt.io", "virtualmachinesnapshots", namespace));
    assertThat(
            allowedTo(user, "create", "snapshot.kubevirt.io", "virtualmachinesnapshots", "default"))
        .as("in its policy's namespace only")
        .isFalse();

    // what the kubelet hands the backup pod: the token, from the operator's Secret
    var value =
        new String(
            java.util.Base64.getDecoder()
                .decode(
                    client
                        .secrets()
                        .inNamespace(namespace)
                        .withName(token)
                        .get()
                        .getData()
                        .get(ExportToken.KEY)),
            java.nio.charset.StandardCharsets.UTF_8);
    var disk = new byte[256 * 1024];
    new java.util.Random(3).nextBytes(disk);
    try (var kubevirt = new KubeVirtExportSimulator(client, namespace, () -> disk);
        var pod = asUser(user)) {
      var method =
          new VirtualMachineExportMethod(
              pod,
              new ExportToken(token, value),
              java.time.Clock.systemUTC(),
              Duration.ofSeconds(30),
              Duration.ofSeconds(30),
              Duration.ofMillis(100));
      try (var capture = method.capture(namespace, "alpha", "20260301T020000Z");
          var in = new java.util.zip.GZIPInputStream(capture.data())) {
        assertThat(in.readAllBytes())
            .as("the VM's disk, as the backup ServiceAccount")
            .isEqualTo(disk);
      }
      assertThat(
              client
                  .genericKubernetesResources(VirtualMachineExportMethod.SNAPSHOTS)
                  .inNamespace(namespace)
                  .list()
                  .getItems())
          .as("its snapshot deleted, as the backup ServiceAccount")
          .isEmpty();

      var secrets = pod.secrets().inNamespace(namespace);
      assertRefused(() -> secrets.withName("alpha-odoo-admin").get(), "forbidden");
      assertRefused(() -> secrets.withName("alpha-provider-ssh").get(), "forbidden");
      assertRefused(() -> secrets.withName("s3-lyon").get(), "forbidden");
      assertRefused(() -> secrets.withName(token).get(), "forbidden");
      assertRefused(secrets::list, "forbidden");
      assertRefused(() -> pod.resource(secret("planted", Map.of())).create(), "forbidden");
      assertRefused(() -> secrets.withName("alpha-provider-ssh").delete(), "forbidden");
    }
  }

  /** A client acting as {@code user} (a ServiceAccount), with the test's own identity behind. */
  private static KubernetesClient asUser(String user) {
    var namespace = user.split(":")[2];
    var config =
        new ConfigBuilder(ControlPlane.get().config("backup-pod-as-its-sa"))
            .withImpersonateUsername(user)
            .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Whether the API server's authorizer lets a ServiceAccount {@code user} do it. */
  private boolean allowedTo(
      String user, String verb, String group, String resource, String inNamespace) {
    return review(
        user,
        List.of(
            "system:serviceaccounts",
            "system:serviceaccounts:" + user.split(":")[2],
            "system:authenticated"),
        verb,
        group,
        resource,
        null,
        inNamespace);
  }

  /** The request fails with 403, its message naming {@code reason}. */
  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable request, String reason) {
    assertThatThrownBy(request)
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getMessage()).containsIgnoringCase(reason);
            });
  }

  private io.fabric8.kubernetes.api.model.Secret secret(String name, Map<String, String> labels) {
    return new SecretBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .build())
        .withStringData(Map.of("key", "not-a-real-secret-value"))
        .build();
  }

  private RoleBinding binding(
      String name, String clusterRole, String serviceAccount, Map<String, String> labels) {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", clusterRole)
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(serviceAccount)
        .withNamespace(namespace)
        .endSubject()
        .build();
  }

  /** A pod no node runs: the API server stores it, which is all a patch needs. */
  private String pod(String name, Map<String, String> labels) {
    client
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
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
    return name;
  }

  /** The namespace's default ServiceAccount, which admission wants for a pod. */
  private void defaultServiceAccount() {
    try {
      client
          .resource(
              new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("default")
                  .withNamespace(namespace)
                  .endMetadata()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e; // 409: kube-controller-manager made it first
      }
    }
  }

  /** Moving the pod to another VPS (its label) is refused, with {@code reason}. */
  private static void assertRelabelRefused(
      io.fabric8.kubernetes.client.dsl.PodResource pod, String reason) {
    assertRefused(
        () ->
            pod.patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"labels\":{\"odoovps.io/vps\":\"bravo\"}}}"),
        reason);
  }

  private Map<String, String> podAnnotations(String pod) {
    return client.pods().inNamespace(namespace).withName(pod).get().getMetadata().getAnnotations();
  }

  private static String annotations(String key, String value) {
    return "{\"metadata\":{\"annotations\":{\"" + key + "\":\"" + value + "\"}}}";
  }

  /**
   * Admission policies are loaded asynchronously: waits until the operator guard refuses the
   * chart's ServiceAccount an unlabelled Secret.
   */
  private void awaitTheGuard() {
    try (var sa = asChartServiceAccount()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                var probe = secret("guard-probe", Map.of());
                try {
                  sa.resource(probe).create();
                } catch (KubernetesClientException e) {
                  return e.getCode() == 403
                      && String.valueOf(e.getMessage()).contains(NOT_ITS_SECRET);
                }
                client.resource(probe).delete(); // made before the policy was live
                return false;
              });
      // the RoleBinding policy is a second one, loaded on its own: wait for it too
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                var probe =
                    binding(
                        "guard-probe",
                        "odoovps-operator",
                        "daily-backup",
                        Map.of(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR));
                try {
                  sa.resource(probe).create();
                } catch (KubernetesClientException e) {
                  return e.getCode() == 403
                      && String.valueOf(e.getMessage()).contains("binds only the ClusterRole");
                }
                client.resource(probe).delete(); // made before the policy was live
                return false;
              });
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
   * The chart's ServiceAccount, ClusterRoles (the operator's and the backup pods'),
   * ClusterRoleBinding, Roles and RoleBindings, and its operator guard (admission policies), for
   * real.
   */
  private void applyRbac() {
    for (var manifest :
        ofKinds(
            Set.of(
                "ServiceAccount",
                "ClusterRole",
                "ClusterRoleBinding",
                "Role",
                "RoleBinding",
                "ValidatingAdmissionPolicy",
                "ValidatingAdmissionPolicyBinding"))) {
      client.resource(manifest).fieldManager("helm").forceConflicts().serverSideApply();
    }
    awaitTheGuard();
    // the authorizer sees new bindings through its informers: wait until it does
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                allowed("list", "odoovps.io", "odoovps", namespace)
                    && allowed("get", "coordination.k8s.io", "leases", namespace));
  }

  /**
   * Every reconciler of the operator, run as the chart's ServiceAccount, watching one namespace.
   */
  private TestOperator asChart(
      String where,
      io.odoovps.operator.config.OperatorConfig config,
      io.odoovps.operator.support.SupportConfig support,
      TestMailbox mailbox) {
    return TestOperator.startAs(
        this::asChartServiceAccount,
        where,
        new OdooVpsReconciler(config, clock, mailbox.mailer()),
        new BackupPolicyReconciler(config, clock),
        new OdooVpsRestoreReconciler(config, clock),
        new MitigationStateReconciler(config, clock, mailbox.mailer()),
        new SupportTicketReconciler(support, clock, mailbox.mailer()));
  }

  /** Ends a VPS's contract and waits until its VM, Service and IPv4 are gone. */
  private void terminate(String where, String vps) {
    client
        .resources(OdooVps.class)
        .inNamespace(where)
        .withName(vps)
        .edit(
            v -> {
              v.getSpec().setTermination(new TerminationSpec(vps));
              return v;
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(virtualMachine(client, where, vps)).isNull();
              assertThat(client.services().inNamespace(where).withName(vps).get()).isNull();
              assertThat(
                      client.resources(IPv4Allocation.class).list().getItems().stream()
                          .filter(a -> where.equals(a.getSpec().getVps().namespace())))
                  .isEmpty();
            });
  }

  private void credentials() {
    credentials(namespace);
  }

  private void credentials(String where) {
    client
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder().withName("s3-lyon").withNamespace(where).build())
                .withStringData(
                    Map.of(
                        BackupJobDesign.ACCESS_KEY_ID, "id",
                        BackupJobDesign.SECRET_ACCESS_KEY, "not-a-real-secret-value"))
                .build())
        .create();
  }

  private BackupPolicy policy() {
    return policy(namespace);
  }

  private static BackupPolicy policy(String where) {
    return BackupFixtures.policy(
        where, "daily", "http://127.0.0.1:1", "offsite-lyon", "lyon-1", "s3-lyon");
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
