package io.odoovps.operator.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpVersion;
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
 * version-4 webhook body of at most {@code maxBodyBytes}. In this order: 401 without the right
 * token (compared in constant time; nothing about it is logged), answered from the request's
 * headers before any byte of the body is read, the connection then closed so that none is; 413 for
 * a larger body; 400 for a body that is not a webhook notification; then the {@link TicketDesk}
 * records the alerts one by one and the answer is 200 with what changed and the alerts it refused
 * (fingerprint and reason), or 503 with the same report when some alert failed for a transient
 * reason, so that Alertmanager sends the notification again.
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

  /**
   * Mounts the receiver on a router: authentication first (headers only), then the size bound while
   * the body is read, then parsing and the desk on a worker thread. The authentication is a route
   * of its own ahead of the body's, since Vert.x keeps a route's body handler before its other
   * handlers.
   */
  public void mount(Router router, String path, int maxBodyBytes) {
    router.post(path).handler(this::authenticate);
    router
        .post(path)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .blockingHandler(this, false);
  }

  /**
   * Lets the request on to the body only with the right bearer token. Runs on the event loop as the
   * request's headers arrive, before any handler reads the body; a refused HTTP/1 request that is
   * still sending its body has its connection closed after the 401, so the rest is never read.
   */
  void authenticate(RoutingContext ctx) {
    if (authorized(ctx.request().getHeader("Authorization"))) {
      ctx.next();
      return;
    }
    var request = ctx.request();
    boolean dropConnection = request.version() != HttpVersion.HTTP_2 && !request.isEnded();
    var response = ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer");
    if (dropConnection) {
      response.putHeader("Connection", "close");
    }
    response
        .end("unauthorized\n")
        .onComplete(
            sent -> {
              if (dropConnection) {
                request.connection().close();
              }
            });
  }

  @Override
  public void handle(RoutingContext ctx) {
    AlertmanagerPayload payload;
    try {
      payload = JSON.readValue(ctx.body().buffer().getBytes(), AlertmanagerPayload.class);
      if (payload.alerts() == null || payload.alerts().contains(null)) {
        throw new IllegalArgumentException("no alerts, or an alert that is null");
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
          .setStatusCode(outcome.retry() ? 503 : 200) // Alertmanager retries a 5xx
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
