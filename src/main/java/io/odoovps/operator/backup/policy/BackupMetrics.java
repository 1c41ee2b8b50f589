package io.odoovps.operator.backup.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backup metrics, tagged by policy (few), never by VPS: `odoovps_backup_runs_total{result}` counts
 * the finished runs the operator observed, `odoovps_backup_failing_vps{namespace,policy}` and
 * `odoovps_backup_stale_vps{namespace,policy}` count the VPSs whose last run failed or whose last
 * success is too old. Alert on the last two.
 */
public class BackupMetrics {

  private final MeterRegistry registry;
  private final Counter succeeded;
  private final Counter failed;
  private final Map<String, AtomicInteger> failing = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> stale = new ConcurrentHashMap<>();

  public BackupMetrics(MeterRegistry registry) {
    this.registry = registry;
    succeeded = runs(registry, "success");
    failed = runs(registry, "failure");
  }

  private static Counter runs(MeterRegistry registry, String result) {
    return Counter.builder("odoovps.backup.runs")
        .description("Backup runs observed finished, by result")
        .tag("result", result)
        .register(registry);
  }

  void succeeded() {
    succeeded.increment();
  }

  void failed() {
    failed.increment();
  }

  void observe(String namespace, String policy, int failingVps, int staleVps) {
    gauge(failing, "odoovps.backup.failing.vps", namespace, policy).set(failingVps);
    gauge(stale, "odoovps.backup.stale.vps", namespace, policy).set(staleVps);
  }

  void forget(String namespace, String policy) {
    var key = namespace + "/" + policy;
    failing.remove(key);
    stale.remove(key);
    for (var name : List.of("odoovps.backup.failing.vps", "odoovps.backup.stale.vps")) {
      var meter = registry.find(name).tag("namespace", namespace).tag("policy", policy).meter();
      if (meter != null) {
        registry.remove(meter);
      }
    }
  }

  private AtomicInteger gauge(
      Map<String, AtomicInteger> gauges, String name, String namespace, String policy) {
    return gauges.computeIfAbsent(
        namespace + "/" + policy,
        key -> {
          var value = new AtomicInteger();
          Gauge.builder(name, value, AtomicInteger::get)
              .tag("namespace", namespace)
              .tag("policy", policy)
              .register(registry);
          return value;
        });
  }

  /** The stale count of a policy as its gauge reads, 0 once forgotten; for tests. */
  /** The finished runs counted with {@code result} (success or failure), for tests. */
  public double runs(String result) {
    return "success".equals(result) ? succeeded.count() : failed.count();
  }

  public int stale(String namespace, String policy) {
    var gauge =
        registry
            .find("odoovps.backup.stale.vps")
            .tag("namespace", namespace)
            .tag("policy", policy)
            .gauge();
    return gauge == null ? 0 : (int) gauge.value();
  }

  /** The failing count of a policy, for tests. */
  public int failing(String namespace, String policy) {
    var value = failing.get(namespace + "/" + policy);
    return value == null ? 0 : value.get();
  }
}
