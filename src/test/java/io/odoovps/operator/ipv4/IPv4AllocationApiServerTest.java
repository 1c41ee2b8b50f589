package io.odoovps.operator.ipv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.vps.OdooVpsConditions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The fixed IPv4 of contract article 3, on the real API server. */
class IPv4AllocationApiServerTest extends VpsOperatorTestBase {

  /** Settings a test adds before it restarts the operator. */
  private final Map<String, String> laterSettings = new HashMap<>();

  @Override
  protected OperatorConfig config() {
    var settings =
        new HashMap<>(
            Map.of(
                "odoovps.locations.marseille-1.ipv4-pool", "203.0.113.0/26",
                "odoovps.locations.tiny-1.ipv4-pool", "203.0.113.100-203.0.113.101",
                // a /24 of its own per test: allocations are cluster-wide
                "odoovps.locations.nice-1.ipv4-pool", "198.18.1.0/24",
                "odoovps.locations.nice-2.ipv4-pool", "198.18.2.0/24",
                "odoovps.locations.nice-2.ipv4-exclude", "198.18.2.1",
                "odoovps.locations.cannes-1.ipv4-pool", "198.18.3.0/24",
                "odoovps.locations.antibes-1.ipv4-pool", "198.18.4.0/24"));
    settings.putAll(laterSettings);
    return TestConfig.with(settings);
  }

  private List<IPv4Allocation> allocationsOf(String location) {
    return client
        .resources(IPv4Allocation.class)
        .withLabel("odoovps.io/location", location)
        .list()
        .getItems()
        .stream()
        .filter(a -> a.getSpec().getVps().namespace().equals(namespace))
        .toList();
  }

  @Test
  void fiftyVpsCreatedAtOnceGetFiftyDistinctAddressesAndReleaseThemAll() throws Exception {
    var audit = ControlPlane.get().auditLog();
    var mark = audit.mark();
    var names = IntStream.range(0, 50).mapToObj(i -> "shop-" + i).toList();
    var pool = Executors.newFixedThreadPool(10);
    var creations =
        names.stream()
            .map(
                name ->
                    pool.submit(
                        () -> {
                          var vps = VpsFixtures.vps(namespace, name);
                          vps.getSpec().setLocation("marseille-1");
                          return create(vps);
                        }))
            .toList();
    for (var creation : creations) {
      creation.get();
    }
    pool.shutdown();
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(() -> names.stream().allMatch(n -> vps(n).getStatus().getIpv4() != null));

    var addresses = names.stream().map(n -> vps(n).getStatus().getIpv4()).toList();
    assertThat(new HashSet<>(addresses)).as("no two VPSs share an address").hasSize(50);
    assertThat(addresses).allMatch(a -> a.startsWith("203.0.113."));
    assertThat(allocationsOf("marseille-1")).hasSize(50);
    var claims =
        audit.requestsSince(mark, ControlPlane.OPERATOR_USER_AGENT).stream()
            .filter(r -> r.resource().equals("ipv4allocations"))
            .toList();
    assertThat(claims.stream().filter(r -> r.verb().equals("create")))
        .as("one claim per VPS, none refused (concurrent reconciles take turns per pool)")
        .hasSize(50)
        .allMatch(r -> r.code() == 201);
    assertThat(claims)
        .as("no list of the allocations per VPS: the informer and the pool's cursor suffice")
        .noneMatch(r -> r.verb().equals("list"));
    for (var name : names) {
      var service = client.services().inNamespace(namespace).withName(name).get();
      assertThat(service.getSpec().getLoadBalancerIP()).isEqualTo(vps(name).getStatus().getIpv4());
      assertThat(service.getMetadata().getAnnotations())
          .containsEntry("metallb.io/loadBalancerIPs", vps(name).getStatus().getIpv4());
    }

    names.forEach(n -> editSpec(n, v -> v.getSpec().setTermination(new TerminationSpec(n))));
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(
            () ->
                names.stream().allMatch(n -> vps(n).getStatus().getPhase() == VpsPhase.Terminated));
    assertThat(allocationsOf("marseille-1")).as("no address leaks after termination").isEmpty();
  }

  @Test
  void theAddressSurvivesOperatorRestartsAndResizes() {
    var vps = VpsFixtures.vps(namespace, "steady");
    vps.getSpec().setLocation("marseille-1");
    create(vps);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> vps("steady").getStatus().getIpv4() != null);
    var address = vps("steady").getStatus().getIpv4();

    operator.close();
    operator = newOperator();
    editSpec("steady", v -> v.getSpec().getPlan().setVcpu(6));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> vm("steady").getSpec().template().spec().domain().cpu().sockets() == 6);
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vps("steady").getStatus().getIpv4()).isEqualTo(address);
    assertThat(
            client
                .services()
                .inNamespace(namespace)
                .withName("steady")
                .get()
                .getSpec()
                .getLoadBalancerIP())
        .isEqualTo(address);
    assertThat(allocationsOf("marseille-1"))
        .singleElement()
        .satisfies(a -> assertThat(a.getMetadata().getName()).isEqualTo(address));
  }

  @Test
  void anExhaustedPoolIsAConditionAndNothingIsCreatedHalfway() {
    for (var name : List.of("first", "second", "third")) {
      var vps = VpsFixtures.vps(namespace, name);
      vps.getSpec().setLocation("tiny-1");
      create(vps);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> vps(name).getStatus() != null);
    }
    awaitPhase("third", VpsPhase.Pending);
    var third = vps("third");
    assertThat(condition(third, "IPv4Allocated")).isEqualTo("False");
    assertThat(conditionReason(third, "IPv4Allocated")).isEqualTo("PoolExhausted");
    assertThat(third.getStatus().getConditions())
        .anySatisfy(
            c ->
                assertThat(c.getMessage()).contains("tiny-1 is exhausted (2 addresses, all held)"));
    assertThat(vm("third")).isNull();
    assertThat(client.services().inNamespace(namespace).withName("third").get()).isNull();
    assertThat(
            client
                .secrets()
                .inNamespace(namespace)
                .withLabel("odoovps.io/vps", "third")
                .list()
                .getItems())
        .isEmpty();
    assertThat(eventReasons("third")).contains("PoolExhausted");

    // Freeing an address lets the waiting VPS through.
    editSpec("first", v -> v.getSpec().setTermination(new TerminationSpec("first")));
    awaitPhase("first", VpsPhase.Terminated);
    // The pending VPS retries within a minute; a spec touch wakes it at once.
    editSpec("third", v -> v.getSpec().getCustomer().setPhone("+33 1 23 45 67 89"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> vps("third").getStatus().getIpv4() != null);
    assertThat(vm("third")).isNotNull();
  }

  @Test
  void anUnknownLocationIsRefusedByNameWithoutCreatingAnything() {
    var vps = VpsFixtures.vps(namespace, "lost");
    vps.getSpec().setLocation("atlantis-9");
    create(vps);
    awaitPhase("lost", VpsPhase.Invalid);
    assertThat(vps("lost").getStatus().getConditions())
        .anySatisfy(
            c ->
                assertThat(c.getMessage())
                    .contains("spec.location atlantis-9 is not a datacenter"));
    assertThat(vm("lost")).isNull();
  }

  private String addressOf(String name) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> vps(name).getStatus().getIpv4() != null);
    return vps(name).getStatus().getIpv4();
  }

  private OdooVps vpsIn(String name, String location) {
    var vps = VpsFixtures.vps(namespace, name);
    vps.getSpec().setLocation(location);
    return create(vps);
  }

  @Test
  void theFirstVpsOfASlash24GetsDotOneNeverTheNetworkAddress() {
    vpsIn("first-of-block", "nice-1");

    assertThat(addressOf("first-of-block")).isEqualTo("198.18.1.1");
    assertThat(client.resources(IPv4Allocation.class).withName("198.18.1.0").get()).isNull();
    assertThat(client.services().inNamespace(namespace).withName("first-of-block").get())
        .satisfies(s -> assertThat(s.getSpec().getLoadBalancerIP()).isEqualTo("198.18.1.1"));
  }

  @Test
  void theFirstVpsOfABlockWithAnExcludedGatewayGetsTheNextAddress() {
    vpsIn("after-gateway", "nice-2");
    assertThat(addressOf("after-gateway")).isEqualTo("198.18.2.2");

    vpsIn("next-after-gateway", "nice-2");
    assertThat(addressOf("next-after-gateway")).isEqualTo("198.18.2.3");
    assertThat(client.resources(IPv4Allocation.class).withName("198.18.2.1").get()).isNull();
  }

  @Test
  void anAddressExcludedAfterItWasAllocatedStaysWithItsVpsWithAWarningAndIsNotHandedOutAgain() {
    vpsIn("holder", "cannes-1");
    assertThat(addressOf("holder")).isEqualTo("198.18.3.1");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "Allocated".equals(conditionReason(vps("holder"), "IPv4Allocated")));

    // The platform learns 198.18.3.1 is the gateway and excludes it; the operator restarts.
    operator.close();
    laterSettings.put("odoovps.locations.cannes-1.ipv4-exclude", "198.18.3.1");
    operator = newOperator();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                OdooVpsConditions.REASON_KEPT_OUTSIDE_POOL.equals(
                    conditionReason(vps("holder"), "IPv4Allocated")));
    var holder = vps("holder");
    assertThat(holder.getStatus().getIpv4()).isEqualTo("198.18.3.1");
    assertThat(condition(holder, "IPv4Allocated")).isEqualTo("True");
    assertThat(holder.getStatus().getConditions())
        .anySatisfy(
            c ->
                assertThat(c.getMessage())
                    .contains("holds 198.18.3.1 for its whole life (contract article 3)")
                    .contains("198.18.3.1 is excluded (exclusion 198.18.3.1)")
                    .contains("odoovps.locations.cannes-1")
                    .contains("New allocations skip it"));
    assertThat(client.resources(IPv4Allocation.class).withName("198.18.3.1").get())
        .satisfies(a -> assertThat(a.getSpec().getVps().name()).isEqualTo("holder"));
    assertThat(
            client
                .services()
                .inNamespace(namespace)
                .withName("holder")
                .get()
                .getSpec()
                .getLoadBalancerIP())
        .isEqualTo("198.18.3.1");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(events("holder"))
                    .filteredOn(
                        e -> OdooVpsConditions.REASON_KEPT_OUTSIDE_POOL.equals(e.getReason()))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning")));

    // A new VPS skips the excluded address.
    vpsIn("newcomer", "cannes-1");
    assertThat(addressOf("newcomer")).isEqualTo("198.18.3.2");

    // Resyncs keep the address and record no second Warning.
    editSpec("holder", v -> v.getSpec().getCustomer().setPhone("+33 1 23 45 67 89"));
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vps("holder").getStatus().getIpv4()).isEqualTo("198.18.3.1");
    assertThat(eventReasons("holder"))
        .filteredOn(OdooVpsConditions.REASON_KEPT_OUTSIDE_POOL::equals)
        .hasSize(1);
  }

  @Test
  void aMalformedExclusionKeepsTheAddressesHeldAndMakesNewVpssWaitNamingTheEntry() {
    vpsIn("before-typo", "antibes-1");
    assertThat(addressOf("before-typo")).isEqualTo("198.18.4.1");

    operator.close();
    laterSettings.put("odoovps.locations.antibes-1.ipv4-exclude", "198.18.4.1,gateway");
    operator = newOperator();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                OdooVpsConditions.REASON_KEPT_OUTSIDE_POOL.equals(
                    conditionReason(vps("before-typo"), "IPv4Allocated")));
    assertThat(vps("before-typo").getStatus().getIpv4()).isEqualTo("198.18.4.1");
    assertThat(vps("before-typo").getStatus().getConditions())
        .anySatisfy(
            c ->
                assertThat(c.getMessage())
                    .contains("the IPv4 pool of antibes-1 cannot be read")
                    .contains("malformed IPv4 exclusion 'gateway'"));

    vpsIn("after-typo", "antibes-1");
    awaitPhase("after-typo", VpsPhase.Pending);
    assertThat(condition(vps("after-typo"), "IPv4Allocated")).isEqualTo("False");
    assertThat(vps("after-typo").getStatus().getConditions())
        .anySatisfy(
            c ->
                assertThat(c.getMessage())
                    .contains("Location antibes-1: malformed IPv4 exclusion 'gateway'")
                    .contains("odoovps.locations.antibes-1.ipv4-exclude"));
    assertThat(vm("after-typo")).isNull();
  }
}
