package io.odoovps.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rendered PrometheusRule against prometheus-operator's real CRD on a real kube-apiserver: it
 * is accepted with strict field validation (no unknown field), nothing is pruned, and it carries
 * the name and labels the operator selects on.
 */
class PrometheusRuleApiServerTest {

  private static KubernetesClient client;
  private static String namespace;

  @BeforeAll
  static void setUp() {
    client = ControlPlane.get().newClient();
    namespace = TestNamespaces.create(client, "rules");
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void theRealSchemaAcceptsTheRenderedPrometheusRuleAndPrunesNothing() {
    var design = new AlertRuleDesign(AlertRulesPromtoolTest.config(Map.of()));
    var vps = VpsFixtures.vps(namespace, "shop");
    var rule = design.prometheusRule(vps);

    client.resource(rule).fieldValidation(Validation.STRICT).create();

    var stored =
        client
            .genericKubernetesResources(AlertRuleDesign.API_VERSION, AlertRuleDesign.KIND)
            .inNamespace(namespace)
            .withName("shop-supervision")
            .get();
    assertThat(stored).isNotNull();
    assertThat(stored.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "odoovps-operator")
        .containsEntry("odoovps.io/vps", "shop")
        .containsEntry(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR);
    assertThat(stored.getAdditionalProperties().get("spec"))
        .as("the API server kept every field we sent")
        .isEqualTo(rule.getAdditionalProperties().get("spec"));
  }

  @Test
  void theSchemaIsEnforcedARuleWithAMalformedForDurationIsRefused() {
    // Guards the test above: with a schemaless stand-in CRD anything would be accepted.
    var design = new AlertRuleDesign(AlertRulesPromtoolTest.config(Map.of()));
    var rule = design.prometheusRule(VpsFixtures.vps(namespace, "malformed"));
    @SuppressWarnings("unchecked")
    var spec = (Map<String, Object>) rule.getAdditionalProperties().get("spec");
    @SuppressWarnings("unchecked")
    var group = (Map<String, Object>) ((List<Object>) spec.get("groups")).get(0);
    @SuppressWarnings("unchecked")
    var first = (Map<String, Object>) ((List<Object>) group.get("rules")).get(0);
    first.put("for", "15 minutes");

    assertThatThrownBy(() -> client.resource(rule).fieldValidation(Validation.STRICT).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.groups[0].rules[0].for");
  }
}
