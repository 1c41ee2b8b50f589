package io.odoovps.operator.kubevirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.vps.VirtualMachineDesign;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the typed KubeVirt model against the real upstream VirtualMachine CRD: the API server
 * accepts what the operator renders with strict field validation and keeps every field (nothing
 * pruned), and a misspelled field is rejected by name.
 */
class KubeVirtSchemaApiServerTest {

  private static KubernetesClient client;
  private static String namespace;

  @BeforeAll
  static void setUp() {
    client = ControlPlane.get().newClient();
    namespace = TestNamespaces.create(client, "schema");
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  private static VirtualMachine rendered(String name) {
    return new VirtualMachineDesign(TestConfig.with(Map.of("odoovps.vm.storage-class", "standard")))
        .render(VpsFixtures.vps(namespace, name));
  }

  @Test
  void theRealSchemaAcceptsTheRenderedVirtualMachineAndPrunesNothing() {
    var vm = rendered("accepted");
    client.resource(vm).fieldValidation(Validation.STRICT).create();

    var stored =
        client
            .genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
            .inNamespace(namespace)
            .withName("accepted")
            .get();
    var sent =
        client.getKubernetesSerialization().convertValue(vm, GenericKubernetesResource.class);
    assertThat(stored.getAdditionalProperties().get("spec"))
        .as("the API server kept every field we sent")
        .isEqualTo(sent.getAdditionalProperties().get("spec"));
  }

  @Test
  void aMisspelledFieldInTheModelIsRejectedByName() {
    // What a typo in VirtualMachineInstanceTemplate.Cpu (`socket` for `sockets`) would send.
    var vm =
        client
            .getKubernetesSerialization()
            .convertValue(rendered("typo"), GenericKubernetesResource.class);
    @SuppressWarnings("unchecked")
    var cpu =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>)
                            ((Map<String, Object>)
                                    ((Map<String, Object>) vm.getAdditionalProperties().get("spec"))
                                        .get("template"))
                                .get("spec"))
                        .get("domain"))
                .get("cpu");
    cpu.put("socket", cpu.remove("sockets"));

    assertThatThrownBy(() -> client.resource(vm).fieldValidation(Validation.STRICT).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("unknown field \"spec.template.spec.domain.cpu.socket\"");
  }

  @Test
  void aWrongTypeIsRejectedEvenWithoutStrictValidation() {
    var vm =
        client
            .getKubernetesSerialization()
            .convertValue(rendered("wrongtype"), GenericKubernetesResource.class);
    @SuppressWarnings("unchecked")
    var spec = (Map<String, Object>) vm.getAdditionalProperties().get("spec");
    spec.put("runStrategy", Map.of("always", true));

    assertThatThrownBy(() -> client.resource(vm).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.runStrategy");
  }
}
