package io.odoovps.operator.shaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ShapingTest {

  private static final TokenBucket HUNDRED = TokenBucket.forRate(100_000_000);
  private static final TokenBucket ONE = TokenBucket.forRate(1_000_000);

  @Test
  void ratesAreKubernetesQuantitiesInBitsPerSecond() {
    assertThat(Rates.bits("100M")).hasValue(100_000_000);
    assertThat(Rates.bits("1M")).hasValue(1_000_000);
    assertThat(Rates.bits("10Mi")).hasValue(10L * 1024 * 1024);
    assertThat(Rates.bits("1500k")).hasValue(1_500_000);
    assertThat(Rates.bits(" 250000 ")).hasValue(250_000);
    assertThat(Rates.bits("0")).isEmpty();
    assertThat(Rates.bits("-1M")).isEmpty();
    assertThat(Rates.bits("fast")).isEmpty();
    assertThat(Rates.bits(null)).isEmpty();
    assertThat(Rates.quantity(100_000_000)).isEqualTo("100M");
    assertThat(Rates.quantity(1_500_000)).isEqualTo("1500k");
    assertThat(Rates.quantity(1_000_000_000)).isEqualTo("1G");
    assertThat(Rates.quantity(1234)).isEqualTo("1234");
  }

  @Test
  void theBurstIsTwentyMillisecondsAndNeverUnderThirtyTwoKibibytes() {
    assertThat(HUNDRED.burstBytes()).isEqualTo(250_000);
    assertThat(ONE.burstBytes()).isEqualTo(32 * 1024);
    assertThat(HUNDRED.tcArguments())
        .containsExactly("tbf", "rate", "100000000bit", "burst", "250000", "latency", "25ms");
    assertThatThrownBy(() -> new TokenBucket(0, 1)).hasMessageContaining("rate");
    assertThat(HUNDRED.matches(new TokenBucket(100_000_000, 249_990))).isTrue();
    assertThat(HUNDRED.matches(new TokenBucket(100_000_000, 536_870_900))).isFalse();
    assertThat(HUNDRED.matches(new TokenBucket(99_000_000, 250_000))).isFalse();
  }

  @Test
  void theHostVethIsTheInterfaceWithoutSandboxOfTheResultThatGaveTheAddress() throws Exception {
    var cached =
        new ObjectMapper()
            .readTree(
                """
                {"kind":"cniCacheV1","containerId":"abc","ifName":"eth0","networkName":"pods",
                 "result":{"cniVersion":"1.0.0",
                   "interfaces":[{"name":"cni0","mac":"aa"},{"name":"veth1a2b","mac":"bb"},
                     {"name":"eth0","mac":"cc","sandbox":"/var/run/netns/cni-1"},
                     {"name":"bwp0123","mac":"dd"}],
                   "ips":[{"interface":2,"address":"10.244.0.7/24","gateway":"10.244.0.1"}]}}
                """);
    assertThat(CniResults.hostInterfaces(cached, "10.244.0.7"))
        .containsExactly("cni0", "veth1a2b", "bwp0123");
    assertThat(CniResults.hostInterfaces(cached, "10.244.0.70")).isEmpty();
    assertThat(CniResults.hostInterfaces(cached.get("result"), "10.244.0.7")).hasSize(3);
  }

  @Test
  void thePlanRewritesOnlyTheBucketsThatDiffer() {
    var atStart =
        new Shaping.Devices(
            "veth1",
            Optional.of(new TokenBucket(100_000_000, 536_870_911)),
            Optional.of("bwp1"),
            Optional.of(new TokenBucket(100_000_000, 536_870_911)));
    var plan = Shaping.plan(OptionalLong.of(100_000_000), OptionalLong.of(100_000_000), atStart);
    // the CNI plugin's half-gigabyte burst is replaced even at the same rate
    assertThat(plan.changes())
        .containsExactly(new Shaping.Change("veth1", HUNDRED), new Shaping.Change("bwp1", HUNDRED));
    assertThat(plan.problems()).isEmpty();

    var shaped =
        new Shaping.Devices(
            "veth1", Optional.of(HUNDRED), Optional.of("bwp1"), Optional.of(HUNDRED));
    assertThat(
            Shaping.plan(OptionalLong.of(100_000_000), OptionalLong.of(100_000_000), shaped)
                .changes())
        .isEmpty();
    assertThat(
            Shaping.plan(OptionalLong.of(1_000_000), OptionalLong.of(1_000_000), shaped).changes())
        .containsExactly(new Shaping.Change("veth1", ONE), new Shaping.Change("bwp1", ONE));
    // read back with the kernel's rounding of the burst: nothing to do
    var rounded =
        new Shaping.Devices(
            "veth1",
            Optional.of(new TokenBucket(1_000_000, 32_760)),
            Optional.of("bwp1"),
            Optional.of(new TokenBucket(1_000_000, 32_770)));
    assertThat(
            Shaping.plan(OptionalLong.of(1_000_000), OptionalLong.of(1_000_000), rounded).changes())
        .isEmpty();
    // no annotation: the device is left as it is
    assertThat(Shaping.plan(OptionalLong.empty(), OptionalLong.empty(), shaped).changes())
        .isEmpty();
  }

  @Test
  void withoutAnIfbTheEgressIsAProblemNamingTheDeviceAndThePlugin() {
    var noIfb =
        new Shaping.Devices("veth1", Optional.of(HUNDRED), Optional.empty(), Optional.empty());
    var plan = Shaping.plan(OptionalLong.of(1_000_000), OptionalLong.of(1_000_000), noIfb);
    assertThat(plan.changes()).containsExactly(new Shaping.Change("veth1", ONE));
    assertThat(plan.problems())
        .singleElement()
        .asString()
        .contains("veth1", "IFB", "bandwidth CNI plugin", "kubernetes.io/egress-bandwidth");
    var applied = Shaping.applied(noIfb, plan.problems());
    assertThat(applied)
        .containsEntry(Shaping.APPLIED_INGRESS, "100M")
        .containsEntry(Shaping.APPLIED_EGRESS, null);
    assertThat(applied.get(Shaping.PROBLEM)).contains("egress not shaped");
  }

  @Test
  void theAnnotationsPatchedAreOnlyThoseThatChangedAndNullRemoves() {
    var shaped =
        new Shaping.Devices("veth1", Optional.of(ONE), Optional.of("bwp1"), Optional.of(ONE));
    var wanted = Shaping.applied(shaped, List.of());
    Map<String, String> current = new HashMap<>();
    current.put(Shaping.APPLIED_INGRESS, "100M");
    current.put(Shaping.APPLIED_EGRESS, "1M");
    current.put(Shaping.PROBLEM, "old");
    current.put("kubevirt.io/domain", "vps");
    var patch = Shaping.differences(wanted, current);
    assertThat(patch).containsOnlyKeys(Shaping.APPLIED_INGRESS, Shaping.PROBLEM);
    assertThat(patch)
        .containsEntry(Shaping.APPLIED_INGRESS, "1M")
        .containsEntry(Shaping.PROBLEM, null);
    current.put(Shaping.APPLIED_INGRESS, "1M");
    current.remove(Shaping.PROBLEM);
    assertThat(Shaping.differences(wanted, current)).isEmpty();
    assertThat(Shaping.unreadable("no veth")).containsEntry(Shaping.PROBLEM, "no veth");
  }
}
