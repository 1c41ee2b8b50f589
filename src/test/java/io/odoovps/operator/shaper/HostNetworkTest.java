package io.odoovps.operator.shaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shaper's {@code ip}/{@code tc} calls on this machine's kernel, in a network namespace of
 * their own: a veth pair and an IFB device laid out as the bandwidth CNI plugin lays them (a TBF
 * with its 512 MiB burst on the host veth, the veth's ingress redirected to the IFB, a TBF there),
 * changed in place and read back. Needs root and iproute2 (as `make e2e` does); skipped otherwise.
 */
class HostNetworkTest {

  private static final String NS = "odoovps-shaper-test";
  private final HostNetwork net = new HostNetwork(List.of("ip", "netns", "exec", NS));

  @BeforeEach
  void plumb() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")), "needs root for a network namespace");
    assumeTrue(sh("ip", "netns", "add", NS) == 0, "ip netns add refused");
    for (var argv :
        List.of(
            "ip link add hostveth type veth peer name podeth",
            "ip link add bwptest type ifb",
            "ip link set hostveth up",
            "ip link set podeth up",
            "ip link set bwptest up",
            "tc qdisc add dev hostveth root handle 1: tbf rate 100mbit burst 536870911 latency 25ms",
            "tc qdisc add dev hostveth handle ffff: ingress",
            "tc filter add dev hostveth parent ffff: protocol all prio 1 u32 match u32 0 0"
                + " flowid 1:1 action mirred egress redirect dev bwptest",
            "tc qdisc add dev bwptest root handle 1: tbf rate 100mbit burst 536870911 latency"
                + " 25ms")) {
      var command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", NS));
      command.addAll(List.of(argv.split(" ")));
      assertThat(sh(command.toArray(String[]::new))).as(argv).isZero();
    }
  }

  @AfterEach
  void unplumb() throws Exception {
    sh("ip", "netns", "del", NS);
  }

  @Test
  void readsTheCniPluginsLayoutAndRewritesBothBucketsInPlace() throws IOException {
    assertThat(net.isVeth("hostveth")).isTrue();
    assertThat(net.isVeth("bwptest")).isFalse();
    assertThat(net.isVeth("nothere")).isFalse();
    var before = net.devices("hostveth");
    assertThat(before.ifb()).hasValue("bwptest");
    var plugins = new TokenBucket(100_000_000, 536_870_911);
    assertThat(before.hostRoot()).get().matches(plugins::matches);
    assertThat(before.ifbRoot()).get().matches(plugins::matches);

    var plan = Shaping.plan(OptionalLong.of(1_000_000), OptionalLong.of(1_000_000), before);
    for (var change : plan.changes()) {
      net.replace(change);
    }
    var after = net.devices("hostveth");
    var one = TokenBucket.forRate(1_000_000);
    assertThat(after.hostRoot()).get().matches(one::matches);
    assertThat(after.ifbRoot()).get().matches(one::matches);
    assertThat(after.ifb()).as("the redirect is kept").hasValue("bwptest");
    assertThat(
            Shaping.plan(OptionalLong.of(1_000_000), OptionalLong.of(1_000_000), after).changes())
        .isEmpty();
    assertThat(Shaping.applied(after, plan.problems()))
        .containsEntry(Shaping.APPLIED_INGRESS, "1M")
        .containsEntry(Shaping.APPLIED_EGRESS, "1M");
    assertThat(net.devices("podeth"))
        .isEqualTo(
            new Shaping.Devices("podeth", Optional.empty(), Optional.empty(), Optional.empty()));
  }

  @Test
  void writesAndReplacesThePacketLimitTableInOneTransaction() throws IOException {
    assumeTrue(sh0("nft", "--version"), "needs nft (make test installs Debian's nftables)");
    net.nft(PacketLimits.script(List.of("10.244.0.7", "10.244.0.9"), 200, 20));
    var listed = net.listLimits();
    assertThat(listed)
        .contains("hook forward priority filter - 10")
        .contains(
            "ip saddr 10.244.0.7 meta l4proto udp limit rate over 200/second burst 20 packets")
        .contains(
            "ip daddr 10.244.0.9 meta l4proto icmp limit rate over 20/second burst 2 packets");
    // one pod left: the table is replaced whole, the other's rules are gone
    net.nft(PacketLimits.script(List.of("10.244.0.9"), 200, 20));
    assertThat(net.listLimits()).doesNotContain("10.244.0.7").contains("10.244.0.9");
    net.nft(PacketLimits.script(List.of(), 200, 20));
    assertThat(net.listLimits()).isEmpty();
  }

  private static boolean sh0(String... argv) {
    try {
      return sh(argv) == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static int sh(String... argv) throws IOException, InterruptedException {
    return new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor();
  }
}
