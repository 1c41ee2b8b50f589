package io.odoovps.operator.support;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The Alertmanager webhook's alerts that got no ticket, tagged by reason only (never by namespace,
 * VPS or alert): `odoovps_support_webhook_alerts_refused_total{reason}` for the permanent problems
 * (reported once, never retried: alert on any increase) and
 * `odoovps_support_webhook_alerts_deferred_total{reason}` for the transient ones (the notification
 * answered 503 and Alertmanager sends it again). Every reason is registered at zero.
 */
public class WebhookMetrics {

  public static final String REFUSED = "odoovps.support.webhook.alerts.refused";
  public static final String DEFERRED = "odoovps.support.webhook.alerts.deferred";

  private final Map<AlertProblem, Counter> counters = new EnumMap<>(AlertProblem.class);

  public WebhookMetrics(MeterRegistry registry) {
    for (var problem : AlertProblem.values()) {
      counters.put(
          problem,
          Counter.builder(problem.permanent() ? REFUSED : DEFERRED)
              .description(
                  problem.permanent()
                      ? "Alerts the Alertmanager webhook refused for good, by reason"
                      : "Alerts the Alertmanager webhook left for Alertmanager to retry, by reason")
              .tag("reason", problem.tag())
              .register(registry));
    }
  }

  void count(AlertProblem problem, int alerts) {
    if (alerts > 0) {
      counters.get(problem).increment(alerts);
    }
  }
}
