package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.odoovps.operator.api.v1alpha1.odoovps.IsolationSpec;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.traffic.CiliumCrd;
import io.odoovps.operator.traffic.CiliumPolicyDesign;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With Cilium's real CRD installed, each VPS also gets its CiliumNetworkPolicy (activation
 * condition), which goes away while the VPS is isolated and comes back after.
 */
class CiliumFilterApiServerTest extends VpsOperatorTestBase {

  @BeforeAll
  static void installCilium() {
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

  private GenericKubernetesResource policy(String vps) {
    return client
        .genericKubernetesResources(CiliumPolicyDesign.API_VERSION, CiliumPolicyDesign.KIND)
        .inNamespace(namespace)
        .withName(CiliumPolicyDesign.policyName(vps))
        .get();
  }

  @Test
  @SuppressWarnings("unchecked")
  void eachVpsGetsACiliumPolicyThatIsolationRemoves() {
    create(VpsFixtures.vps(namespace, "shop"));
    await().atMost(Duration.ofSeconds(30)).until(() -> policy("shop") != null);
    var spec = (Map<String, Object>) policy("shop").getAdditionalProperties().get("spec");
    assertThat((Map<String, Object>) spec.get("endpointSelector"))
        .isEqualTo(Map.of("matchLabels", Map.of(VpsLabels.VPS, "shop")));
    assertThat(spec.toString()).contains("icmps");
    assertThat((List<?>) spec.get("egressDeny")).isNotEmpty();
    assertThat(policy("shop").getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("shop"));

    editSpec("shop", v -> v.getSpec().setIsolation(new IsolationSpec("Compromised")));
    await().atMost(Duration.ofSeconds(30)).until(() -> policy("shop") == null);
    editSpec("shop", v -> v.getSpec().setIsolation(null));
    await().atMost(Duration.ofSeconds(30)).until(() -> policy("shop") != null);
  }
}
