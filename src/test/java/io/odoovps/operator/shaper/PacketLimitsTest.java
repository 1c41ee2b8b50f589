package io.odoovps.operator.shaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PacketLimitsTest {

  @Test
  void eachVpsGetsARuleEachWayPerProtocolInOneTransaction() {
    var script = PacketLimits.script(List.of("10.244.0.9", "10.244.0.7"), 200, 20);
    assertThat(script)
        .startsWith("table inet odoovps-shaper\ndelete table inet odoovps-shaper\n")
        .contains("type filter hook forward priority -10; policy accept;")
        .contains(
            "ip saddr 10.244.0.7 meta l4proto udp limit rate over 200/second burst 20 packets"
                + " counter drop")
        .contains(
            "ip daddr 10.244.0.7 meta l4proto udp limit rate over 200/second burst 20 packets"
                + " counter drop")
        .contains(
            "ip saddr 10.244.0.9 meta l4proto icmp limit rate over 20/second burst 2 packets"
                + " counter drop");
    assertThat(script.lines().filter(l -> l.contains(" drop"))).hasSize(8);
    assertThat(script.indexOf("10.244.0.7"))
        .as("sorted: stable text, no rewrite")
        .isLessThan(script.indexOf("10.244.0.9"));
  }

  @Test
  void nothingToLimitDeletesTheTableAndBadAddressesAreRefused() {
    assertThat(PacketLimits.script(List.of(), 200, 20))
        .isEqualTo("table inet odoovps-shaper\ndelete table inet odoovps-shaper\n");
    assertThat(PacketLimits.script(List.of("10.244.0.7"), 0, 0)).doesNotContain("chain");
    assertThat(PacketLimits.script(List.of("10.244.0.7"), 200, 0)).doesNotContain("icmp");
    assertThatThrownBy(() -> PacketLimits.script(List.of("10.0.0.1; flush ruleset"), 1, 1))
        .hasMessageContaining("not an IPv4 address");
  }
}
