package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VPS's LoadBalancer Service as the load balancer implementation is configured to read it. */
class NetworkServiceTest {

  @Test
  void kubeVipGetsThePinnedAddressAndTheEgressAnnotation() {
    var design =
        new NetworkDesign(
            TestConfig.with(
                Map.of(
                    "odoovps.service.address-annotation", "kube-vip.io/loadBalancerIPs",
                    "odoovps.service.annotations.\"kube-vip.io/egress\"", "true",
                    "odoovps.service.annotations.\"kube-vip.io/loadBalancerIPs\"", "0.0.0.0")));
    var service = design.service(VpsFixtures.vps("shop", "acme"), "192.0.2.10");
    assertThat(service.getMetadata().getAnnotations())
        .as("the address annotation wins over a configured one of the same key")
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("kube-vip.io/loadBalancerIPs", "192.0.2.10", "kube-vip.io/egress", "true"));
    assertThat(service.getSpec().getLoadBalancerIP()).isEqualTo("192.0.2.10");

    var mitigated =
        design.service(
            VpsFixtures.vps("shop", "acme"), "192.0.2.10", Map.of("kube-vip.io/egress", "false"));
    assertThat(mitigated.getMetadata().getAnnotations())
        .as("the mitigation's annotations win over the configured ones")
        .containsEntry("kube-vip.io/egress", "false");
  }

  @Test
  void byDefaultOnlyMetalLbsAddressAnnotation() {
    var service =
        new NetworkDesign(TestConfig.defaults())
            .service(VpsFixtures.vps("shop", "acme"), "192.0.2.10");
    assertThat(service.getMetadata().getAnnotations())
        .containsExactlyEntriesOf(Map.of("metallb.io/loadBalancerIPs", "192.0.2.10"));
  }
}
