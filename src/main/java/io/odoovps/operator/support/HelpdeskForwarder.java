package io.odoovps.operator.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Customer;
import io.odoovps.operator.notification.CustomerMailer;
import io.odoovps.operator.notification.Language;
import io.odoovps.operator.notification.MailDeliveryException;
import io.odoovps.operator.notification.Notice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one opening of a ticket to the helpdesk, on one channel at a time: an email to
 * `odoovps.support.helpdesk.email`, or a JSON POST to `odoovps.support.helpdesk.webhook-url` with
 * `Authorization: Bearer <webhook-token>` when a token is set. The URL and the token may be
 * credentials: no message this class produces carries them. A token that cannot be sent in a header
 * (a line break, a character outside visible ASCII) is reported once when the operator starts and
 * refuses every webhook delivery, naming the setting only; the email still goes.
 */
public class HelpdeskForwarder {

  /** The helpdesk channels, each delivered and tracked on its own. */
  public enum Channel {
    EMAIL("email"),
    WEBHOOK("webhook");

    private final String label;

    Channel(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One opening of a ticket, as the helpdesk is told about it. */
  public record Opening(
      SupportTicket ticket, TicketLifecycle.PhaseFields phase, Customer customer, int number) {

    /** When the trouble behind this opening started. */
    String since() {
      var alert = ticket.getSpec().getAlert();
      if (phase.reopenedAt() != null) {
        return phase.reopenedAt();
      }
      return alert != null && alert.startsAt() != null ? alert.startsAt() : phase.openedAt();
    }
  }

  static final String TOKEN_KEY = "odoovps.support.helpdesk.webhook-token";

  private static final Logger LOG = LoggerFactory.getLogger(HelpdeskForwarder.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SupportConfig.Helpdesk config;
  private final CustomerMailer mailer;
  private final HttpClient http;
  private final Optional<String> tokenProblem;

  public HelpdeskForwarder(SupportConfig.Helpdesk config, CustomerMailer mailer) {
    this.config = config;
    this.mailer = mailer;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.tokenProblem = tokenProblem(config.webhookToken());
    tokenProblem.ifPresent(
        problem -> LOG.warn("{}; every helpdesk webhook delivery is refused", problem));
  }

  /**
   * Why the configured webhook token cannot go in an `Authorization` header, naming the setting and
   * never the value; empty when it can (or none is set). Surrounding blanks, such as the newline a
   * Secret file often ends with, are trimmed.
   */
  static Optional<String> tokenProblem(Optional<String> token) {
    var value = token.map(String::trim).orElse("");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return Optional.of(
            TOKEN_KEY
                + " is not a valid bearer token: visible ASCII characters only, no space or line"
                + " break");
      }
    }
    return Optional.empty();
  }

  /** Whether the channel is configured. */
  public boolean configured(Channel channel) {
    return switch (channel) {
      case EMAIL -> present(config.email());
      case WEBHOOK -> present(config.webhookUrl());
    };
  }

  /**
   * Delivers the opening on the channel, or throws {@link Refused} with a message safe to show in
   * status, Events and logs.
   */
  public void deliver(Channel channel, Opening opening) throws Refused {
    switch (channel) {
      case EMAIL -> email(opening);
      case WEBHOOK -> post(opening);
    }
  }

  private void email(Opening opening) throws Refused {
    var ticket = opening.ticket();
    var spec = ticket.getSpec();
    var language = Language.from(config.language());
    var french = language == Language.FR;
    var values = new LinkedHashMap<String, String>();
    values.put("vpsName", spec.getVps());
    values.put("namespace", ticket.getMetadata().getNamespace());
    values.put("ticket", ticket.getMetadata().getName());
    values.put(
        "alert",
        spec.getAlert() != null
            ? spec.getAlert().name()
            : french ? "ouvert à la main" : "opened by hand");
    values.put(
        "customer",
        opening.customer() != null
            ? customerLine(opening.customer())
            : french ? "inconnu (aucun OdooVps de ce nom)" : "unknown (no OdooVps of that name)");
    values.put("summary", spec.getSummary());
    values.put("since", opening.since());
    try {
      mailer.send(config.email().orElseThrow().trim(), language, Notice.TICKET_OPENED, values);
    } catch (MailDeliveryException e) {
      throw new Refused("the mail relay did not take the email");
    } catch (RuntimeException e) {
      throw new Refused("the email could not be sent (" + e.getClass().getSimpleName() + ")");
    }
  }

  private void post(Opening opening) throws Refused {
    if (tokenProblem.isPresent()) {
      throw new Refused(tokenProblem.get());
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(body(opening));
    } catch (Exception e) {
      throw new Refused("the ticket could not be written as JSON");
    }
    HttpRequest.Builder request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(config.webhookUrl().orElseThrow().trim()))
              .timeout(Duration.ofSeconds(15))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    } catch (RuntimeException e) {
      // the exception's message quotes the URL, which may carry a credential
      throw new Refused("odoovps.support.helpdesk.webhook-url is not a valid http(s) URL");
    }
    var token = config.webhookToken().map(String::trim).filter(t -> !t.isEmpty());
    if (token.isPresent()) {
      try {
        request.header("Authorization", "Bearer " + token.get());
      } catch (IllegalArgumentException e) {
        // the exception's message may quote the value
        throw new Refused(TOKEN_KEY + " cannot be sent as an HTTP header");
      }
    }
    HttpResponse<Void> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("interrupted while posting to the helpdesk webhook");
    } catch (Exception e) {
      // the class only: a connection error's message may quote the URL
      throw new Refused(
          "the helpdesk webhook could not be reached (" + e.getClass().getSimpleName() + ")");
    }
    if (response.statusCode() / 100 != 2) {
      throw new Refused("the helpdesk webhook answered HTTP " + response.statusCode());
    }
  }

  /** The JSON the helpdesk webhook receives. */
  static Map<String, Object> body(Opening opening) {
    var ticket = opening.ticket();
    var spec = ticket.getSpec();
    var alert = spec.getAlert();
    var body = new LinkedHashMap<String, Object>();
    body.put("ticket", ticket.getMetadata().getName());
    body.put("namespace", ticket.getMetadata().getNamespace());
    body.put("vps", spec.getVps());
    var customer = opening.customer();
    if (customer == null) {
      body.put("customer", null);
    } else {
      var who = new LinkedHashMap<String, Object>();
      who.put("name", customer.name());
      who.put("organisation", customer.organisation());
      who.put("email", customer.email());
      body.put("customer", who);
    }
    body.put("openedBy", alert == null ? "hand" : "alert");
    body.put("alert", alert == null ? null : alert.name());
    body.put("indicator", alert == null ? null : alert.indicator());
    body.put("severity", alert == null ? null : alert.severity());
    body.put("labels", alert == null || alert.labels() == null ? Map.of() : alert.labels());
    body.put("summary", spec.getSummary());
    body.put("description", spec.getDescription());
    body.put("phase", opening.phase().phase() == null ? null : opening.phase().phase().name());
    body.put("opening", opening.number());
    body.put("reopenCount", opening.phase().reopenCount());
    body.put("openedAt", opening.phase().openedAt());
    body.put("reopenedAt", opening.phase().reopenedAt());
    body.put("since", opening.since());
    return body;
  }

  private static String customerLine(Customer customer) {
    var line = new StringBuilder(customer.name() == null ? "" : customer.name());
    if (customer.organisation() != null) {
      line.append(" (").append(customer.organisation()).append(')');
    }
    if (customer.email() != null) {
      line.append(" <").append(customer.email()).append('>');
    }
    return line.toString();
  }

  private static boolean present(Optional<String> value) {
    return value.filter(v -> !v.isBlank()).isPresent();
  }

  /** A delivery that did not go; the message names no URL and no credential. */
  public static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }
}
