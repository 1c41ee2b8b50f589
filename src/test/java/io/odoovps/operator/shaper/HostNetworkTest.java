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
    // each change is a fresh qdisc (the other handle), not the old one changed with its queue
    assertThat(net.rootHandle("hostveth")).hasValue("2:");
    assertThat(net.rootHandle("bwptest")).hasValue("2:");
    net.replace(new Shaping.Change("bwptest", TokenBucket.forRate(100_000_000)));
    assertThat(net.rootHandle("bwptest")).hasValue("1:");
    assertThat(net.devices("hostveth").ifbRoot())
        .get()
        .matches(TokenBucket.forRate(100_000_000)::matches);
    net.replace(new Shaping.Change("bwptest", one));
    assertThat(net.rootHandle("bwptest")).hasValue("2:");
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

  /**
   * With the pod's side in a namespace of its own and its egress bucket dropping everything (the
   * IFB down, as a saturated bucket drops the most), the node still resolves the pod's address and
   * the pod's packets to its gateway still arrive, once the exemptions are laid out; before, ARP
   * fails with the rest.
   */
  @Test
  void arpAndThePodsPacketsToItsGatewayPassAFullBucket() throws Exception {
    var pod = NS + "-pod";
    assumeTrue(sh("ip", "netns", "add", pod) == 0, "ip netns add refused");
    try {
      for (var argv :
          List.of(
              "ip link set podeth netns " + pod,
              "ip link set bwptest down",
              "ip addr add 10.9.0.1/24 dev hostveth",
              "ip addr add 10.9.0.3/24 dev hostveth")) {
        assertThat(inNs(NS, argv)).as(argv).isZero();
      }
      for (var argv : List.of("ip link set podeth up", "ip addr add 10.9.0.2/24 dev podeth")) {
        assertThat(inNs(pod, argv)).as(argv).isZero();
      }
      inNs(NS, "timeout 2 bash -c </dev/tcp/10.9.0.2/9");
      assertThat(neighbour()).as("before: ARP is dropped in the bucket").doesNotContain("lladdr");

      var devices = net.devices("hostveth");
      for (var step :
          Exemptions.steps(
              "hostveth", devices.ifb(), net.ingressFilters("hostveth"), Optional.of("10.9.0.1"))) {
        net.tc(step);
      }
      assertThat(
              Exemptions.steps(
                  "hostveth",
                  devices.ifb(),
                  net.ingressFilters("hostveth"),
                  Optional.of("10.9.0.1")))
          .as("read back, the layout needs nothing more")
          .isEmpty();
      assertThat(net.devices("hostveth").ifb()).as("the redirect is kept").hasValue("bwptest");

      inNs(NS, "ip neigh flush dev hostveth");
      inNs(NS, "timeout 2 bash -c </dev/tcp/10.9.0.2/9");
      assertThat(neighbour()).as("after: the node resolves the pod").contains("lladdr");
      // to the gateway: the node's RST comes back at once; to another node address: dropped
      assertThat(inNs(pod, "timeout 3 bash -c </dev/tcp/10.9.0.1/9"))
          .as("refused, not timed out")
          .isEqualTo(1);
      assertThat(inNs(pod, "timeout 3 bash -c </dev/tcp/10.9.0.3/9"))
          .as("held in the bucket")
          .isEqualTo(124);
    } finally {
      sh("ip", "netns", "del", pod);
    }
  }

  private static String neighbour() throws IOException {
    var process =
        new ProcessBuilder("ip", "netns", "exec", NS, "ip", "neigh", "show", "10.9.0.2")
            .redirectErrorStream(true)
            .start();
    return new String(process.getInputStream().readAllBytes());
  }

  private static int inNs(String ns, String argv) throws IOException, InterruptedException {
    var command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns));
    command.addAll(List.of(argv.split(" ")));
    return sh(command.toArray(String[]::new));
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
