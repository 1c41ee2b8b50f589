package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoovps.operator.testing.TestConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The filter settings as configured: the defaults isolate tenants, bad labels are named. */
class FilterPolicyTest {

  @Test
  void byDefaultNoProviderNetworkAndEveryPrivateRangeIsTheClusters() {
    var policy = FilterPolicy.of(TestConfig.defaults());
    assertThat(policy.adminCidrs()).as("never the pod network by default").isEmpty();
    assertThat(policy.clusterCidrs())
        .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7");
    assertThat(policy.dns().namespace()).isEqualTo("kube-system");
    assertThat(policy.dns().podLabels()).isEqualTo(Map.of("k8s-app", "kube-dns"));
  }

  @Test
  void dnsLabelsAreKeyValuePairsAndAnythingElseIsRefusedNamingTheEntry() {
    assertThat(FilterPolicy.labels(List.of("k8s-app = kube-dns", "tier=dns")))
        .isEqualTo(Map.of("k8s-app", "kube-dns", "tier", "dns"));
    assertThatThrownBy(() -> FilterPolicy.labels(List.of("kube-dns")))
        .hasMessageContaining("odoovps.traffic.filter.dns-pod-labels")
        .hasMessageContaining("'kube-dns' is not key=value");
  }
}
