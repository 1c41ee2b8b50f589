package io.odoovps.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.naming.VpsLabels;
import org.junit.jupiter.api.Test;

/** The VPS's traffic NetworkPolicy lets the operator's guest-command pods in, on SSH only. */
class FilterPolicyDesignTest {

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
