package io.odoovps.operator.vps;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
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

  public VpsMetrics(MeterRegistry registry) {
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
  }
}
