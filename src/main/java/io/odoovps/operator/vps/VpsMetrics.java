package io.odoovps.operator.vps;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.odoovps.operator.api.v1alpha1.odoovps.AvailabilityStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OdooVps controller's metrics, tagged by controller and phase, never by resource (a per-VPS
 * label would grow without bound): `odoovps_reconciliations_total{result}` and
 * `odoovps_vps{phase}`.
 */
public class VpsMetrics {

  private final Counter success;
  private final Counter failure;
  private final Map<String, VpsPhase> phases = new ConcurrentHashMap<>();

  private final MeterRegistry registry;
  private final java.time.Clock clock;
  private final Map<String, Availability> availability = new ConcurrentHashMap<>();

  /** One VPS's availability gauges and what they read. */
  private static final class Availability {
    volatile AvailabilityStatus status;
    volatile boolean ready = true;
    volatile io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus traffic;
    volatile long bytesUsed;
    volatile java.time.Instant withoutBackupSince;
    List<Meter> meters = List.of();
  }

  public VpsMetrics(MeterRegistry registry) {
    this(registry, java.time.Clock.systemUTC());
  }

  public VpsMetrics(MeterRegistry registry, java.time.Clock clock) {
    this.registry = registry;
    this.clock = clock;
    success = reconciliations(registry, "success");
    failure = reconciliations(registry, "error");
    for (var phase : VpsPhase.values()) {
      Gauge.builder("odoovps.vps", phases, m -> m.values().stream().filter(p -> p == phase).count())
          .description("OdooVps resources by lifecycle phase")
          .tag("controller", OdooVpsReconciler.NAME)
          .tag("phase", phase.name())
          .register(registry);
    }
  }

  private static Counter reconciliations(MeterRegistry registry, String result) {
    return Counter.builder("odoovps.reconciliations")
        .description("Reconciles of OdooVps resources")
        .tag("controller", OdooVpsReconciler.NAME)
        .tag("result", result)
        .register(registry);
  }

  void reconciled(String uid, VpsPhase phase) {
    success.increment();
    if (phase != null) {
      phases.put(uid, phase);
    }
  }

  void failed() {
    failure.increment();
  }

  void forget(String uid) {
    phases.remove(uid);
    retire(uid);
  }

  /**
   * Removes the per-VPS gauges of a terminated VPS (it keeps counting in its phase): its last
   * readiness must not hold the Down alert on, nor its error budget the burn alert.
   */
  void retire(String uid) {
    var gone = availability.remove(uid);
    if (gone != null) {
      gone.meters.forEach(registry::remove);
    }
  }

  /**
   * Per-VPS gauges for the availability alerts: `odoovps_vps_ready`,
   * `odoovps_vps_availability_ratio` and `odoovps_vps_error_budget_remaining_seconds`, tagged by
   * namespace and VPS, computed live from the status (an ongoing outage grows between writes).
   */
  void availability(
      String uid, String namespace, String vps, AvailabilityStatus status, boolean ready) {
    var holder = holder(uid, namespace, vps);
    holder.status = status;
    holder.ready = ready;
  }

  /**
   * Per-VPS traffic gauges: `odoovps_vps_traffic_bytes` (outbound bytes of the cycle, live),
   * `odoovps_vps_traffic_quota_bytes`, `odoovps_vps_throttled` and
   * `odoovps_vps_traffic_cycle_end_timestamp_seconds`.
   */
  void traffic(
      String uid,
      String namespace,
      String vps,
      io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus status,
      long bytesUsed) {
    var holder = holder(uid, namespace, vps);
    holder.traffic = status;
    holder.bytesUsed = bytesUsed;
  }

  /**
   * The backup gauge: `odoovps_vps_backup_age_seconds`, seconds since the VPS's last successful
   * backup (since its creation before the first), live; the chart's OdooVpsNotBackedUp alert fires
   * past 26 hours.
   */
  void backup(String uid, String namespace, String vps, java.time.Instant withoutBackupSince) {
    holder(uid, namespace, vps).withoutBackupSince = withoutBackupSince;
  }

  /** The gauges of a pass that measured the VPS: traffic, availability and backup age. */
  void measured(
      io.odoovps.operator.api.v1alpha1.odoovps.OdooVps vps, VpsDecision.Pass pass, long bytesUsed) {
    var uid = vps.getMetadata().getUid();
    var namespace = vps.getMetadata().getNamespace();
    var name = vps.getMetadata().getName();
    var sections = pass.sections();
    traffic(uid, namespace, name, sections.traffic(), bytesUsed);
    availability(uid, namespace, name, sections.availability(), !pass.down());
    backup(uid, namespace, name, sections.backup().withoutBackupSince());
  }

  /** Registers one VPS's gauges, tagged by namespace and VPS, and keeps them for removal. */
  private final class GaugeRegistrar {
    private final Availability holder;
    private final String namespace;
    private final String vps;
    private final List<Meter> meters = new java.util.ArrayList<>();

    GaugeRegistrar(Availability holder, String namespace, String vps) {
      this.holder = holder;
      this.namespace = namespace;
      this.vps = vps;
    }

    void add(
        String name, String description, java.util.function.ToDoubleFunction<Availability> value) {
      meters.add(
          Gauge.builder(name, holder, value)
              .description(description)
              .tags("namespace", namespace, "vps", vps)
              .register(registry));
    }
  }

  private Availability holder(String uid, String namespace, String vps) {
    return availability.computeIfAbsent(
        uid,
        k -> {
          var h = new Availability();
          var gauge = new GaugeRegistrar(h, namespace, vps);
          gauge.add(
              "odoovps.vps.traffic.bytes", "Outbound bytes of the billing cycle", a -> a.bytesUsed);
          gauge.add(
              "odoovps.vps.traffic.quota.bytes",
              "Outbound bytes allowed per billing cycle before the throttle",
              a ->
                  a.traffic == null || a.traffic.quotaBytes() == null
                      ? Double.NaN
                      : a.traffic.quotaBytes());
          gauge.add(
              "odoovps.vps.throttled",
              "1 while the VPS is throttled past its monthly quota",
              a -> a.traffic != null && Boolean.TRUE.equals(a.traffic.throttled()) ? 1 : 0);
          gauge.add(
              "odoovps.vps.traffic.cycle.end.timestamp.seconds",
              "End of the billing cycle the traffic is counted in",
              a ->
                  a.traffic == null || a.traffic.cycleEnd() == null
                      ? Double.NaN
                      : java.time.Instant.parse(a.traffic.cycleEnd()).getEpochSecond());
          gauge.add(
              "odoovps.vps.backup.age.seconds",
              "Seconds since the last successful backup (since creation, before the first)",
              a ->
                  a.withoutBackupSince == null
                      ? Double.NaN
                      : java.time.Duration.between(a.withoutBackupSince, clock.instant())
                          .getSeconds());
          gauge.add(
              "odoovps.vps.ready",
              "0 while the VPS is down although meant to run (counts against availability)",
              a -> a.ready ? 1 : 0);
          gauge.add(
              "odoovps.vps.availability.ratio",
              "Availability of the calendar month so far (target 0.995)",
              a -> io.odoovps.operator.contract.Availability.ratio(a.status, clock.instant()));
          gauge.add(
              "odoovps.vps.error.budget.remaining.seconds",
              "Error budget left this month (0.5 % of the month)",
              a ->
                  io.odoovps.operator.contract.Availability.budgetLeftSeconds(
                      a.status, clock.instant()));
          h.meters = List.copyOf(gauge.meters);
          return h;
        });
  }

  /** The value of a VPS's traffic gauge, for tests. */
  public double trafficBytes(String uid) {
    var h = availability.get(uid);
    return h == null ? Double.NaN : h.bytesUsed;
  }

  /** The value of a VPS's budget gauge, for tests. */
  public double budgetLeftSeconds(String uid) {
    var h = availability.get(uid);
    return h == null
        ? Double.NaN
        : io.odoovps.operator.contract.Availability.budgetLeftSeconds(h.status, clock.instant());
  }
}
