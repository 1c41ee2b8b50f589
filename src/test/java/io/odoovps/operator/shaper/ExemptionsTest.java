package io.odoovps.operator.shaper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExemptionsTest {

  private static final Exemptions.Filter PLUGINS = new Exemptions.Filter(1, "all", "0/0@0", "bwp1");

  @Test
  void thePluginsRedirectMovesBehindArpAndTheGatewayWithoutAnUnshapedMoment() {
    var steps =
        Exemptions.steps("veth1", Optional.of("bwp1"), List.of(PLUGINS), Optional.of("10.244.0.1"));
    assertThat(steps)
        .extracting(s -> String.join(" ", s))
        .containsExactly(
            // the redirect is there again at 3 before the plugin's at 1 goes
            "tc filter add dev veth1 parent ffff: protocol all prio 3 u32 match u32 0 0 flowid 1:1"
                + " action mirred egress redirect dev bwp1",
            "tc filter del dev veth1 parent ffff: prio 1",
            "tc filter add dev veth1 parent ffff: protocol arp prio 1 u32 match u32 0 0 flowid 1:1",
            "tc filter add dev veth1 parent ffff: protocol ip prio 2 u32 match ip dst 10.244.0.1/32"
                + " flowid 1:1");
  }

  @Test
  void theLaidOutFiltersAsTcReadsThemNeedNothing() {
    var laidOut =
        List.of(
            new Exemptions.Filter(1, "arp", "0/0@0", ""),
            new Exemptions.Filter(2, "ip", "af40001/ffffffff@16", ""),
            new Exemptions.Filter(3, "all", "0/0@0", "bwp1"));
    assertThat(Exemptions.steps("veth1", Optional.of("bwp1"), laidOut, Optional.of("10.244.0.1")))
        .isEmpty();
    // another gateway (a new address on the same device): only preference 2 changes
    assertThat(Exemptions.steps("veth1", Optional.of("bwp1"), laidOut, Optional.of("10.244.1.1")))
        .extracting(s -> String.join(" ", s))
        .containsExactly(
            "tc filter del dev veth1 parent ffff: prio 2",
            "tc filter add dev veth1 parent ffff: protocol ip prio 2 u32 match ip dst 10.244.1.1/32"
                + " flowid 1:1");
  }

  @Test
  void withoutAGatewayOnlyArpPassesAndWithoutAnIfbNothingChanges() {
    assertThat(Exemptions.steps("veth1", Optional.of("bwp1"), List.of(PLUGINS), Optional.empty()))
        .hasSize(3)
        .noneMatch(s -> s.contains("ip") && s.contains("dst"));
    assertThat(
            Exemptions.steps(
                "veth1", Optional.of("bwp1"), List.of(PLUGINS), Optional.of("fd00::1")))
        .hasSize(3);
    assertThat(Exemptions.steps("veth1", Optional.empty(), List.of(), Optional.of("10.244.0.1")))
        .isEmpty();
  }

  @Test
  void addressesAreWrittenAsTcPrintsTheKey() {
    assertThat(Exemptions.hex("10.244.0.1")).isEqualTo("af40001");
    assertThat(Exemptions.hex("192.168.1.254")).isEqualTo("c0a801fe");
    assertThat(Exemptions.isIpv4("10.244.0.1")).isTrue();
    assertThat(Exemptions.isIpv4("10.244.0.256")).isFalse();
    assertThat(Exemptions.isIpv4("10.244.0")).isFalse();
    assertThat(Exemptions.isIpv4("fd00::1")).isFalse();
  }

  @Test
  void theGatewayIsTheOneTheCniResultGaveThePodsAddress() throws Exception {
    var cached =
        new ObjectMapper()
            .readTree(
                """
                {"kind":"cniCacheV1","result":{"cniVersion":"1.0.0",
                  "interfaces":[{"name":"odoovps0"},{"name":"veth1"}],
                  "ips":[{"interface":1,"address":"10.244.0.7/24","gateway":"10.244.0.1"}]}}
                """);
    assertThat(CniResults.gateway(cached, "10.244.0.7")).hasValue("10.244.0.1");
    assertThat(CniResults.gateway(cached, "10.244.0.8")).isEmpty();
  }
}
