package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * `odoovps_support_tickets{phase}` on a real API server: tickets opened and resolved by the
 * TicketDesk, and deleted by hand (no finalizer), counted by phase only.
 */
class SupportTicketMetricsApiServerTest extends VpsOperatorTestBase {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Override
  protected TestOperator newOperator() {
    return TestOperator.start(
        namespace,
        new SupportTicketReconciler(
            TestConfig.support(Map.of()), clock, mailbox.mailer(), registry));
  }

  private double gauge(String phase) {
    var gauge = registry.find(TicketMetrics.NAME).tag("phase", phase).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  private AlertmanagerPayload notification(String status, String vps, String fingerprint) {
    return new AlertmanagerPayload(
        "4",
        "{}:{vps=\"" + vps + "\"}",
        status,
        "odoovps",
        List.of(
            new AlertmanagerPayload.Alert(
                status,
                Map.of(
                    "alertname", "OdooVpsCpuSaturated",
                    "namespace", namespace,
                    "vps", vps,
                    "severity", "warning",
                    "indicator", "cpu"),
                Map.of("summary", "CPU of " + vps + " saturated"),
                clock.instant().toString(),
                null,
                fingerprint)));
  }

  @Test
  void ticketsAreCountedByPhaseAndADeletedTicketDropsOut() {
    assertThat(registry.find(TicketMetrics.NAME).gauges())
        .as("one gauge per phase, no per-ticket or per-VPS tag")
        .hasSize(2)
        .allSatisfy(g -> assertThat(g.getId().getTags()).hasSize(2));
    assertThat(gauge("Open")).isZero();
    assertThat(gauge("Resolved")).isZero();

    var desk = new TicketDesk(client, clock, Duration.ofHours(24));
    desk.receive(notification("firing", "acme", "aaaa0001"));
    desk.receive(notification("firing", "boulangerie", "bbbb0002"));
    await().atMost(Duration.ofSeconds(20)).until(() -> gauge("Open") == 2);
    assertThat(gauge("Resolved")).isZero();

    desk.receive(notification("resolved", "acme", "aaaa0001"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> gauge("Open") == 1 && gauge("Resolved") == 1);

    client.resources(SupportTicket.class).inNamespace(namespace).delete();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> gauge("Open") == 0 && gauge("Resolved") == 0);
  }
}
