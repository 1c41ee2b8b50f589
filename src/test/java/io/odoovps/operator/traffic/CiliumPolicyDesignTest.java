package io.odoovps.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.CrdInstaller;
import io.odoovps.operator.testing.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The CiliumNetworkPolicy design: its structure as plain data, and the real Cilium CRD
 * (cilium.io/v2, fetched by {@code hack/fetch-cni-crds.sh}, passed as {@code -Dcilium.crds=<dir>})
 * on a real kube-apiserver, which accepts the policy with strict field validation and prunes
 * nothing: every field we write is in Cilium's schema.
 */
class CiliumPolicyDesignTest {

  private static final Map<String, String> POD = Map.of("odoovps.io/vps", "shop");
  private static final Map<String, String> LABELS =
      Map.of("app.kubernetes.io/managed-by", "odoovps-operator", "odoovps.io/vps", "shop");

  private static KubernetesClient client;
  private static String namespace;

  private final CiliumPolicyDesign design = new CiliumPolicyDesign();

  static FilterRules rules(
      List<String> adminCidrs,
      boolean smtpBlocked,
      int mitigationLevel,
      List<PortRange> allowedUdpIngress,
      List<String> scrubbingCidrs) {
    return new FilterRules(
        POD,
        adminCidrs,
        PortRange.parseList(List.of("23, 135-139, 445, 6660-6669")),
        PortRange.parseList(List.of("53, 123")),
        allowedUdpIngress,
        smtpBlocked,
        25,
        mitigationLevel,
        List.of(22, 80, 443),
        scrubbingCidrs,
        List.of("10.0.0.0/8"),
        null);
  }

  static final List<String> ADMIN = List.of("2001:db8:10::/48", "203.0.113.0/24", "192.0.2.10");

  static FilterRules noMitigation() {
    return rules(ADMIN, false, 0, List.of(), List.of());
  }

  static FilterRules smtpBlocked() {
    return rules(ADMIN, true, 0, List.of(), List.of());
  }

  static FilterRules mitigationLevel3() {
    return rules(
        ADMIN, false, 3, PortRange.parseList(List.of("51820")), List.of("198.51.100.0/24"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(GenericKubernetesResource policy) {
    return (Map<String, Object>) policy.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> only(Map<String, Object> spec, String section) {
    var rules = (List<Map<String, Object>>) spec.get(section);
    assertThat(rules).as(section).hasSize(1);
    return rules.get(0);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> ports(Map<String, Object> rule) {
    var all = new ArrayList<Map<String, Object>>();
    for (var entry : (List<Map<String, Object>>) rule.get("toPorts")) {
      all.addAll((List<Map<String, Object>>) entry.get("ports"));
    }
    return all;
  }

  // ---- structure ----

  @Test
  void deniesAreWorldMinusTheProviderNetworksWithPortRanges() {
    var spec = spec(design.policy("ns", "shop", LABELS, noMitigation()));

    assertThat(spec.get("endpointSelector")).isEqualTo(Map.of("matchLabels", POD));
    var ingressDeny = only(spec, "ingressDeny");
    assertThat(ingressDeny.get("fromCIDRSet"))
        .isEqualTo(
            List.of(
                Map.of("cidr", "0.0.0.0/0", "except", List.of("192.0.2.10/32", "203.0.113.0/24")),
                Map.of("cidr", "::/0", "except", List.of("2001:db8:10::/48"))));
    assertThat(ports(ingressDeny))
        .containsExactly(
            Map.of("port", "23", "protocol", "TCP"),
            Map.of("port", "135", "endPort", 139, "protocol", "TCP"),
            Map.of("port", "445", "protocol", "TCP"),
            Map.of("port", "6660", "endPort", 6669, "protocol", "TCP"));
    assertThat(ports(only(spec, "egressDeny")))
        .doesNotContain(Map.of("port", "25", "protocol", "TCP"));
    assertThat(spec.get("enableDefaultDeny")).isEqualTo(Map.of("ingress", false, "egress", false));
  }

  @Test
  void withoutProviderNetworksTheDeniesNameTheWorldEntity() {
    var spec =
        spec(design.policy("ns", "shop", LABELS, rules(List.of(), true, 0, List.of(), List.of())));

    assertThat(only(spec, "ingressDeny").get("fromEntities")).isEqualTo(List.of("world"));
    assertThat(only(spec, "egressDeny").get("toEntities")).isEqualTo(List.of("world"));
  }

  @Test
  void smtpIsDeniedOutboundOnlyWhileBlocked() {
    var spec = spec(design.policy("ns", "shop", LABELS, smtpBlocked()));

    assertThat(ports(only(spec, "egressDeny"))).contains(Map.of("port", "25", "protocol", "TCP"));
    assertThat(ports(only(spec, "ingressDeny")))
        .doesNotContain(Map.of("port", "25", "protocol", "TCP"));
  }

  @Test
  void icmpIsLimitedToEchoAndErrorsAndFromLevel3ComesOnlyFromScrubbing() {
    var open = spec(design.policy("ns", "shop", LABELS, noMitigation()));
    assertThat(only(open, "ingress").get("fromEntities")).isEqualTo(List.of("world"));
    assertThat(only(open, "egress").get("toEntities")).isEqualTo(List.of("world"));
    assertThat(only(open, "ingress").get("icmps").toString())
        .contains("{family=IPv4, type=8}", "{family=IPv4, type=3}", "{family=IPv6, type=2}")
        .doesNotContain("type=5}"); // no redirects

    var level3 = spec(design.policy("ns", "shop", LABELS, mitigationLevel3()));
    assertThat(only(level3, "ingress").get("fromCIDRSet"))
        .isEqualTo(List.of(Map.of("cidr", "198.51.100.0/24")));
    assertThat(only(level3, "egress").get("toEntities")).isEqualTo(List.of("world"));
  }

  @Test
  void fromLevel2EveryUdpPortButTheAllowedOnesIsDeniedInbound() {
    assertThat(
            ports(only(spec(design.policy("ns", "shop", LABELS, noMitigation())), "ingressDeny")))
        .noneMatch(p -> "UDP".equals(p.get("protocol")));

    var level3 = spec(design.policy("ns", "shop", LABELS, mitigationLevel3()));
    assertThat(ports(only(level3, "ingressDeny")))
        .filteredOn(p -> "UDP".equals(p.get("protocol")))
        .containsExactly(
            Map.of("port", "1", "endPort", 51819, "protocol", "UDP"),
            Map.of("port", "51821", "endPort", 65535, "protocol", "UDP"));
  }

  /** What the CRD cannot check but the Cilium agent rejects (pkg/policy/api/rule_validation.go). */
  @Test
  @SuppressWarnings("unchecked")
  void respectsTheAgentsLimitsBeyondTheSchema() {
    // 50 single allowed UDP ports: a complement of 51 ranges, more than one entry holds.
    var allowed = IntStream.rangeClosed(1, 50).mapToObj(i -> PortRange.of(1000 + 2 * i)).toList();
    var spec = spec(design.policy("ns", "shop", LABELS, rules(ADMIN, true, 2, allowed, List.of())));

    for (var section : List.of("ingress", "egress", "ingressDeny", "egressDeny")) {
      for (var rule : (List<Map<String, Object>>) spec.get(section)) {
        assertThat(rule.containsKey("icmps") && rule.containsKey("toPorts"))
            .as("%s: icmps and toPorts in one rule", section)
            .isFalse();
        assertThat(rule.keySet().stream().filter(k -> k.startsWith("from") || k.startsWith("to")))
            .as("%s: one peer kind per rule", section)
            .hasSizeLessThanOrEqualTo(rule.containsKey("toPorts") ? 2 : 1);
        for (var entry : (List<Map<String, Object>>) rule.getOrDefault("toPorts", List.of())) {
          assertThat((List<?>) entry.get("ports")).hasSizeLessThanOrEqualTo(40);
        }
      }
    }
    assertThat(ports(only(spec, "ingressDeny"))).hasSize(4 + 51);
  }

  @Test
  void theSameRulesInAnotherOrderGiveTheSameObject() {
    var shuffledAdmin = new ArrayList<>(ADMIN);
    Collections.reverse(shuffledAdmin);
    var deniedTcp = new ArrayList<>(noMitigation().deniedTcp());
    Collections.reverse(deniedTcp);
    var base = noMitigation();
    var shuffled =
        new FilterRules(
            base.podSelector(),
            shuffledAdmin,
            deniedTcp,
            base.allowedUdpEgress(),
            base.allowedUdpIngress(),
            base.smtpBlocked(),
            base.smtpPort(),
            base.mitigationLevel(),
            base.servicePorts(),
            base.scrubbingCidrs(),
            base.clusterCidrs(),
            base.dns());

    var serialization = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    assertThat(serialization.asJson(design.policy("ns", "shop", LABELS, shuffled)))
        .isEqualTo(serialization.asJson(design.policy("ns", "shop", LABELS, base)));
  }

  // ---- the real CRD on a real API server ----

  /** The control plane with Cilium's CRD installed; fails when no CRD folder is configured. */
  static synchronized KubernetesClient apiServer() {
    var dir = System.getProperty("cilium.crds");
    if (dir == null) {
      throw new IllegalStateException(
          "-Dcilium.crds is not set: run `make cni-crds` (hack/fetch-cni-crds.sh) and pass its"
              + " folder, as `make test` does, to check the policy against Cilium's real CRD");
    }
    if (client == null) {
      var file = Paths.get(dir, "ciliumnetworkpolicies.yaml");
      if (!Files.isRegularFile(file)) {
        throw new IllegalStateException(
            file + " is missing (from -Dcilium.crds): run `make cni-crds`");
      }
      System.out.println("[cilium] installing " + file.toAbsolutePath().normalize());
      client = ControlPlane.get().newClient();
      CrdInstaller.install(client, List.of(file));
      CiliumCrd.awaitServed(client);
      namespace = TestNamespaces.create(client, "cilium");
    }
    return client;
  }

  /**
   * Removes the CRD again: other tests' operators would otherwise start writing Cilium policies.
   */
  @AfterAll
  static void tearDown() {
    if (client != null) {
      CiliumCrd.remove(client);
      client.close();
    }
  }

  @Test
  void theRealCrdAcceptsEveryVariantByServerSideApplyAndPrunesNothing() {
    var client = apiServer();
    var variants =
        Map.of(
            "plain", noMitigation(),
            "smtp", smtpBlocked(),
            "mitigation", mitigationLevel3(),
            "no-admin", rules(List.of(), true, 2, List.of(), List.of()));
    for (var variant : variants.entrySet()) {
      var sent = design.policy(namespace, variant.getKey(), LABELS, variant.getValue());
      client.resource(sent).fieldValidation(Validation.STRICT).forceConflicts().serverSideApply();

      var stored =
          client
              .genericKubernetesResources(CiliumPolicyDesign.API_VERSION, CiliumPolicyDesign.KIND)
              .inNamespace(namespace)
              .withName(variant.getKey() + CiliumPolicyDesign.NAME_SUFFIX)
              .get();
      assertThat(stored).as(variant.getKey()).isNotNull();
      assertThat(stored.getMetadata().getLabels()).isEqualTo(LABELS);
      assertThat(spec(stored))
          .as("%s: the API server kept every field we sent", variant.getKey())
          .isEqualTo(spec(sent));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theRealCrdRejectsAMisspelledFieldAndAnUnknownIcmpFamily() {
    var client = apiServer();
    var typo = design.policy(namespace, "typo", LABELS, noMitigation());
    var egress = (Map<String, Object>) ((List<?>) spec(typo).get("egress")).get(0);
    egress.put("icmp", egress.remove("icmps"));
    assertThatThrownBy(
            () ->
                client
                    .resource(typo)
                    .fieldValidation(Validation.STRICT)
                    .forceConflicts()
                    .serverSideApply())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("icmp");

    var family = design.policy(namespace, "family", LABELS, noMitigation());
    var ingress = (Map<String, Object>) ((List<?>) spec(family).get("ingress")).get(0);
    var icmps = (List<Map<String, Object>>) ingress.get("icmps");
    var fields = new ArrayList<>((List<Map<String, Object>>) icmps.get(0).get("fields"));
    fields.set(0, Map.of("family", "IPv5", "type", 8));
    ingress.put("icmps", List.of(Map.of("fields", fields)));
    assertThatThrownBy(() -> client.resource(family).forceConflicts().serverSideApply())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("IPv5");
  }
}
