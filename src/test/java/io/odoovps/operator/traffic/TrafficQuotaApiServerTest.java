package io.odoovps.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.PrometheusServer;
import io.odoovps.operator.testing.SyntheticExporter;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.vps.OdooVpsReconciler;
import io.odoovps.operator.vps.VirtualMachineDesign;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The 10 TB quota end to end: a real Prometheus (built from its Go module) scrapes a synthetic
 * KubeVirt exporter; the operator reads the VM's transmit counter over Prometheus's query API,
 * keeps the ledger in status across a counter reset and an operator restart, throttles the VPS to 1
 * Mbit/s past the quota (VM template annotations, the live Kube-OVN annotations on the running
 * pod), emails the customer, and lifts the throttle when the billing cycle ends on the moved clock.
 */
class TrafficQuotaApiServerTest extends VpsOperatorTestBase {

  private static SyntheticExporter exporter;
  private static PrometheusServer prometheus;
  private SimpleMeterRegistry registry;

  @BeforeAll
  static void startPrometheus() {
    exporter = new SyntheticExporter();
    prometheus = new PrometheusServer(List.of(exporter.target()));
  }

  @AfterAll
  static void stopPrometheus() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  @Override
  protected OperatorConfig config() {
    return TestConfig.with(
        Map.of(
            "odoovps.traffic.prometheus.url", prometheus.baseUri().toString(),
            "odoovps.traffic.prometheus.interval", "1s",
            "odoovps.traffic.prometheus.record-interval", "0s",
            "odoovps.traffic.live-annotations.\"ovn.kubernetes.io/ingress_rate\"", "{mbps}",
            "odoovps.traffic.live-annotations.\"ovn.kubernetes.io/egress_rate\"", "{mbps}"));
  }

  @Override
  protected TestOperator newOperator() {
    registry = new SimpleMeterRegistry(); // a restarted operator starts with fresh metrics
    return TestOperator.start(
        namespace, new OdooVpsReconciler(config(), clock, mailbox.mailer(), registry));
  }

  private TrafficStatus traffic(String name) {
    var vps = vps(name);
    return vps == null || vps.getStatus() == null ? null : vps.getStatus().getTraffic();
  }

  private void awaitTraffic(String name, Predicate<TrafficStatus> condition) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> condition.test(traffic(name)));
  }

  /** Plays virt-controller: the VM's virt-launcher pod, with the template's labels. */
  private void createLauncherPod(String vps) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("virt-launcher-" + vps + "-abcde")
            .withNamespace(namespace)
            .withLabels(Map.of(VpsLabels.VPS, vps, "kubevirt.io", "virt-launcher"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("compute")
            .withImage("quay.io/kubevirt/virt-launcher:v1.6.0")
            .endContainer()
            .endSpec()
            .build();
    client.resource(pod).create();
  }

  private Map<String, String> podAnnotations(String vps) {
    var pod =
        client.pods().inNamespace(namespace).withName("virt-launcher-" + vps + "-abcde").get();
    return pod.getMetadata().getAnnotations() == null
        ? Map.of()
        : pod.getMetadata().getAnnotations();
  }

  private Map<String, String> templateAnnotations(String vps) {
    return vm(vps).getSpec().template().metadata().getAnnotations();
  }

  private double gauge(String name) {
    var gauge = registry.find(name).tag("vps", "shop").gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  @Test
  void theQuotaIsCountedAcrossACounterResetAndARestartThenThrottlesUntilTheCycleEnds() {
    exporter.set(namespace, "shop", "default", 0);
    create(VpsFixtures.vps(namespace, "shop"));
    createLauncherPod("shop");

    // the first reading is the baseline; bandwidth at 100 Mbit/s both ways
    awaitTraffic("shop", t -> t != null && t.lastCounter() != null && t.lastCounter() == 0);
    var first = traffic("shop");
    assertThat(first.bytesUsed()).isZero();
    assertThat(first.quotaBytes()).isEqualTo(10_000_000_000_000L);
    assertThat(first.throttled()).isFalse();
    assertThat(first.bandwidthMbps()).isEqualTo(100);
    assertThat(first.cycleEnd()).isEqualTo("2026-03-15T09:00:00Z");
    assertThat(first.problem()).isNull();
    assertThat(templateAnnotations("shop"))
        .containsEntry(VirtualMachineDesign.INGRESS_BANDWIDTH, "100M")
        .containsEntry(VirtualMachineDesign.EGRESS_BANDWIDTH, "100M");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "100".equals(podAnnotations("shop").get("ovn.kubernetes.io/egress_rate")));
    assertThat(podAnnotations("shop")).containsEntry("ovn.kubernetes.io/ingress_rate", "100");

    // 4 TB sent, then the VM restarts (counter reset) and sends 1 TB more
    exporter.set(namespace, "shop", "default", 4_000_000_000_000L);
    awaitTraffic("shop", t -> t.bytesUsed() == 4_000_000_000_000L);
    exporter.set(namespace, "shop", "default", 1_000_000_000_000L);
    awaitTraffic("shop", t -> t.bytesUsed() == 5_000_000_000_000L);
    assertThat(traffic("shop").lastCounter()).isEqualTo(1_000_000_000_000L);

    // the operator restarts: the ledger resumes from status; a second interface adds up
    operator.close();
    operator = newOperator();
    exporter.set(namespace, "shop", "default", 3_000_000_000_000L);
    exporter.set(namespace, "shop", "net1", 1_000_000_000_000L);
    awaitTraffic("shop", t -> t.bytesUsed() == 8_000_000_000_000L);
    assertThat(traffic("shop").throttled()).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("odoovps.vps.traffic.bytes") == 8e12);

    // past 10 TB: 1 Mbit/s until the cycle ends, and the customer is told
    exporter.set(namespace, "shop", "default", 5_500_000_000_000L);
    awaitTraffic("shop", t -> Boolean.TRUE.equals(t.throttled()));
    var throttled = traffic("shop");
    assertThat(throttled.bytesUsed()).isEqualTo(10_500_000_000_000L);
    assertThat(throttled.bandwidthMbps()).isEqualTo(1);
    assertThat(throttled.throttleNoticeSentAt()).isNotNull();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "1M".equals(templateAnnotations("shop").get(VirtualMachineDesign.EGRESS_BANDWIDTH))
                    && "1".equals(podAnnotations("shop").get("ovn.kubernetes.io/egress_rate")));
    var mails = mailbox.receivedBy("shop@customer.example");
    assertThat(mails).anySatisfy(m -> assertThat(m.body()).contains("2026-03-15T09:00:00Z"));
    assertThat(eventReasons("shop")).contains("Throttled");
    assertThat(gauge("odoovps.vps.throttled")).isEqualTo(1.0);

    // more traffic does not email again
    exporter.set(namespace, "shop", "default", 6_000_000_000_000L);
    awaitTraffic("shop", t -> t.bytesUsed() == 11_000_000_000_000L);
    var throttleMails =
        mailbox.receivedBy("shop@customer.example").stream()
            .filter(m -> m.body().contains("2026-03-15T09:00:00Z"))
            .count();
    assertThat(throttleMails).isEqualTo(1);

    // an idle VM (the counter stands still): polls every second and resyncs write nothing
    var audit = ControlPlane.get().auditLog();
    var mark = audit.mark();
    await()
        .pollDelay(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        audit.writesSince(mark, ControlPlane.OPERATOR_USER_AGENT).stream()
                            .filter(w -> namespace.equals(w.namespace()))
                            .toList())
                    .as("writes while the counter stands still")
                    .isEmpty());

    // the billing cycle ends: a new ledger, the throttle lifts by itself
    clock.set(Instant.parse("2026-03-15T09:00:01Z"));
    awaitTraffic("shop", t -> Boolean.FALSE.equals(t.throttled()));
    var next = traffic("shop");
    assertThat(next.cycleStart()).isEqualTo("2026-03-15T09:00:00Z");
    assertThat(next.bytesUsed()).isZero();
    assertThat(next.bandwidthMbps()).isEqualTo(100);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "100M"
                        .equals(
                            templateAnnotations("shop").get(VirtualMachineDesign.EGRESS_BANDWIDTH))
                    && "100".equals(podAnnotations("shop").get("ovn.kubernetes.io/egress_rate")));
    assertThat(eventReasons("shop")).contains("ThrottleLifted");
  }

  @Test
  void aVpsWithoutSeriesAndAnUnreachablePrometheusSayWhyTrafficIsNotCounted() {
    create(VpsFixtures.vps(namespace, "quiet"));
    awaitTraffic(
        "quiet",
        t -> t != null && t.problem() != null && t.problem().contains(PrometheusTraffic.METRIC));
    assertThat(traffic("quiet").problem()).contains(PrometheusTraffic.METRIC);
    assertThat(traffic("quiet").throttled()).isFalse();
  }
}
