package io.odoovps.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreSpec;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The monthly restore allowance (contract article 3) on the real API server, across namespaces: one
 * customer (one `spec.customer.id`) with VPSs in two namespaces, counted in one ledger in the
 * operator's namespace. The restores are only accepted here (their VMs are never stopped, no Job
 * runs): acceptance is what counts; BackupPolicyApiServerTest carries restores out.
 */
class RestoreAllowanceApiServerTest extends VpsOperatorTestBase {

  private static final String BACKUP_ID = "20260301T020000Z";
  private String other;
  private String ledgerNamespace;

  @Override
  protected TestOperator newOperator() {
    other = TestNamespaces.create(client, "restore-b");
    ledgerNamespace = TestNamespaces.create(client, "operator");
    var config = TestConfig.with(Map.of("odoovps.restore.ledger-namespace", ledgerNamespace));
    return TestOperator.start(
        Set.of(namespace, other), new OdooVpsRestoreReconciler(config, clock));
  }

  private OdooVps vps(String ns, String name, String id, String email) {
    var vps = VpsFixtures.vps(ns, name);
    vps.getSpec().getCustomer().setId(id);
    vps.getSpec().getCustomer().setEmail(email);
    return client.resource(vps).create();
  }

  /** A BackupPolicy whose status keeps one backup of each of {@code vpss}. */
  private void policyKeeping(String ns, String... vpss) {
    client
        .resource(
            BackupFixtures.policy(
                ns, "daily", "http://s3.lyon.example:9000", "offsite-lyon", "lyon-1", "s3-lyon"))
        .create();
    var backup = new Backup(BACKUP_ID, "2026-03-01T02:00:00Z", 1000L, "ab".repeat(32));
    BackupFixtures.keeping(client, ns, "daily", backup, vpss);
  }

  private OdooVpsRestore restore(String ns, String name, String vps) {
    var restore = new OdooVpsRestore();
    restore.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    restore.setSpec(new OdooVpsRestoreSpec(vps, BACKUP_ID, null));
    return client.resource(restore).create();
  }

  private OdooVpsRestoreStatus status(String ns, String name) {
    var restore = client.resources(OdooVpsRestore.class).inNamespace(ns).withName(name).get();
    return restore == null ? null : restore.getStatus();
  }

  private OdooVpsRestoreStatus awaitPhase(String ns, String name, Phase phase) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(status(ns, name).phase()).isEqualTo(phase));
    return status(ns, name);
  }

  private void delete(String ns, String name) {
    client.resources(OdooVpsRestore.class).inNamespace(ns).withName(name).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> status(ns, name) == null);
  }

  private Map<String, String> ledger(String ns) {
    var map = client.configMaps().inNamespace(ns).withName(RestoreLedger.NAME).get();
    return map == null ? null : map.getData();
  }

  @Test
  void oneCustomerTwoNamespacesTwoRestoresAMonthAndDeletingOrANewEmailGivesNoneBack() {
    vps(namespace, "alpha", "C-1001", "Alice@Acme.example");
    vps(other, "bravo", "C-1001", "accounts@acme.example");
    // the id's letters in another case: the same customer
    vps(other, "charlie", "c-1001", "it@acme.example");
    policyKeeping(namespace, "alpha");
    policyKeeping(other, "bravo", "charlie");

    restore(namespace, "first", "alpha");
    var first = awaitPhase(namespace, "first", Phase.Stopping);
    assertThat(first.customer()).as("the id in lower case").isEqualTo("c-1001");
    assertThat(first.restoresLeftThisMonth()).isEqualTo(1);
    restore(other, "second", "bravo");
    var second = awaitPhase(other, "second", Phase.Stopping);
    assertThat(second.restoresLeftThisMonth())
        .as("the restore in the other namespace counts against the same customer")
        .isZero();

    restore(other, "third", "charlie");
    var third = awaitPhase(other, "third", Phase.Rejected);
    assertThat(third.message())
        .contains("at most 2 restores per calendar month (contract article 3)")
        .contains("2 already carried out in 2026-03")
        .contains("2026-04-01T00:00:00Z");
    assertThat(
            client.v1().events().inNamespace(other).list().getItems().stream()
                .filter(e -> "third".equals(e.getInvolvedObject().getName()))
                .map(e -> e.getReason()))
        .contains("RestoreRejected");

    // one ledger, in the operator's namespace; none beside the restores
    assertThat(ledger(ledgerNamespace))
        .containsKey(RestoreLedger.key("c-1001"))
        .doesNotContainKey(RestoreLedger.key("C-1001"))
        .doesNotContainKey(RestoreLedger.key("alice@acme.example"));
    assertThat(ledger(ledgerNamespace).get(RestoreLedger.key("c-1001")))
        .contains(
            client
                .resources(OdooVpsRestore.class)
                .inNamespace(namespace)
                .withName("first")
                .get()
                .getMetadata()
                .getUid());
    assertThat(ledger(namespace)).isNull();
    assertThat(ledger(other)).isNull();
    assertThat(ledger(ledgerNamespace).toString()).doesNotContainIgnoringCase("acme.example");

    // the requests deleted and the email changed: the customer still has no restore left
    delete(namespace, "first");
    delete(other, "second");
    delete(other, "third");
    editSpec("alpha", v -> v.getSpec().getCustomer().setEmail("new-contact@acme.example"));
    restore(namespace, "fourth", "alpha");
    assertThat(awaitPhase(namespace, "fourth", Phase.Rejected).message())
        .contains("2 already carried out in 2026-03");

    // the id that carries the allowance cannot be changed or removed
    assertThatThrownBy(
            () ->
                client
                    .resources(OdooVps.class)
                    .inNamespace(namespace)
                    .withName("alpha")
                    .edit(
                        v -> {
                          v.getSpec().getCustomer().setId("C-2002");
                          return v;
                        }))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.customer.id is immutable once set");
    assertThatThrownBy(
            () ->
                client
                    .resources(OdooVps.class)
                    .inNamespace(namespace)
                    .withName("alpha")
                    .edit(
                        v -> {
                          v.getSpec().getCustomer().setId(null);
                          return v;
                        }))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.customer.id is immutable once set");

    // a new calendar month, a new allowance
    clock.set(Instant.parse("2026-04-01T00:00:05Z"));
    restore(other, "fifth", "charlie");
    assertThat(awaitPhase(other, "fifth", Phase.Stopping).restoresLeftThisMonth()).isEqualTo(1);
  }

  @Test
  void aLedgerAnEarlierVersionKeptBesideTheRestoresStillCountsAndMovesToTheOperatorsNamespace() {
    // an earlier version counted per namespace, by email, in the restores' namespace
    var legacyUid = "0b8a6f0e-0000-4000-8000-legacy000001";
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(RestoreLedger.NAME)
                .withNamespace(namespace)
                .endMetadata()
                .withData(
                    Map.of(
                        RestoreLedger.key("alice@acme.example"),
                        legacyUid + "@2026-03-01T08:00:00Z"))
                .build())
        .create();
    vps(namespace, "alpha", null, "alice@acme.example");
    vps(other, "bravo", "C-1001", "alice@acme.example");
    policyKeeping(namespace, "alpha");
    policyKeeping(other, "bravo");

    restore(namespace, "first", "alpha");
    assertThat(awaitPhase(namespace, "first", Phase.Stopping).restoresLeftThisMonth())
        .as("the legacy entry counts")
        .isZero();
    var central = ledger(ledgerNamespace);
    assertThat(central.get(RestoreLedger.key("alice@acme.example"))).contains(legacyUid);
    assertThat(central).containsKey("migrated." + namespace);
    assertThat(ledger(namespace))
        .as("the legacy ledger is left as it was")
        .containsEntry(
            RestoreLedger.key("alice@acme.example"), legacyUid + "@2026-03-01T08:00:00Z");

    // bravo's customer has an id now, and the same email: its earlier restores count
    restore(other, "second", "bravo");
    assertThat(awaitPhase(other, "second", Phase.Rejected).message())
        .contains("2 already carried out");
  }

  @Test
  void aLegacyLedgerWithNothingLeftInRangeIsReadOnceAndMarkedMigrated() {
    // January's entries count for nothing in March
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(RestoreLedger.NAME)
                .withNamespace(namespace)
                .endMetadata()
                .withData(
                    Map.of(
                        RestoreLedger.key("alice@acme.example"),
                        "0b8a6f0e-0000-4000-8000-legacy000002@2026-01-05T08:00:00Z"))
                .build())
        .create();
    vps(namespace, "alpha", null, "alice@acme.example");
    policyKeeping(namespace, "alpha");

    restore(namespace, "first", "alpha");
    assertThat(awaitPhase(namespace, "first", Phase.Stopping).restoresLeftThisMonth()).isEqualTo(1);
    assertThat(ledger(ledgerNamespace))
        .as("marked, so that the next acceptance does not read it again")
        .containsKey("migrated." + namespace)
        .doesNotContainValue("0b8a6f0e-0000-4000-8000-legacy000002@2026-01-05T08:00:00Z");
  }

  @Test
  void aFailedRestoreSendsItsEventsOnceEvenWhenItsLedgerWriteIsRetried() {
    vps(namespace, "alpha", "C-1001", "alice@acme.example");
    policyKeeping(namespace, "alpha");
    restore(namespace, "first", "alpha");
    awaitPhase(namespace, "first", Phase.Stopping);

    // the ledger cannot be changed for now: removing the restore's entry throws, and is retried
    client
        .configMaps()
        .inNamespace(ledgerNamespace)
        .withName(RestoreLedger.NAME)
        .edit(m -> new ConfigMapBuilder(m).withImmutable(true).build());
    client.resources(OdooVps.class).inNamespace(namespace).withName("alpha").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.failures().size() >= 2);
    assertThat(status(namespace, "first").phase()).isEqualTo(Phase.Stopping);
    assertThat(restoreFailedEvents("first")).as("no Event while the ledger write fails").isZero();

    // writable again (a new ledger): the retry goes through, and tells it once
    client.configMaps().inNamespace(ledgerNamespace).withName(RestoreLedger.NAME).delete();
    assertThat(awaitPhase(namespace, "first", Phase.Failed).message())
        .contains("OdooVps alpha does not exist");
    assertThat(restoreFailedEvents("first")).isEqualTo(1);
    assertThat(ledger(ledgerNamespace).toString())
        .as("a failed restore does not count")
        .doesNotContain(
            client
                .resources(OdooVpsRestore.class)
                .inNamespace(namespace)
                .withName("first")
                .get()
                .getMetadata()
                .getUid());
  }

  private long restoreFailedEvents(String restore) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> restore.equals(e.getInvolvedObject().getName()))
        .filter(e -> "RestoreFailed".equals(e.getReason()))
        .count();
  }
}
