package io.odoovps.operator.mitigation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.traffic.FilterPolicyDesign;
import io.odoovps.operator.vps.OdooVpsReconciler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Port 25 and DDoS mitigation on the real API server: alerts arrive as SupportTickets (as the
 * Alertmanager webhook opens them), the operator keeps the VPS's MitigationState, refuses what the
 * contract forbids with the rule in a condition and an Event, and rewrites the VPS's traffic
 * NetworkPolicy and Service. The clock moves; nothing sleeps.
 */
class MitigationApiServerTest extends VpsOperatorTestBase {

  @Override
  protected OperatorConfig config() {
    return TestConfig.with(
        Map.of(
            "odoovps.traffic.mitigation.service-annotations.\"metallb.io/address-pool\"",
                "scrubbed",
            "odoovps.traffic.mitigation.scrubbing-cidrs", "203.0.113.0/24"));
  }

  @Override
  protected TestOperator newOperator() {
    return TestOperator.start(
        namespace,
        new OdooVpsReconciler(config(), clock, mailbox.mailer()),
        new MitigationStateReconciler(config(), clock, mailbox.mailer()));
  }

  private NetworkPolicy filter(String vps) {
    return client
        .network()
        .v1()
        .networkPolicies()
        .inNamespace(namespace)
        .withName(FilterPolicyDesign.name(vps))
        .get();
  }

  private MitigationState state(String vps) {
    return client.resources(MitigationState.class).inNamespace(namespace).withName(vps).get();
  }

  private static boolean covers(List<NetworkPolicyPort> ports, String protocol, int port) {
    return ports.stream()
        .anyMatch(
            p ->
                protocol.equals(p.getProtocol())
                    && p.getPort().getIntVal() <= port
                    && port <= (p.getEndPort() == null ? p.getPort().getIntVal() : p.getEndPort()));
  }

  /** Whether the filter lets the VPS send TCP to {@code port} on the Internet. */
  private boolean egressAllows(String vps, int port) {
    return filter(vps).getSpec().getEgress().stream()
        .filter(
            rule ->
                rule.getTo() != null
                    && rule.getTo().stream()
                        .anyMatch(
                            p ->
                                p.getIpBlock() != null
                                    && "0.0.0.0/0".equals(p.getIpBlock().getCidr())))
        .anyMatch(rule -> covers(rule.getPorts(), "TCP", port));
  }

  private void awaitState(String vps, Predicate<MitigationState> condition) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> condition.test(state(vps)));
  }

  private void awaitFilter(String vps, Predicate<NetworkPolicy> condition) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> condition.test(filter(vps)));
  }

  /** Opens (or reopens) the ticket of an alert, as the webhook does. */
  private void alert(String name, String vps, String alert, Map<String, String> labels) {
    var existing =
        client.resources(SupportTicket.class).inNamespace(namespace).withName(name).get();
    var now = Timestamps.format(clock.instant());
    if (existing == null) {
      var ticket = new SupportTicket();
      ticket.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
      var spec = new SupportTicketSpec();
      spec.setVps(vps);
      spec.setSummary(alert + " on " + vps);
      spec.setAlert(
          new SupportTicketSpec.Alert(alert, "fp-" + name, "network", "critical", now, labels));
      ticket.setSpec(spec);
      client.resource(ticket).create();
      setTicketStatus(
          name,
          new SupportTicketStatus(
              null,
              SupportTicketStatus.Phase.Open,
              now,
              null,
              null,
              0,
              null,
              0,
              null,
              null,
              null,
              null));
    } else {
      var s = existing.getStatus();
      setTicketStatus(
          name,
          new SupportTicketStatus(
              null,
              SupportTicketStatus.Phase.Open,
              s.openedAt(),
              null,
              now,
              s.reopenCount() + 1,
              null,
              0,
              null,
              null,
              null,
              null));
    }
  }

  private void resolve(String name) {
    var s =
        client
            .resources(SupportTicket.class)
            .inNamespace(namespace)
            .withName(name)
            .get()
            .getStatus();
    setTicketStatus(
        name,
        new SupportTicketStatus(
            null,
            SupportTicketStatus.Phase.Resolved,
            s.openedAt(),
            Timestamps.format(clock.instant()),
            s.reopenedAt(),
            s.reopenCount(),
            null,
            0,
            null,
            null,
            null,
            null));
  }

  private void setTicketStatus(String name, SupportTicketStatus status) {
    var ticket = client.resources(SupportTicket.class).inNamespace(namespace).withName(name).get();
    ticket.setStatus(status);
    client.resource(ticket).updateStatus();
  }

  private void request(String vps, Consumer<MitigationStateSpec> change) {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              client
                  .resources(MitigationState.class)
                  .inNamespace(namespace)
                  .withName(vps)
                  .edit(
                      m -> {
                        change.accept(m.getSpec());
                        return m;
                      });
              return true;
            });
  }

  private static String conditionMessage(MitigationState state, String type) {
    return ConditionList.find(state.getStatus().conditions(), type)
        .map(c -> c.getMessage())
        .orElse("");
  }

  @Test
  void spamBlocksPort25AlongTheLadderAndUnblockIsRefusedFromTheThirdBlock() {
    create(VpsFixtures.vps(namespace, "shop"));
    awaitFilter("shop", p -> p != null);
    assertThat(egressAllows("shop", 25)).as("port 25 open by default").isTrue();
    assertThat(egressAllows("shop", 6667)).as("IRC denied").isFalse();
    assertThat(egressAllows("shop", 443)).isTrue();

    // 1st spam detection: the operator creates the MitigationState, blocks 24 h, emails
    var start = clock.instant();
    alert("spam-shop", "shop", "OdooVpsSpamSuspected", Map.of());
    awaitState("shop", s -> s != null && s.getStatus() != null && s.getStatus().smtp().blocked());
    var first = state("shop");
    assertThat(first.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("shop"));
    assertThat(first.getStatus().smtp().blocks()).isEqualTo(1);
    assertThat(first.getStatus().smtp().blockedUntil())
        .isEqualTo(Timestamps.format(start.plus(Duration.ofHours(24))));
    awaitFilter("shop", p -> !egressAllows("shop", 25));
    assertThat(egressAllows("shop", 24)).isTrue();
    assertThat(egressAllows("shop", 26)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !mailbox.receivedBy("shop@customer.example").isEmpty());
    assertThat(mailbox.receivedBy("shop@customer.example").get(0).subject()).contains("Port 25");
    assertThat(mailbox.receivedBy("shop@customer.example").get(0).body())
        .contains(first.getStatus().smtp().blockedUntil());

    // the customer asks to unblock: granted (1st block)
    request("shop", s -> s.setSmtp(new MitigationStateSpec.Smtp("ticket-1")));
    awaitState("shop", s -> "Granted".equals(s.getStatus().smtp().unblockAnswer()));
    awaitFilter("shop", p -> egressAllows("shop", 25));

    // spam again: 2nd block, 7 days; unblock granted again
    resolve("spam-shop");
    clock.advance(Duration.ofHours(2));
    alert("spam-shop", "shop", "OdooVpsSpamSuspected", Map.of());
    awaitState("shop", s -> s.getStatus().smtp().blocks() == 2 && s.getStatus().smtp().blocked());
    assertThat(state("shop").getStatus().smtp().blockedUntil())
        .isEqualTo(Timestamps.format(clock.instant().plus(Duration.ofDays(7))));
    request("shop", s -> s.setSmtp(new MitigationStateSpec.Smtp("ticket-2")));
    awaitState("shop", s -> !s.getStatus().smtp().blocked());

    // 3rd block, 30 days: the unblock request is refused, naming the rule
    resolve("spam-shop");
    clock.advance(Duration.ofHours(2));
    alert("spam-shop", "shop", "OdooVpsSpamSuspected", Map.of());
    awaitState("shop", s -> s.getStatus().smtp().blocks() == 3 && s.getStatus().smtp().blocked());
    var until = state("shop").getStatus().smtp().blockedUntil();
    assertThat(until).isEqualTo(Timestamps.format(clock.instant().plus(Duration.ofDays(30))));
    request("shop", s -> s.setSmtp(new MitigationStateSpec.Smtp("ticket-3")));
    awaitState(
        "shop",
        s ->
            "False"
                .equals(
                    ConditionList.find(
                            s.getStatus().conditions(), MitigationStateReconciler.REQUESTS)
                        .map(c -> c.getStatus())
                        .orElse("")));
    var refused = state("shop");
    assertThat(refused.getStatus().smtp().blocked()).isTrue();
    assertThat(refused.getStatus().smtp().unblockAnswer()).startsWith("Refused");
    assertThat(conditionMessage(refused, MitigationStateReconciler.REQUESTS))
        .contains("spec.smtp.unblockRequest refused")
        .contains("from the third block on, unblock requests are refused (contract article 7)")
        .contains(until);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventReasons("shop").contains("RequestRefused"));
    assertThat(egressAllows("shop", 25)).isFalse();
    assertThat(mailbox.receivedBy("shop@customer.example")).hasSize(3);

    // the block ends by itself
    resolve("spam-shop");
    clock.advance(Duration.ofDays(30).plusMinutes(1));
    awaitState("shop", s -> !s.getStatus().smtp().blocked());
    awaitFilter("shop", p -> egressAllows("shop", 25));
    assertThat(state("shop").getStatus().smtp().blocks()).isEqualTo(3);
  }

  @Test
  void ddosMitigationHoldsTwentySixHoursAndItsLevelOnlyRises() {
    create(VpsFixtures.vps(namespace, "web"));
    awaitFilter("web", p -> p != null);
    var activated = clock.instant();
    alert("attack-web", "web", "OdooVpsDDoSAttack", Map.of("level", "2"));
    awaitState(
        "web",
        s ->
            s != null
                && s.getStatus() != null
                && Boolean.TRUE.equals(s.getStatus().ddos().active()));
    var on = state("web").getStatus().ddos();
    assertThat(on.level()).isEqualTo(2);
    assertThat(on.activatedAt()).isEqualTo(Timestamps.format(activated));
    assertThat(on.earliestEnd()).isEqualTo(Timestamps.format(activated.plus(Duration.ofHours(26))));
    assertThat(on.activatedBy()).isEqualTo("alert OdooVpsDDoSAttack");

    // level 2: inbound TCP on the service ports only, no UDP; the scrubbing route on the Service
    awaitFilter(
        "web",
        p ->
            p.getSpec().getIngress().stream()
                .filter(r -> r.getFrom() == null || r.getFrom().isEmpty())
                .allMatch(
                    r ->
                        r.getPorts().stream()
                            .allMatch(
                                port ->
                                    "TCP".equals(port.getProtocol())
                                        && port.getEndPort() == null)));
    var inbound =
        filter("web").getSpec().getIngress().stream()
            .filter(r -> r.getFrom() == null || r.getFrom().isEmpty())
            .findFirst()
            .orElseThrow();
    assertThat(inbound.getPorts())
        .extracting(p -> p.getPort().getIntVal())
        .containsExactly(22, 80, 443);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "scrubbed"
                    .equals(
                        service("web")
                            .getMetadata()
                            .getAnnotations()
                            .get("metallb.io/address-pool")));

    // ending it early is refused, with the rule; lowering the level too
    request("web", s -> s.setDdos(new MitigationStateSpec.Ddos(false, 1)));
    awaitState(
        "web", s -> conditionMessage(s, MitigationStateReconciler.REQUESTS).contains("26 hours"));
    var refused = conditionMessage(state("web"), MitigationStateReconciler.REQUESTS);
    assertThat(refused)
        .contains(
            "spec.ddos.active=false refused: DDoS mitigation holds at least 26 hours (contract article 9)")
        .contains("cannot end before " + on.earliestEnd())
        .contains(
            "spec.ddos.level=1 refused: the mitigation level can rise while active, not fall");
    assertThat(state("web").getStatus().ddos().active()).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventReasons("web").contains("RequestRefused"));

    // raising it to 3 routes inbound traffic through the scrubbing centre only
    request("web", s -> s.setDdos(new MitigationStateSpec.Ddos(false, 3)));
    awaitState("web", s -> s.getStatus().ddos().level() == 3);
    awaitFilter(
        "web",
        p ->
            p.getSpec().getIngress().stream()
                .anyMatch(
                    r ->
                        r.getFrom() != null
                            && r.getFrom().stream()
                                .anyMatch(
                                    f ->
                                        f.getIpBlock() != null
                                            && "203.0.113.0/24".equals(f.getIpBlock().getCidr()))));

    // 27 h later the attack still fires: the end request is still refused, for that reason
    clock.advance(Duration.ofHours(27));
    awaitState(
        "web",
        s -> conditionMessage(s, MitigationStateReconciler.REQUESTS).contains("still fires"));
    assertThat(state("web").getStatus().ddos().active()).isTrue();

    // the attack clears: the end request is honoured, the network goes back to normal
    resolve("attack-web");
    awaitState("web", s -> !Boolean.TRUE.equals(s.getStatus().ddos().active()));
    assertThat(state("web").getStatus().ddos().endedAt())
        .isEqualTo(Timestamps.format(clock.instant()));
    awaitFilter(
        "web",
        p -> p.getSpec().getIngress().stream().anyMatch(r -> covers(r.getPorts(), "TCP", 8069)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !service("web")
                    .getMetadata()
                    .getAnnotations()
                    .containsKey("metallb.io/address-pool"));
  }

  @Test
  void mitigationEndsByItselfAfterTwentySixHoursOnceTheAttackClears() {
    create(VpsFixtures.vps(namespace, "blog"));
    alert("attack-blog", "blog", "OdooVpsDDoSAttack", Map.of());
    awaitState(
        "blog",
        s ->
            s != null
                && s.getStatus() != null
                && Boolean.TRUE.equals(s.getStatus().ddos().active()));
    assertThat(state("blog").getStatus().ddos().level()).isEqualTo(1);
    resolve("attack-blog");
    clock.advance(Duration.ofHours(25));
    // cleared, but not 26 h yet: still on
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> state("blog").getStatus().ddos().active());
    clock.advance(Duration.ofHours(1).plusSeconds(1));
    awaitState("blog", s -> !Boolean.TRUE.equals(s.getStatus().ddos().active()));
    assertThat(state("blog").getStatus().ddos().activations()).isEqualTo(1);
  }

  @Test
  void theApiServerRefusesAMisnamedStateAndALevelOutOfRange() {
    var state = new MitigationState();
    state.setMetadata(new ObjectMetaBuilder().withName("other").withNamespace(namespace).build());
    var spec = new MitigationStateSpec();
    spec.setVps("shop");
    state.setSpec(spec);
    assertThatThrownBy(() -> client.resource(state).create())
        .hasMessageContaining("metadata.name must equal spec.vps");
    state.getMetadata().setName("shop");
    spec.setDdos(new MitigationStateSpec.Ddos(null, 4));
    assertThatThrownBy(() -> client.resource(state).create())
        .hasMessageContaining("spec.ddos.level");
  }

  private Service service(String name) {
    return client.services().inNamespace(namespace).withName(name).get();
  }
}
