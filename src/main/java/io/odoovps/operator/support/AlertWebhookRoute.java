package io.odoovps.operator.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;

/** Serves the Alertmanager webhook on the operator's HTTP port (beside /q/metrics). */
@ApplicationScoped
public class AlertWebhookRoute {

  void mount(
      @Observes Router router,
      SupportConfig config,
      KubernetesClient client,
      Clock clock,
      MeterRegistry registry) {
    var webhook = config.webhook();
    var desk =
        new TicketDesk(
            client,
            clock,
            config.reopenWindow(),
            webhook.maxAlerts(),
            new WebhookMetrics(registry));
    new AlertWebhook(desk, webhook.token()).mount(router, webhook.path(), webhook.maxBodyBytes());
  }
}
