package io.odoovps.operator.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicySpec;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreSpec;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.backup.BackupTarget;
import io.odoovps.operator.backup.ExportToken;
import io.odoovps.operator.backup.VirtualMachineExportMethod;
import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.restore.OdooVpsRestoreReconciler;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.KubeVirtExportSimulator;
import io.odoovps.operator.testing.S3Server;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestKubelet;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VirtControllerSimulator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.vps.OdooVpsReconciler;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backups and restores on the real API server with kube-controller-manager (CronJob and Job
 * controllers, garbage collector), a real S3 server, KubeVirt's snapshot and export simulated on
 * the real KubeVirt CRDs, and the backup pods run by {@link TestKubelet} through the real backup
 * command.
 */
class BackupPolicyApiServerTest extends VpsOperatorTestBase {

  private static S3Server s3;
  private static BackupTarget bucket;
  private BackupPolicyReconciler backups;
  private String ledgerNamespace;

  @BeforeAll
  static void startServers() {
    ControlPlane.get().requireControllerManager();
    s3 = new S3Server();
    bucket = s3.bucket("offsite-lyon");
  }

  @AfterAll
  static void stopServers() throws InterruptedException {
    s3.close();
  }

  @Override
  protected TestOperator newOperator() {
    backups = new BackupPolicyReconciler(config(), clock);
    // the restore ledger of this test alone, as the operator's namespace would hold it
    ledgerNamespace = TestNamespaces.create(client, "operator");
    return TestOperator.start(
        namespace,
        new OdooVpsReconciler(config(), clock, mailbox.mailer()),
        backups,
        new OdooVpsRestoreReconciler(
            TestConfig.with(Map.of("odoovps.restore.ledger-namespace", ledgerNamespace)), clock));
  }

  private void credentials(String name, String accessKey, String secretKey) {
    client
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder().withName(name).withNamespace(namespace).build())
                .withStringData(
                    Map.of(
                        BackupJobDesign.ACCESS_KEY_ID, accessKey,
                        BackupJobDesign.SECRET_ACCESS_KEY, secretKey))
                .build())
        .create();
  }

  private BackupPolicy policy(String name, String targetLocation, Consumer<BackupPolicySpec> edit) {
    var policy =
        BackupFixtures.policy(
            namespace,
            name,
            bucket.endpoint().toString(),
            bucket.bucket(),
            targetLocation,
            "s3-lyon");
    edit.accept(policy.getSpec());
    return policy;
  }

  private BackupPolicy policy(String name) {
    return client.resources(BackupPolicy.class).inNamespace(namespace).withName(name).get();
  }

  private CronJob cronJob(String policy, String vps) {
    return client
        .batch()
        .v1()
        .cronjobs()
        .inNamespace(namespace)
        .withName(BackupJobDesign.cronJobName(policy, vps))
        .get();
  }

  private static String condition(BackupPolicy policy, String type) {
    return policy == null || policy.getStatus() == null
        ? null
        : ConditionList.find(policy.getStatus().conditions(), type)
            .map(c -> c.getStatus() + ": " + c.getMessage())
            .orElse(null);
  }

  private BackupPolicyStatus.VpsBackups entry(String policy, String vps) {
    // the policy's status lists no VPS: each has a BackupRecord of its own
    assertThat(policy(policy).getStatus().vps()).isNull();
    var record =
        client
            .resources(io.odoovps.operator.api.v1alpha1.backup.BackupRecord.class)
            .inNamespace(namespace)
            .withName(io.odoovps.operator.api.v1alpha1.backup.BackupRecord.nameOf(vps, policy))
            .get();
    assertThat(record.getMetadata().getLabels())
        .containsEntry(BackupJobDesign.POLICY_LABEL, policy)
        .containsEntry(BackupJobDesign.VPS_LABEL, vps);
    return record.getSpec();
  }

  /** The entries of the policy's BackupRecords. */
  private List<BackupPolicyStatus.VpsBackups> records(String policy) {
    return client
        .resources(io.odoovps.operator.api.v1alpha1.backup.BackupRecord.class)
        .inNamespace(namespace)
        .withLabel(BackupJobDesign.POLICY_LABEL, policy)
        .list()
        .getItems()
        .stream()
        .map(io.odoovps.operator.api.v1alpha1.backup.BackupRecord::getSpec)
        .toList();
  }

  /**
   * A kubelet whose backup pods capture VMs through the simulated KubeVirt export, with the export
   * token their environment carries (resolved from the operator's token Secret).
   */
  private TestKubelet kubelet() {
    return new TestKubelet(
        client,
        namespace,
        clock,
        (method, timeout, env) ->
            new VirtualMachineExportMethod(
                client,
                ExportToken.fromEnvironment(env),
                Clock.systemUTC(),
                timeout,
                timeout,
                Duration.ofMillis(100)));
  }

  /** What `kubectl create job --from=cronjob/NAME` does. */
  private String runNow(String policy, String vps, String jobName) {
    var cronJob = cronJob(policy, vps);
    var template = cronJob.getSpec().getJobTemplate();
    client
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(jobName)
                .withNamespace(namespace)
                .withLabels(template.getMetadata().getLabels())
                .endMetadata()
                .withSpec(template.getSpec())
                .build())
        .create();
    return jobName;
  }

  /**
   * The VPS alpha labelled backup=daily, covered by the policy daily that selects that label (with
   * {@code retries}), its CronJob made; S3 accepts the credentials unless the key is wrong.
   */
  private void alphaLabelledForDaily(String secretKey, int retries) {
    credentials("s3-lyon", bucket.accessKeyId(), secretKey);
    var vps = VpsFixtures.vps(namespace, "alpha");
    vps.getMetadata().setLabels(new java.util.HashMap<>(Map.of("backup", "daily")));
    create(vps);
    client
        .resource(
            policy(
                "daily",
                "lyon-1",
                s -> {
                  s.setRetries(retries);
                  s.setVpsSelector(
                      new LabelSelectorBuilder()
                          .withMatchLabels(Map.of("backup", "daily"))
                          .build());
                }))
        .create();
    await().atMost(Duration.ofSeconds(30)).until(() -> cronJob("daily", "alpha") != null);
  }

  /**
   * Sets (or with a null value removes) a label of a VPS, as kubectl label does, retrying when the
   * operator wrote the VPS in between.
   */
  private void label(String vps, String key, String value) {
    editSpec(
        vps,
        v -> {
          if (value == null) {
            v.getMetadata().getLabels().remove(key);
          } else {
            v.getMetadata().getLabels().put(key, value);
          }
        });
  }

  /** A second policy, on another bucket, that backs up the VPSs labelled backup=elsewhere. */
  private void elsewherePolicy(BackupTarget other) {
    var policy =
        BackupFixtures.policy(
            namespace,
            "elsewhere",
            other.endpoint().toString(),
            other.bucket(),
            "lyon-1",
            "s3-lyon");
    policy
        .getSpec()
        .setVpsSelector(
            new LabelSelectorBuilder().withMatchLabels(Map.of("backup", "elsewhere")).build());
    client.resource(policy).create();
  }

  private io.fabric8.kubernetes.api.model.batch.v1.Job pruneJob(String policy) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withName(BackupJobDesign.pruneJobName(policy, "alpha"))
        .get();
  }

  /** The VPS alpha, covered by the policy daily with working credentials, its CronJob made. */
  private void dailyBackupsOfAlpha() {
    credentials("s3-lyon", bucket.accessKeyId(), bucket.secretAccessKey());
    create(VpsFixtures.vps(namespace, "alpha"));
    client.resource(policy("daily", "lyon-1", s -> {})).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> cronJob("daily", "alpha") != null);
  }

  /** Runs the VPS's CronJob now and waits for the policy to show its success. */
  private BackupPolicyStatus.Backup backedUp(String policy, String vps, String jobName) {
    runNow(policy, vps, jobName);
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(entry(policy, vps).lastSuccess()).isNotNull());
    return entry(policy, vps).lastSuccess();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void oneCronJobPerCoveredVpsTheSameDatacenterRefusedAndAQuietResyncWritesNothing() {
    credentials("s3-lyon", "id", "not-a-real-secret-value");
    create(VpsFixtures.vps(namespace, "alpha"));
    create(VpsFixtures.vps(namespace, "bravo"));
    var local = VpsFixtures.vps(namespace, "charlie");
    local.getSpec().setLocation("lyon-1");
    create(local);
    client.resource(policy("daily", "lyon-1", s -> {})).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(cronJob("daily", "alpha")).isNotNull();
              assertThat(cronJob("daily", "bravo")).isNotNull();
              assertThat(condition(policy("daily"), "OffSite"))
                  .startsWith("False")
                  .contains("spec.target.location lyon-1 equals the location of VPS charlie")
                  .contains("another datacenter (contract article 3)");
            });
    assertThat(cronJob("daily", "charlie"))
        .as("no backup kept in the VPS's own datacenter")
        .isNull();
    var status = policy("daily").getStatus();
    assertThat(status.covered()).isEqualTo(2);
    assertThat(status.refused())
        .extracting(BackupPolicyStatus.Refusal::name)
        .containsExactly("charlie");
    assertThat(status.refusedCount()).isEqualTo(1);
    assertThat(status.vps()).as("each VPS has a BackupRecord instead").isNull();
    assertThat(records("daily"))
        .extracting(BackupPolicyStatus.VpsBackups::name)
        .containsExactlyInAnyOrder("alpha", "bravo");
    // the VPS finds its refusal from the policy's spec (the status lists only the first few)
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(conditionReason(vps("charlie"), "BackedUp")).isEqualTo("Refused"));
    assertThat(events("daily"))
        .filteredOn(e -> "SameDatacenter".equals(e.getReason()))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .contains("spec.target.location lyon-1 equals the location of VPS charlie")
                    .contains("contract article 3"));

    var cron = cronJob("daily", "alpha");
    var spec = cron.getSpec();
    assertThat(spec.getSchedule()).matches("\\d{1,2} [1-4] \\* \\* \\*");
    assertThat(spec.getTimeZone()).isEqualTo("Etc/UTC");
    assertThat(spec.getConcurrencyPolicy()).isEqualTo("Forbid");
    var job = spec.getJobTemplate().getSpec();
    assertThat(job.getBackoffLimit()).isEqualTo(2);
    var container = job.getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getArgs())
        .containsSubsequence("backup", "--vps", "alpha", "--method", "VirtualMachineExport")
        .containsSubsequence("--retention-days", "15");
    assertThat(Serialization.asJson(cron)).doesNotContain("not-a-real-secret-value");
    assertThat(
            container.getEnv().stream()
                .filter(e -> e.getName().endsWith("SECRET_ACCESS_KEY"))
                .findFirst()
                .orElseThrow()
                .getValueFrom()
                .getSecretKeyRef()
                .getName())
        .isEqualTo("s3-lyon");
    assertThat(cron.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("BackupPolicy");
    // the Job and its pods say which VPS they serve by a label no VPS selector reads
    assertThat(job.getTemplate().getMetadata().getLabels())
        .containsEntry(BackupJobDesign.VPS_LABEL, "alpha")
        .doesNotContainKey(VpsLabels.VPS);
    var account = BackupJobDesign.serviceAccountName("daily");
    assertThat(client.serviceAccounts().inNamespace(namespace).withName(account).get()).isNotNull();
    assertThat(client.resources(Role.class).inNamespace(namespace).withName(account).get())
        .as("no Role of the operator's: the chart's backup ClusterRole is bound")
        .isNull();
    var binding =
        client.resources(RoleBinding.class).inNamespace(namespace).withName(account).get();
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo("odoovps-operator-backup");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(account);
              assertThat(s.getNamespace()).isEqualTo(namespace);
            });
    // the export token: one Secret per VPS, owned by its CronJob, read by the kubelet only
    var tokenSecret = BackupJobDesign.exportTokenSecretName("daily", "alpha");
    var token = client.secrets().inNamespace(namespace).withName(tokenSecret).get();
    assertThat(token.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("CronJob");
              assertThat(o.getUid()).isEqualTo(cron.getMetadata().getUid());
            });
    assertThat(token.getMetadata().getLabels())
        .containsEntry(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR)
        .containsEntry(BackupJobDesign.VPS_LABEL, "alpha");
    var tokenValue =
        new String(
            java.util.Base64.getDecoder().decode(token.getData().get(ExportToken.KEY)),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(tokenValue).matches("[0-9a-f]{64}");
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo(ExportToken.VALUE_ENV);
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(tokenSecret);
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(ExportToken.KEY);
            })
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo(ExportToken.SECRET_ENV);
              assertThat(e.getValue()).isEqualTo(tokenSecret);
            });
    assertThat(Serialization.asJson(cron)).doesNotContain(tokenValue);
    assertThat(Serialization.asJson(policy("daily"))).doesNotContain(tokenValue);
    assertThat(entry("daily", "alpha").nextRun()).isNotNull();

    // a VPS that leaves the selector loses its CronJob, and only that
    client
        .resources(BackupPolicy.class)
        .inNamespace(namespace)
        .withName("daily")
        .edit(
            p -> {
              p.getSpec()
                  .setVpsSelector(
                      new LabelSelectorBuilder().withMatchLabels(Map.of("tier", "gold")).build());
              return p;
            });
    editSpec("alpha", v -> v.getMetadata().setLabels(Map.of("tier", "gold")));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(cronJob("daily", "bravo")).isNull();
              assertThat(cronJob("daily", "alpha")).isNotNull();
            });
    // bravo's export token goes with its CronJob (garbage collection); alpha's belongs to its
    // CronJob of now (alpha left the selector a moment, between the two edits above)
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .secrets()
                          .inNamespace(namespace)
                          .withName(BackupJobDesign.exportTokenSecretName("daily", "bravo"))
                          .get())
                  .isNull();
              assertThat(
                      client
                          .secrets()
                          .inNamespace(namespace)
                          .withName(tokenSecret)
                          .get()
                          .getMetadata()
                          .getOwnerReferences())
                  .singleElement()
                  .satisfies(
                      o ->
                          assertThat(o.getUid())
                              .isEqualTo(cronJob("daily", "alpha").getMetadata().getUid()));
            });

    // the VPSs show what the policy's status says of them (BackedUp), then all is quiet
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(vps("alpha").getStatus().getBackup().policy()).isEqualTo("daily");
              assertThat(conditionReason(vps("bravo"), "BackedUp")).isEqualTo("NotCovered");
              assertThat(conditionReason(vps("charlie"), "BackedUp")).isEqualTo("NotCovered");
            });
    var audit = ControlPlane.get().auditLog();
    var mark = audit.mark();
    await()
        .pollDelay(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(audit.writesSince(mark, ControlPlane.OPERATOR_USER_AGENT))
                    .as("writes by the operator during a quiet resync")
                    .isEmpty());

    // no backup ever succeeded a day and more after the CronJob was made: stale too
    clock.set(java.time.Instant.now().plus(Duration.ofHours(27)));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(condition(policy("daily"), "BackupsCurrent"))
                    .startsWith("False")
                    .contains("alpha"));
    assertThat(backups.metrics().stale(namespace, "daily")).isEqualTo(1);

    // a snapshot a killed backup pod left behind is swept once no run can still use it
    var leftover = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    leftover.setApiVersion("snapshot.kubevirt.io/v1beta1");
    leftover.setKind("VirtualMachineSnapshot");
    leftover.setMetadata(
        new ObjectMetaBuilder()
            .withName("alpha-backup-left")
            .withNamespace(namespace)
            .withLabels(
                Map.of(
                    "app.kubernetes.io/managed-by", "odoovps-operator", "odoovps.io/vps", "alpha"))
            .build());
    leftover.setAdditionalProperty(
        "spec",
        Map.of(
            "source",
            Map.of("apiGroup", "kubevirt.io", "kind", "VirtualMachine", "name", "alpha")));
    client.resource(leftover).create();
    var leftoverExport = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    leftoverExport.setApiVersion("export.kubevirt.io/v1beta1");
    leftoverExport.setKind("VirtualMachineExport");
    leftoverExport.setMetadata(
        new ObjectMetaBuilder()
            .withName("alpha-backup-left")
            .withNamespace(namespace)
            .withLabels(Map.of("app.kubernetes.io/managed-by", "odoovps-operator"))
            .build());
    leftoverExport.setAdditionalProperty(
        "spec",
        Map.of(
            "source",
            Map.of(
                "apiGroup",
                "snapshot.kubevirt.io",
                "kind",
                "VirtualMachineSnapshot",
                "name",
                "alpha-backup-left"),
            "tokenSecretRef",
            tokenSecret));
    client.resource(leftoverExport).create();
    clock.advance(
        Duration.ofMinutes(20)); // past the sweep interval; the clock is already a day ahead
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        List.of(
                            VirtualMachineExportMethod.SNAPSHOTS,
                            VirtualMachineExportMethod.EXPORTS))
                    .allSatisfy(
                        kind ->
                            assertThat(
                                    client
                                        .genericKubernetesResources(kind)
                                        .inNamespace(namespace)
                                        .withName("alpha-backup-left")
                                        .get())
                                .isNull()));
    // the Event follows the deletion
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(eventReasons("daily")).contains("LeftoverDeleted"));

    // a deleted policy takes its gauges along
    client.resources(BackupPolicy.class).inNamespace(namespace).withName("daily").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(backups.metrics().stale(namespace, "daily")).isZero());
  }

  /**
   * An upgrade: the policy's status as the release before BackupRecords wrote it, with the
   * operator's own field manager, lists alpha's entry. The operator moves it into alpha's record,
   * kept backups and all, and its next status apply drops the list.
   */
  @Test
  void theEntriesAReleaseBeforeKeptInThePolicysStatusMoveIntoBackupRecords() {
    credentials("s3-lyon", "id", "not-a-real-secret-value");
    client.resource(policy("daily", "lyon-1", s -> {})).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> policy("daily").getStatus().observedGeneration() != null);
    var manager =
        policy("daily").getMetadata().getManagedFields().stream()
            .filter(f -> "status".equals(f.getSubresource()))
            .map(f -> f.getManager())
            .findFirst()
            .orElseThrow();
    var kept =
        new BackupPolicyStatus.Backup(
            "20260301T024600Z", "2026-03-01T02:46:00Z", 4096L, "0".repeat(64));
    var old =
        new BackupPolicyStatus.VpsBackups(
            "alpha",
            "paris-1",
            null,
            null,
            null,
            kept,
            null,
            List.of(kept),
            1,
            kept.time(),
            null,
            null,
            null,
            null);
    var before = policy("daily").getStatus();
    var legacy = new BackupPolicy();
    legacy.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("daily")
            .withNamespace(namespace)
            .build());
    legacy.setStatus(
        new BackupPolicyStatus(
            before.observedGeneration(),
            before.conditions(),
            1,
            0,
            kept.time(),
            null,
            null,
            List.of(old),
            null,
            null));
    client
        .resources(BackupPolicy.class)
        .inNamespace(namespace)
        .withName("daily")
        .subresource("status")
        .patch(
            new io.fabric8.kubernetes.client.dsl.base.PatchContext.Builder()
                .withPatchType(io.fabric8.kubernetes.client.dsl.base.PatchType.SERVER_SIDE_APPLY)
                .withFieldManager(manager)
                .withForce(true)
                .build(),
            legacy);
    assertThat(policy("daily").getStatus().vps()).containsExactly(old);

    create(VpsFixtures.vps(namespace, "alpha")); // its event reconciles the policy

    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var entry = entry("daily", "alpha"); // asserts the status lists no VPS
              assertThat(entry.lastSuccess()).isEqualTo(kept);
              assertThat(entry.kept()).containsExactly(kept);
              assertThat(entry.cronJob()).isEqualTo(BackupJobDesign.cronJobName("daily", "alpha"));
              assertThat(policy("daily").getStatus().lastSuccess()).isEqualTo(kept.time());
            });
  }

  @Test
  void theApiServerRefusesABucketInACoveredDatacenterAndAShortRetention() {
    assertThatThrownBy(
            () ->
                client
                    .resource(policy("same", "paris-1", s -> s.setLocations(List.of("paris-1"))))
                    .create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.target.location must be another datacenter");
    assertThatThrownBy(
            () -> client.resource(policy("short", "lyon-1", s -> s.setRetentionDays(10))).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.retentionDays");
    var created =
        client.resource(policy("fine", "lyon-1", s -> s.setLocations(List.of("paris-1")))).create();
    assertThat(created.getSpec().getRetentionDays()).isEqualTo(15);
    assertThat(created.getSpec().getMethod())
        .isEqualTo(BackupPolicySpec.Method.VirtualMachineExport);
  }

  @Test
  void aWeeklyScheduleOrMissingCredentialsBecomeConditionsAndEventsAndCreateNothing() {
    create(VpsFixtures.vps(namespace, "alpha"));
    client.resource(policy("weekly", "lyon-1", s -> s.setSchedule("0 3 * * 1"))).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(condition(policy("weekly"), "ScheduleValid"))
                  .startsWith("False")
                  .contains("day-of-week")
                  .contains("every 24 hours");
              assertThat(condition(policy("weekly"), "CredentialsFound"))
                  .startsWith("False")
                  .contains("spec.target.credentialsSecret");
            });
    assertThat(eventReasons("weekly")).contains("NotDaily", "SecretMissing");
    assertThat(cronJob("weekly", "alpha")).isNull();
  }

  @Test
  void aBackupRunGoesToS3ThroughTheCronJobsPodAndARestoreBringsTheSameBytesBackTwiceAMonth()
      throws Exception {
    var disk = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(disk);
    for (int i = 0; i < disk.length / 2; i++) {
      disk[i] = (byte) (i % 7); // a compressible half, like a real disk
    }
    dailyBackupsOfAlpha();

    try (var kubevirt = new KubeVirtExportSimulator(client, namespace, () -> disk);
        var kubelet = kubelet();
        var virt = new VirtControllerSimulator(client, namespace)) {
      backedUp("daily", "alpha", "alpha-manual-1");
      var success = entry("daily", "alpha").lastSuccess();
      assertThat(kubelet.runs()).hasSize(1);
      assertThat(kubelet.runs().get(0).exitCode()).as(kubelet.runs().get(0).stderr()).isZero();
      try (var s3client = bucket.client()) {
        var stored =
            s3client
                .getObjectAsBytes(
                    b ->
                        b.bucket(bucket.bucket())
                            .key("backups/" + namespace + "/alpha/" + success.backupId() + "/data"))
                .asByteArray();
        assertThat(success.sha256()).isEqualTo(sha256(stored));
        assertThat(success.sizeBytes()).isEqualTo(stored.length);
        assertThat(stored.length).as("gzip of a half-compressible disk").isLessThan(disk.length);
      }
      assertThat(entry("daily", "alpha").kept())
          .extracting(BackupPolicyStatus.Backup::backupId)
          .containsExactly(success.backupId());
      assertThat(policy("daily").getStatus().lastSuccess()).isEqualTo(success.time());
      assertThat(eventReasons("daily")).contains("BackupSucceeded");
      assertThat(condition(policy("daily"), "Ready")).startsWith("True");

      // restore: the VM is held stopped, the Job verifies the backup, keeps the disk as it was
      // and writes it; the restore succeeds once the VM is ready on the restored disk
      var restoreRequest = restore("first", success.backupId());
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(restore("first").getStatus().phase()).isEqualTo(Phase.Succeeded));
      assertThat(restoreRequest).isNotNull();
      var restored = Files.readAllBytes(kubelet.claim("alpha-disk").resolve("disk.img"));
      assertThat(sha256(restored)).as("restored disk").isEqualTo(sha256(disk));
      var done = restore("first").getStatus();
      assertThat(done.sha256()).isEqualTo(success.sha256());
      assertThat(done.restoresLeftThisMonth()).isEqualTo(1);
      assertThat(eventReasons("alpha")).contains("RestoreAccepted", "RestoreSucceeded");
      var restoreRun =
          kubelet.runs().stream().filter(r -> r.args().get(0).equals("restore")).findFirst();
      assertThat(restoreRun).isPresent();
      assertThat(restoreRun.get().stderr()).contains("SHA-256 verified");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(vm("alpha").getSpec().runStrategy())
                      .isEqualTo(VirtualMachineSpec.RUN_ALWAYS));

      restore("second", success.backupId());
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(restore("second").getStatus().phase()).isEqualTo(Phase.Succeeded));
      restore("third", success.backupId());
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(restore("third").getStatus().phase()).isEqualTo(Phase.Rejected));
      assertThat(restore("third").getStatus().message())
          .contains("at most 2 restores per calendar month")
          .contains("2026-04-01");
      assertThat(eventReasons("third")).contains("RestoreRejected");
      // deleting the requests does not give restores back: the ledger remembers them
      client.resources(OdooVpsRestore.class).inNamespace(namespace).withName("first").delete();
      client.resources(OdooVpsRestore.class).inNamespace(namespace).withName("second").delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> restore("first") == null && restore("second") == null);
      restore("fourth", success.backupId());
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(restore("fourth").getStatus().phase()).isEqualTo(Phase.Rejected));
      assertThat(restore("fourth").getStatus().message()).contains("2 already carried out");

      // a day and more without a new backup: the policy says the backup is stale
      clock.advance(Duration.ofHours(27));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(condition(policy("daily"), "BackupsCurrent"))
                      .startsWith("False")
                      .contains("alpha"));

      // the end of the contract: the policy records it, the backups stay for the purge grace
      editSpec("alpha", v -> v.getSpec().setTermination(new TerminationSpec("alpha")));
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                var ended = entry("daily", "alpha");
                assertThat(ended.terminatedAt()).isEqualTo("2026-03-02T13:00:00Z");
                assertThat(ended.purgeAfter()).isEqualTo("2026-03-09T13:00:00Z");
                assertThat(eventReasons("daily")).contains("TerminationRecorded");
              });
      clock.advance(Duration.ofDays(7).minusHours(1));
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
      try (var s3client = bucket.client()) {
        assertThat(
                s3client
                    .listObjectsV2(
                        b -> b.bucket(bucket.bucket()).prefix("backups/" + namespace + "/alpha/"))
                    .contents())
            .as("within the purge grace, alpha's backups are kept")
            .isNotEmpty();
      }
      // past the grace, a purge Job deletes what was taken until the termination
      clock.advance(Duration.ofHours(2));
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(records("daily")).isEmpty();
                assertThat(eventReasons("daily")).contains("BackupsDeleted");
              });
      assertThat(kubelet.runs().stream().filter(r -> r.args().get(0).equals("purge")))
          .singleElement()
          .satisfies(r -> assertThat(r.args()).containsSequence("--until", "2026-03-02T13:00:00Z"));
      try (var s3client = bucket.client()) {
        assertThat(
                s3client
                    .listObjectsV2(
                        b -> b.bucket(bucket.bucket()).prefix("backups/" + namespace + "/alpha/"))
                    .contents())
            .as("nothing of alpha left in the bucket")
            .isEmpty();
      }
      assertThat(cronJob("daily", "alpha")).isNull();
    }
  }

  @Test
  void
      aVpsBackedUpElsewhereNowKeepsItsBackupsHereRestorableUntilTheyAgeOutThenAPruneJobDeletesThem()
          throws Exception {
    alphaLabelledForDaily(bucket.secretAccessKey(), 2);
    elsewherePolicy(s3.bucket("offsite-lyon-2"));
    try (var kubevirt = new KubeVirtExportSimulator(client, namespace, () -> new byte[64 * 1024]);
        var kubelet = kubelet()) {
      backedUp("daily", "alpha", "alpha-manual-1");
      var backupId = entry("daily", "alpha").lastSuccess().backupId();
      var dataKey = "backups/" + namespace + "/alpha/" + backupId + "/data";

      // the VPS moves to the other policy: its CronJob here goes, its entry and backups stay
      label("alpha", "backup", "elsewhere");
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(cronJob("daily", "alpha")).isNull();
                assertThat(cronJob("elsewhere", "alpha")).isNotNull();
                var left = entry("daily", "alpha");
                assertThat(left.leftPolicyAt()).isEqualTo("2026-03-01T10:00:00Z");
                assertThat(left.cronJob()).isNull();
                assertThat(left.nextRun()).isNull();
                assertThat(left.kept())
                    .extracting(BackupPolicyStatus.Backup::backupId)
                    .containsExactly(backupId);
              });
      assertThat(eventReasons("daily")).contains("VpsLeftPolicy");
      assertThat(condition(policy("daily"), "BackupsCurrent"))
          .as("a VPS that left is not expected to back up")
          .startsWith("True");

      // 14 days on (the policy reconciles every second in tests), the backup is within the
      // retention: kept, nothing deleted
      clock.advance(Duration.ofDays(14));
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(pruneJob("daily")).isNull();
      try (var s3 = bucket.client()) {
        assertThat(s3.headObject(b -> b.bucket(bucket.bucket()).key(dataKey)).contentLength())
            .isPositive();
      }

      // past the 15 days: a prune Job deletes it, then the entry and the Job go
      clock.advance(Duration.ofDays(2));
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(records("daily"))
                      .as("the entry goes once the backups are deleted")
                      .isNullOrEmpty());
      var prune = kubelet.runs().stream().filter(r -> r.args().get(0).equals("prune")).findFirst();
      assertThat(prune).isPresent();
      assertThat(prune.get().exitCode()).as(prune.get().stderr()).isZero();
      assertThat(prune.get().args()).containsSequence("--retention-days", "15");
      try (var s3 = bucket.client()) {
        assertThat(
                s3.listObjectsV2(
                        b -> b.bucket(bucket.bucket()).prefix("backups/" + namespace + "/alpha/"))
                    .contents())
            .as("nothing of alpha is left in the bucket")
            .isEmpty();
      }
      assertThat(eventReasons("daily")).contains("BackupsAgedOut");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(pruneJob("daily"))
                      .as("the prune Job is deleted, so that a later departure runs a new one")
                      .isNull());
    }
  }

  /** Issue 14, attack 11: a selector or label typo must not age out the VPS's backups. */
  @Test
  void aVpsThatNoPolicyBacksUpAnyMoreKeepsItsBackupsPastTheRetentionAndSaysSo() throws Exception {
    alphaLabelledForDaily(bucket.secretAccessKey(), 2);
    try (var kubevirt = new KubeVirtExportSimulator(client, namespace, () -> new byte[64 * 1024]);
        var kubelet = kubelet()) {
      backedUp("daily", "alpha", "alpha-manual-1");
      var backupId = entry("daily", "alpha").lastSuccess().backupId();
      var dataKey = "backups/" + namespace + "/alpha/" + backupId + "/data";
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(conditionReason(vps("alpha"), "BackedUp")).isEqualTo("BackedUp"));

      label("alpha", "backup", "dialy"); // a typo
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(cronJob("daily", "alpha")).isNull();
                assertThat(entry("daily", "alpha").leftPolicyAt()).isNotNull();
                assertThat(conditionReason(vps("alpha"), "BackedUp")).isEqualTo("NotCovered");
              });
      assertThat(events("daily"))
          .anySatisfy(
              e -> {
                assertThat(e.getReason()).isEqualTo("VpsLeftPolicy");
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getMessage()).contains("no other BackupPolicy backs it up");
              });
      var backedUp =
          ConditionList.find(vps("alpha").getStatus().getConditions(), "BackedUp").orElseThrow();
      assertThat(backedUp.getMessage()).contains("spec.vpsSelector", "its backups are kept");

      // far past the retention: nothing is pruned, the backups stay restorable
      clock.advance(Duration.ofDays(40));
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(pruneJob("daily")).isNull();
      assertThat(kubelet.runs()).noneMatch(r -> r.args().get(0).equals("prune"));
      assertThat(entry("daily", "alpha").kept())
          .extracting(BackupPolicyStatus.Backup::backupId)
          .containsExactly(backupId);
      try (var s3 = bucket.client()) {
        assertThat(s3.headObject(b -> b.bucket(bucket.bucket()).key(dataKey)).contentLength())
            .isPositive();
      }
      assertThat(vps("alpha").getStatus().getBackup().notCoveredSince()).isNotNull();
    }
  }

  /** Issue 14, attack 2: an OdooVps that is merely absent purges nothing. */
  @Test
  void aVpsThatIsGoneWithoutATerminationKeepsItsBackups() throws Exception {
    alphaLabelledForDaily(bucket.secretAccessKey(), 2);
    try (var kubevirt = new KubeVirtExportSimulator(client, namespace, () -> new byte[64 * 1024]);
        var kubelet = kubelet()) {
      backedUp("daily", "alpha", "alpha-manual-1");
      var backupId = entry("daily", "alpha").lastSuccess().backupId();
      var dataKey = "backups/" + namespace + "/alpha/" + backupId + "/data";

      // the object goes without a termination (a stripped finalizer in an unguarded namespace)
      client
          .resources(io.odoovps.operator.api.v1alpha1.odoovps.OdooVps.class)
          .inNamespace(namespace)
          .withName("alpha")
          .delete();
      editSpec("alpha", v -> v.getMetadata().setFinalizers(List.of()));
      await().atMost(Duration.ofSeconds(30)).until(() -> vps("alpha") == null);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(entry("daily", "alpha").missingSince()).isNotNull();
                assertThat(eventReasons("daily")).contains("VpsMissing");
              });
      clock.advance(Duration.ofDays(40));
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(kubelet.runs())
          .noneMatch(r -> List.of("purge", "prune").contains(r.args().get(0)));
      try (var s3 = bucket.client()) {
        assertThat(s3.headObject(b -> b.bucket(bucket.bucket()).key(dataKey)).contentLength())
            .isPositive();
      }
      assertThat(entry("daily", "alpha").kept())
          .extracting(BackupPolicyStatus.Backup::backupId)
          .containsExactly(backupId);
    }
  }

  @Test
  void aVpsMovedToAnotherPolicyOnTheSameBucketIsHandedOverNotPruned() {
    credentials("s3-lyon", bucket.accessKeyId(), bucket.secretAccessKey());
    var vps = VpsFixtures.vps(namespace, "alpha");
    vps.getMetadata().setLabels(new java.util.HashMap<>(Map.of("tier", "silver")));
    create(vps);
    for (var tier : List.of("silver", "gold")) {
      client
          .resource(
              policy(
                  tier,
                  "lyon-1",
                  s -> {
                    s.setVpsSelector(
                        new LabelSelectorBuilder().withMatchLabels(Map.of("tier", tier)).build());
                    if (tier.equals("gold")) {
                      s.setRetentionDays(30);
                    }
                  }))
          .create();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> cronJob("silver", "alpha") != null);

    label("alpha", "tier", "gold");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(cronJob("gold", "alpha")).isNotNull();
              assertThat(cronJob("silver", "alpha")).isNull();
              // gold, on the same bucket, keeps alpha's backups by its own 30 days: handed over
              assertThat(records("silver")).isNullOrEmpty();
              assertThat(eventReasons("silver")).contains("BackupsHandedOver");
            });

    // past silver's 15 days: silver must not prune them by its shorter retention
    clock.advance(Duration.ofDays(16));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(pruneJob("silver")).as("no prune by the policy alpha left").isNull();
  }

  @Test
  void aFailedPruneCountsAsFailingAndIsRunAgainAnHourLaterUntilItSucceeds() {
    alphaLabelledForDaily("a-wrong-secret-key", 0);
    elsewherePolicy(s3.bucket("offsite-lyon-3"));
    label("alpha", "backup", "elsewhere");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(entry("daily", "alpha").leftPolicyAt()).isNotNull());

    try (var kubelet = kubelet()) {
      // no backup on record: the retention counts from the departure; the prune fails (S3 refuses)
      clock.advance(Duration.ofDays(16));
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                var failure = entry("daily", "alpha").lastFailure();
                assertThat(failure.job()).isEqualTo(BackupJobDesign.pruneJobName("daily", "alpha"));
                assertThat(failure.reason()).contains("deleting the aged-out backups");
                assertThat(policy("daily").getStatus().failing()).isEqualTo(1);
              });
      assertThat(eventReasons("daily")).contains("BackupDeletionFailed");
      assertThat(condition(policy("daily"), "BackupsSucceeding")).startsWith("False");

      // the credentials are fixed; an hour after the failure a new prune Job runs and succeeds
      client
          .secrets()
          .inNamespace(namespace)
          .withName("s3-lyon")
          .edit(
              secret -> {
                secret.setData(null);
                secret.setStringData(
                    Map.of(
                        BackupJobDesign.ACCESS_KEY_ID, bucket.accessKeyId(),
                        BackupJobDesign.SECRET_ACCESS_KEY, bucket.secretAccessKey()));
                return secret;
              });
      // (the Job controller dates the failure by the real clock, so the test clock joins it)
      clock.set(java.time.Instant.now().plus(BackupDepartures.BUCKET_JOB_RETRY.plusMinutes(1)));
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(records("daily")).isNullOrEmpty();
                assertThat(eventReasons("daily")).contains("BackupsAgedOut");
              });
      assertThat(kubelet.runs().stream().filter(r -> r.args().get(0).equals("prune")))
          .as("the failed run and the one after it")
          .hasSize(2);
      assertThat(policy("daily").getStatus().failing()).isZero();
    }
  }

  @Test
  void aFailingRunIsRetriedABoundedNumberOfTimesThenReportedByConditionEventAndMetric() {
    credentials("s3-lyon", bucket.accessKeyId(), "a-wrong-secret-key");
    create(VpsFixtures.vps(namespace, "alpha"));
    client.resource(policy("daily", "lyon-1", s -> s.setRetries(1))).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> cronJob("daily", "alpha") != null);
    try (var kubevirt = new KubeVirtExportSimulator(client, namespace, () -> new byte[4096]);
        var kubelet = kubelet()) {
      runNow("daily", "alpha", "alpha-manual-1");
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(entry("daily", "alpha").lastFailure()).isNotNull());
      var failure = entry("daily", "alpha").lastFailure();
      assertThat(failure.attempts()).as("one try and one retry").isEqualTo(2);
      assertThat(kubelet.runs()).hasSize(2);
      assertThat(failure.reason())
          .contains("backup of alpha failed")
          .contains("BackoffLimitExceeded");
      assertThat(failure.reason()).doesNotContain("a-wrong-secret-key");
      assertThat(condition(policy("daily"), "BackupsSucceeding"))
          .startsWith("False")
          .contains("alpha");
      assertThat(eventReasons("daily")).contains("BackupFailed");
      assertThat(eventReasons("alpha")).contains("BackupFailed");
      assertThat(backups.metrics().failing(namespace, "daily")).isEqualTo(1);
      assertThat(backups.metrics().runs("failure"))
          .as("odoovps_backup_runs_total{result=failure}")
          .isEqualTo(1.0);
      assertThat(policy("daily").getStatus().failing()).isEqualTo(1);

      // the next day's run succeeds: the failure stays on record, the VPS is no longer failing
      client
          .secrets()
          .inNamespace(namespace)
          .withName("s3-lyon")
          .edit(
              s -> {
                s.setData(null);
                s.setStringData(
                    Map.of(
                        BackupJobDesign.ACCESS_KEY_ID, bucket.accessKeyId(),
                        BackupJobDesign.SECRET_ACCESS_KEY, bucket.secretAccessKey()));
                return s;
              });
      clock.set(java.time.Instant.now().plus(Duration.ofDays(1)));
      runNow("daily", "alpha", "alpha-manual-2");
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(entry("daily", "alpha").lastSuccess()).isNotNull();
                assertThat(condition(policy("daily"), "BackupsSucceeding")).startsWith("True");
              });
      var after = policy("daily").getStatus();
      assertThat(entry("daily", "alpha").lastFailure())
          .as("the most recent failed run is kept after a success")
          .isEqualTo(failure);
      assertThat(after.lastFailure()).isEqualTo(failure.time());
      assertThat(after.failing()).isZero();
      assertThat(backups.metrics().failing(namespace, "daily"))
          .as("the failing gauge clears on success")
          .isZero();
      assertThat(backups.metrics().runs("success")).isEqualTo(1.0);
      assertThat(backups.metrics().runs("failure")).isEqualTo(1.0);
    }
  }

  @Test
  void aRunOfTheReleaseBeforeLabelledWithTheVpsLabelStillCountsAfterTheUpgrade() throws Exception {
    dailyBackupsOfAlpha();
    // a Job as releases before BackupJobDesign.VPS_LABEL made it: the VPS's own label instead
    var template = cronJob("daily", "alpha").getSpec().getJobTemplate();
    var legacy = new java.util.HashMap<>(template.getMetadata().getLabels());
    legacy.remove(BackupJobDesign.VPS_LABEL);
    legacy.put(BackupJobDesign.LEGACY_VPS_LABEL, "alpha");
    var spec = template.getSpec();
    spec.getTemplate().getMetadata().setLabels(legacy);
    try (var kubevirt = new KubeVirtExportSimulator(client, namespace, () -> new byte[8192]);
        var kubelet = kubelet()) {
      client
          .resource(
              new JobBuilder()
                  .withNewMetadata()
                  .withName("alpha-before-upgrade")
                  .withNamespace(namespace)
                  .withLabels(legacy)
                  .endMetadata()
                  .withSpec(spec)
                  .build())
          .create();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(entry("daily", "alpha").lastSuccess()).isNotNull());
      assertThat(kubelet.runs()).singleElement().satisfies(r -> assertThat(r.exitCode()).isZero());
      assertThat(entry("daily", "alpha").kept()).hasSize(1);
      assertThat(eventReasons("daily")).contains("BackupSucceeded");
    }
  }

  @Test
  void theRoleBindingOfTheReleaseBeforeIsReplacedByOneToTheBackupClusterRole() {
    credentials("s3-lyon", "id", "not-a-real-secret-value");
    create(VpsFixtures.vps(namespace, "alpha"));
    // what releases before the chart's backup ClusterRole wrote: a Role over every Secret of the
    // namespace, bound to the policy's ServiceAccount
    var account = BackupJobDesign.serviceAccountName("daily");
    var labels =
        Map.of(
            VpsLabels.MANAGED_BY,
            VpsLabels.OPERATOR,
            BackupJobDesign.COMPONENT,
            "backup",
            BackupJobDesign.POLICY_LABEL,
            "daily");
    client
        .resource(
            new io.fabric8.kubernetes.api.model.rbac.RoleBuilder()
                .withNewMetadata()
                .withName(account)
                .withNamespace(namespace)
                .withLabels(labels)
                .endMetadata()
                .addNewRule()
                .withApiGroups("")
                .withResources("secrets")
                .withVerbs("create", "get", "update", "patch", "delete")
                .endRule()
                .build())
        .create();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
                .withNewMetadata()
                .withName(account)
                .withNamespace(namespace)
                .withLabels(labels)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", account)
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(account)
                .withNamespace(namespace)
                .endSubject()
                .build())
        .create();
    var backupPod = "system:serviceaccount:" + namespace + ":" + account;
    await().atMost(Duration.ofSeconds(10)).until(() -> mayGetSecrets(backupPod));

    client.resource(policy("daily", "lyon-1", s -> {})).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(RoleBinding.class)
                            .inNamespace(namespace)
                            .withName(account)
                            .get()
                            .getRoleRef()
                            .getKind())
                    .isEqualTo("ClusterRole"));
    assertThat(
            client
                .resources(RoleBinding.class)
                .inNamespace(namespace)
                .withName(account)
                .get()
                .getRoleRef()
                .getName())
        .isEqualTo("odoovps-operator-backup");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(mayGetSecrets(backupPod))
                    .as("the backup pods lost the old Role's Secrets")
                    .isFalse());
    assertThat(client.resources(Role.class).inNamespace(namespace).withName(account).get())
        .as("the old Role stays, bound to nothing, until the policy goes")
        .isNotNull();
  }

  /** Whether the API server's authorizer lets {@code user} read the namespace's Secrets. */
  private boolean mayGetSecrets(String user) {
    return client
        .authorization()
        .v1()
        .subjectAccessReview()
        .create(
            new io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(user)
                .withGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace)
                .withNewResourceAttributes()
                .withVerb("get")
                .withResource("secrets")
                .withNamespace(namespace)
                .withName("alpha-odoo-admin")
                .endResourceAttributes()
                .endSpec()
                .build())
        .getStatus()
        .getAllowed();
  }

  @Test
  void aRestoreOfACorruptBackupFailsClearlyReleasesTheVmAndDoesNotCountAgainstTheMonth()
      throws Exception {
    var disk = new byte[512 * 1024];
    new Random(11).nextBytes(disk);
    dailyBackupsOfAlpha();

    try (var kubevirt = new KubeVirtExportSimulator(client, namespace, () -> disk);
        var kubelet = kubelet()) {
      backedUp("daily", "alpha", "alpha-manual-1");
      var success = entry("daily", "alpha").lastSuccess();
      // the stored bytes go bad in the bucket (same length, other bytes)
      var garbage = new byte[Math.toIntExact(success.sizeBytes())];
      new Random(12).nextBytes(garbage);
      try (var s3client = bucket.client()) {
        s3client.putObject(
            b ->
                b.bucket(bucket.bucket())
                    .key("backups/" + namespace + "/alpha/" + success.backupId() + "/data"),
            software.amazon.awssdk.core.sync.RequestBody.fromBytes(garbage));
      }
      var phases = new java.util.concurrent.CopyOnWriteArrayList<Phase>();
      try (var watch =
          client
              .resources(OdooVpsRestore.class)
              .inNamespace(namespace)
              .withName("broken")
              .watch(
                  new io.fabric8.kubernetes.client.Watcher<OdooVpsRestore>() {
                    @Override
                    public void eventReceived(Action action, OdooVpsRestore r) {
                      if (r.getStatus() != null && r.getStatus().phase() != null) {
                        phases.add(r.getStatus().phase());
                      }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                  })) {
        var broken = restore("broken", success.backupId());
        await()
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptions()
            .untilAsserted(
                () -> assertThat(restore("broken").getStatus().phase()).isEqualTo(Phase.Failed));
        var failed = restore("broken").getStatus();
        assertThat(failed.message())
            .startsWith("the restore Job failed: ")
            .contains("backup " + success.backupId() + " of alpha is corrupt: SHA-256");
        assertThat(failed.completedAt()).isNotNull();
        assertThat(failed.sha256()).isNull();
        // every status the operator wrote went through the API server: the watch saw each phase
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(phases)
                        .containsSubsequence(Phase.Stopping, Phase.Restoring, Phase.Failed));
        assertThat(events("broken"))
            .filteredOn(e -> "RestoreFailed".equals(e.getReason()))
            .anySatisfy(e -> assertThat(e.getMessage()).contains("is corrupt"));
        assertThat(eventReasons("alpha")).contains("RestoreAccepted", "RestoreFailed");
        assertThat(kubelet.claim("alpha-disk").resolve("disk.img"))
            .as("a backup whose checksum does not match never reaches the disk")
            .doesNotExist();
        // the VM is released
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(vm("alpha").getSpec().runStrategy())
                        .isEqualTo(VirtualMachineSpec.RUN_ALWAYS));
        // and the failed restore does not count: its ledger entry is gone
        var ledger =
            client
                .configMaps()
                .inNamespace(ledgerNamespace)
                .withName("odoovps-restore-ledger")
                .get();
        assertThat(ledger).isNotNull();
        assertThat(String.valueOf(ledger.getData())).doesNotContain(broken.getMetadata().getUid());
      }
      // the request deleted (the cache forgets it), the customer still has both restores
      client.resources(OdooVpsRestore.class).inNamespace(namespace).withName("broken").delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> restore("broken") == null);
      restore("again", success.backupId());
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(restore("again").getStatus().acceptedAt()).isNotNull());
      assertThat(restore("again").getStatus().restoresLeftThisMonth())
          .as("two a month, this one included: the failed one gave its restore back")
          .isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(restore("again").getStatus().phase()).isEqualTo(Phase.Failed));
    }
  }

  private OdooVpsRestore restore(String name, String backupId) {
    var restore = new OdooVpsRestore();
    restore.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    restore.setSpec(new OdooVpsRestoreSpec("alpha", backupId, null));
    return client.resource(restore).create();
  }

  private OdooVpsRestore restore(String name) {
    return client.resources(OdooVpsRestore.class).inNamespace(namespace).withName(name).get();
  }
}
