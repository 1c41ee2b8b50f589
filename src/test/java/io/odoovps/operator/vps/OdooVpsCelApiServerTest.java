package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API server itself rejects what the CRD's schema and CEL rules can express. */
class OdooVpsCelApiServerTest {

  private static KubernetesClient client;
  private static String namespace;

  @BeforeAll
  static void setUp() {
    client = ControlPlane.get().newClient();
    namespace = TestNamespaces.create(client, "cel");
  }

  @AfterAll
  static void tearDown() {
    client.close();
  }

  @Test
  void acceptsAValidVps() {
    var created = client.resource(VpsFixtures.vps(namespace, "valid")).create();
    assertThat(created.getMetadata().getUid()).isNotBlank();
  }

  @Test
  void rejectsMemoryBelowOneGi() {
    var vps = VpsFixtures.vps(namespace, "small");
    vps.getSpec().getPlan().setMemory("512Mi");
    assertThatThrownBy(() -> client.resource(vps).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.plan.memory")
        .hasMessageContaining("at least 1Gi");
  }

  @Test
  void rejectsADiskBelowTenGi() {
    var vps = VpsFixtures.vps(namespace, "tiny-disk");
    vps.getSpec().getPlan().setDisk("5Gi");
    assertThatThrownBy(() -> client.resource(vps).create())
        .hasMessageContaining("spec.plan.disk")
        .hasMessageContaining("at least 10Gi");
  }

  @Test
  void rejectsZeroVcpu() {
    var vps = VpsFixtures.vps(namespace, "no-cpu");
    vps.getSpec().getPlan().setVcpu(0);
    assertThatThrownBy(() -> client.resource(vps).create()).hasMessageContaining("spec.plan.vcpu");
  }

  @Test
  void rejectsAMissingLocation() {
    var vps = VpsFixtures.vps(namespace, "nowhere");
    vps.getSpec().setLocation(null);
    assertThatThrownBy(() -> client.resource(vps).create())
        .hasMessageContaining("spec.location")
        .hasMessageContaining("Required");
  }

  @Test
  void rejectsAMalformedOdooVersion() {
    var vps = VpsFixtures.vps(namespace, "odd-version");
    vps.getSpec().getOdoo().setVersion("latest");
    assertThatThrownBy(() -> client.resource(vps).create())
        .hasMessageContaining("spec.odoo.version");
  }

  @Test
  void theLocationCannotChange() {
    client.resource(VpsFixtures.vps(namespace, "moving")).create();
    assertEditRejected(
        "moving", v -> v.getSpec().setLocation("lyon-2"), "spec.location", "immutable");
  }

  @Test
  void theCustomerIdCanBeSetLaterButNeverChangedOrRemovedAndIsPatternLimited() {
    var bad = VpsFixtures.vps(namespace, "bad-id");
    bad.getSpec().getCustomer().setId("C 1001@acme");
    assertThatThrownBy(() -> client.resource(bad).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.customer.id");

    client.resource(VpsFixtures.vps(namespace, "customer-id")).create();
    var set = edit("customer-id", v -> v.getSpec().getCustomer().setId("C-1001"));
    assertThat(set.getSpec().getCustomer().getId()).isEqualTo("C-1001");
    var newEmail =
        edit("customer-id", v -> v.getSpec().getCustomer().setEmail("billing@acme.example"));
    assertThat(newEmail.getSpec().getCustomer().getId()).isEqualTo("C-1001");
    assertEditRejected(
        "customer-id",
        v -> v.getSpec().getCustomer().setId("C-2002"),
        "spec.customer.id is immutable once set",
        "restore allowance");
    assertEditRejected(
        "customer-id",
        v -> v.getSpec().getCustomer().setId(null),
        "spec.customer.id is immutable once set",
        "restore allowance");
  }

  @Test
  void theDiskCanGrowButNotShrink() {
    client.resource(VpsFixtures.vps(namespace, "disk")).create();
    var grown = edit("disk", v -> v.getSpec().getPlan().setDisk("80Gi"));
    assertThat(grown.getSpec().getPlan().getDisk()).isEqualTo("80Gi");

    assertEditRejected(
        "disk", v -> v.getSpec().getPlan().setDisk("60Gi"), "spec.plan", "can only grow");
  }

  private OdooVps edit(String name, java.util.function.Consumer<OdooVps> change) {
    return client
        .resources(OdooVps.class)
        .inNamespace(namespace)
        .withName(name)
        .edit(
            v -> {
              change.accept(v);
              return v;
            });
  }

  private void assertEditRejected(
      String name, java.util.function.Consumer<OdooVps> change, String... fragments) {
    var assertion = assertThatThrownBy(() -> edit(name, change));
    for (var fragment : fragments) {
      assertion.hasMessageContaining(fragment);
    }
  }

  @Test
  void odooMovesUpOneMajorVersionAtATimeAndNeverDown() {
    client.resource(VpsFixtures.vps(namespace, "upgrade-path")).create();
    assertEditRejected(
        "upgrade-path",
        v -> v.getSpec().getOdoo().setVersion("16.0"),
        "spec.odoo.version",
        "never down");
    assertEditRejected(
        "upgrade-path",
        v -> v.getSpec().getOdoo().setVersion("19.0"),
        "spec.odoo.version",
        "one major version at a time");
    var upgraded =
        client
            .resources(OdooVps.class)
            .inNamespace(namespace)
            .withName("upgrade-path")
            .edit(
                v -> {
                  v.getSpec().getOdoo().setVersion("18.0");
                  return v;
                });
    assertThat(upgraded.getSpec().getOdoo().getVersion()).isEqualTo("18.0");
  }

  @Test
  void aFixedTermNeedsAnEndAfterItsStart() {
    var noEnd = VpsFixtures.vps(namespace, "no-end");
    noEnd
        .getSpec()
        .setBilling(
            new BillingSpec(BillingSpec.BillingMode.FixedTerm, "2026-01-01T00:00:00Z", null));
    assertThatThrownBy(() -> client.resource(noEnd).create())
        .hasMessageContaining("spec.billing.end is required when spec.billing.mode is FixedTerm");

    var backwards = VpsFixtures.vps(namespace, "backwards");
    backwards
        .getSpec()
        .setBilling(
            new BillingSpec(
                BillingSpec.BillingMode.FixedTerm, "2026-06-01T00:00:00Z", "2026-01-01T00:00:00Z"));
    assertThatThrownBy(() -> client.resource(backwards).create())
        .hasMessageContaining("spec.billing.end must be after spec.billing.start");
  }

  @Test
  void rejectsAMalformedCustomerEmailAndAMissingCustomer() {
    var bad = VpsFixtures.vps(namespace, "bad-mail");
    bad.getSpec().getCustomer().setEmail("not-an-email");
    assertThatThrownBy(() -> client.resource(bad).create())
        .hasMessageContaining("spec.customer.email");

    var none = VpsFixtures.vps(namespace, "no-customer");
    none.getSpec().setCustomer(null);
    assertThatThrownBy(() -> client.resource(none).create())
        .hasMessageContaining("spec.customer")
        .hasMessageContaining("Required");
  }

  @Test
  void terminationMustRepeatTheNameAndCannotBeWithdrawn() {
    var typo = VpsFixtures.vps(namespace, "typo");
    typo.getSpec().setTermination(new TerminationSpec("typ0"));
    assertThatThrownBy(() -> client.resource(typo).create())
        .hasMessageContaining("spec.termination.confirm must repeat metadata.name");

    client.resource(VpsFixtures.vps(namespace, "ending")).create();
    client
        .resources(OdooVps.class)
        .inNamespace(namespace)
        .withName("ending")
        .edit(
            v -> {
              v.getSpec().setTermination(new TerminationSpec("ending"));
              return v;
            });
    assertEditRejected(
        "ending", v -> v.getSpec().setTermination(null), "spec.termination cannot be withdrawn");
  }
}
