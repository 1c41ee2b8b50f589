package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
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
    assertThatThrownBy(
            () ->
                client
                    .resources(OdooVps.class)
                    .inNamespace(namespace)
                    .withName("moving")
                    .edit(
                        v -> {
                          v.getSpec().setLocation("lyon-2");
                          return v;
                        }))
        .hasMessageContaining("spec.location")
        .hasMessageContaining("immutable");
  }

  @Test
  void theDiskCanGrowButNotShrink() {
    client.resource(VpsFixtures.vps(namespace, "disk")).create();
    var grown =
        client
            .resources(OdooVps.class)
            .inNamespace(namespace)
            .withName("disk")
            .edit(
                v -> {
                  v.getSpec().getPlan().setDisk("80Gi");
                  return v;
                });
    assertThat(grown.getSpec().getPlan().getDisk()).isEqualTo("80Gi");

    assertThatThrownBy(
            () ->
                client
                    .resources(OdooVps.class)
                    .inNamespace(namespace)
                    .withName("disk")
                    .edit(
                        v -> {
                          v.getSpec().getPlan().setDisk("60Gi");
                          return v;
                        }))
        .hasMessageContaining("spec.plan")
        .hasMessageContaining("can only grow");
  }
}
