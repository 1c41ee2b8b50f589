package io.odoovps.operator.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;

/** Serves the Alertmanager webhook on the operator's HTTP port (beside /q/metrics). */
@ApplicationScoped
public class AlertWebhookRoute {

  void mount(@Observes Router router, SupportConfig config, KubernetesClient client, Clock clock) {
    var webhook = config.webhook();
    new AlertWebhook(new TicketDesk(client, clock, config.reopenWindow()), webhook.token())
        .mount(router, webhook.path(), webhook.maxBodyBytes());
  }
}
