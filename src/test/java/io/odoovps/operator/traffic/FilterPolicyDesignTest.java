package io.odoovps.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.odoovps.operator.naming.VpsLabels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The VPS's traffic NetworkPolicy: the operator's guest-command pods in on SSH only; out, anywhere
 * but the cluster's own networks (tenant isolation), and DNS to the cluster DNS pods only.
 */
class FilterPolicyDesignTest {

  private static FilterRules rules(List<String> adminCidrs, List<String> clusterCidrs) {
    return new FilterRules(
        Map.of("odoovps.io/vps", "alpha"),
        adminCidrs,
        List.of(PortRange.of(23)),
        List.of(PortRange.of(53), PortRange.of(123)),
        List.of(),
        false,
        25,
        0,
        List.of(22, 80, 443),
        List.of(),
        clusterCidrs,
        new FilterRules.DnsPeer("kube-system", Map.of("k8s-app", "kube-dns")));
  }

  private static List<NetworkPolicyEgressRule> egress(FilterRules rules) {
    return FilterPolicyDesign.policy("ns", "alpha", Map.of(), rules).getSpec().getEgress();
  }

  @Test
  void outboundGoesAnywhereButTheClustersNetworksPerAddressFamily() {
    var rules = egress(rules(List.of(), List.of("10.0.0.0/8", "fc00::/7", "192.168.0.0/16")));
    assertThat(rules).as("DNS, then the Internet: no provider network configured").hasSize(2);
    var internet = rules.get(1);
    assertThat(internet.getTo())
        .extracting(p -> p.getIpBlock().getCidr(), p -> p.getIpBlock().getExcept())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "0.0.0.0/0", List.of("10.0.0.0/8", "192.168.0.0/16")),
            org.assertj.core.groups.Tuple.tuple("::/0", List.of("fc00::/7")));
    assertThat(internet.getPorts())
        .extracting(p -> p.getProtocol() + " " + p.getPort().getIntVal() + "-" + p.getEndPort())
        .containsExactly("TCP 1-22", "TCP 24-65535", "UDP 53-null", "UDP 123-null");
  }

  @Test
  void dnsGoesToTheClusterDnsPodsOnly() {
    var dns = egress(rules(List.of(), List.of("10.0.0.0/8"))).get(0);
    assertThat(dns.getTo())
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.getIpBlock()).isNull();
              assertThat(peer.getNamespaceSelector().getMatchLabels())
                  .isEqualTo(Map.of("kubernetes.io/metadata.name", "kube-system"));
              assertThat(peer.getPodSelector().getMatchLabels())
                  .isEqualTo(Map.of("k8s-app", "kube-dns"));
            });
    assertThat(dns.getPorts())
        .as("the pod's named ports: the Service's 53 may be another port in the pod")
        .extracting(p -> p.getProtocol() + " " + p.getPort().getStrVal())
        .containsExactly("UDP dns", "TCP dns-tcp");
  }

  @Test
  void withoutClusterNetworksOutboundHasNoPeerThatIsAnywhere() {
    var rules = egress(rules(List.of("203.0.113.0/24"), List.of()));
    assertThat(rules).hasSize(3);
    assertThat(rules.get(0).getTo())
        .as("the provider's network first, on every port")
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("203.0.113.0/24");
    assertThat(rules.get(0).getPorts()).isEmpty();
    assertThat(rules.get(2).getTo()).isEmpty();
  }

  @Test
  void theGuestCommandPodsOfThisVpsReachItsSshPortOnly() {
    var rule = FilterPolicyDesign.guestCommands("alpha");
    assertThat(rule.getFrom())
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.getIpBlock()).isNull();
              assertThat(peer.getNamespaceSelector()).as("this namespace only").isNull();
              assertThat(peer.getPodSelector().getMatchLabels())
                  .isEqualTo(VpsLabels.guestCommandPods("alpha"))
                  .doesNotContainKey(VpsLabels.VPS);
            });
    assertThat(rule.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getProtocol()).isEqualTo("TCP");
              assertThat(p.getPort().getIntVal()).isEqualTo(22);
              assertThat(p.getEndPort()).isNull();
            });
  }
}
