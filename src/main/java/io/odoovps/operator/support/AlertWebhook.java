package io.odoovps.operator.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Alertmanager webhook receiver: `POST <path>` with `Authorization: Bearer <token>` and a
 * version-4 webhook body of at most {@code maxBodyBytes}. 401 without the right token (compared in
 * constant time; nothing about it is logged), 413 for a larger body, 400 for a body that is not a
 * webhook notification, 200 with what changed otherwise.
 */
public class AlertWebhook implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(AlertWebhook.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TicketDesk desk;
  private final Optional<byte[]> token;

  public AlertWebhook(TicketDesk desk, Optional<String> token) {
    this.desk = desk;
    this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    if (this.token.isEmpty()) {
      LOG.warn(
          "odoovps.support.webhook.token is not set: the Alertmanager webhook refuses every"
              + " request");
    }
  }

  /** Mounts the receiver on a router: size bound first, then authentication, then the desk. */
  public void mount(Router router, String path, int maxBodyBytes) {
    router
        .post(path)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .blockingHandler(this, false);
  }

  @Override
  public void handle(RoutingContext ctx) {
    var header = ctx.request().getHeader("Authorization");
    if (!authorized(header)) {
      ctx.response()
          .setStatusCode(401)
          .putHeader("WWW-Authenticate", "Bearer")
          .end("unauthorized\n");
      return;
    }
    AlertmanagerPayload payload;
    try {
      payload = JSON.readValue(ctx.body().buffer().getBytes(), AlertmanagerPayload.class);
      if (payload.alerts() == null) {
        throw new IllegalArgumentException("no alerts");
      }
    } catch (Exception e) {
      ctx.response()
          .setStatusCode(400)
          .end("not an Alertmanager webhook notification (version 4 with alerts)\n");
      return;
    }
    try {
      var outcome = desk.receive(payload);
      ctx.response()
          .putHeader("Content-Type", "application/json")
          .end(JSON.writeValueAsString(outcome));
    } catch (Exception e) {
      LOG.warn("Alertmanager notification not processed: {}", e.getMessage());
      ctx.response().setStatusCode(503).end("not processed, retry\n"); // Alertmanager retries
    }
  }

  private boolean authorized(String header) {
    if (token.isEmpty() || header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(
        token.get(), header.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8));
  }
}
