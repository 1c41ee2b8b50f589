package io.odoovps.operator.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.notification.CustomerMailer;
import io.odoovps.operator.notification.Language;
import io.odoovps.operator.notification.Notice;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps a SupportTicket's bookkeeping: the minutes recorded in `spec.work`, and the forwarding of
 * each opening (first opening and every reopening) to the helpdesk by email and/or webhook, retried
 * until it went. It writes only its own status fields; the phase belongs to the {@link TicketDesk}.
 */
// status changes by the TicketDesk (opened, resolved, reopened) must reach this reconciler
@ControllerConfiguration(
    name = SupportTicketReconciler.NAME,
    generationAwareEventProcessing = false)
public class SupportTicketReconciler implements Reconciler<SupportTicket> {

  public static final String NAME = "supportticket";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SupportConfig config;
  private final Clock clock;
  private final CustomerMailer mailer;
  private final TicketMetrics metrics;

  /** Openings forwarded by this process, per ticket uid (bounded by the tickets it saw). */
  private final java.util.Map<String, Integer> forwardedHere =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Without metrics, for tests that do not read them. */
  public SupportTicketReconciler(SupportConfig config, Clock clock, CustomerMailer mailer) {
    this(config, clock, mailer, new SimpleMeterRegistry());
  }

  @Inject
  public SupportTicketReconciler(
      SupportConfig config, Clock clock, CustomerMailer mailer, MeterRegistry registry) {
    this.config = config;
    this.clock = clock;
    this.mailer = mailer;
    this.metrics = new TicketMetrics(registry);
  }

  @Override
  public UpdateControl<SupportTicket> reconcile(
      SupportTicket ticket, Context<SupportTicket> context) throws Exception {
    metrics.watch(context.getPrimaryCache());
    var status = ticket.getStatus();
    var minutes =
        ticket.getSpec().getWork() == null
            ? 0
            : ticket.getSpec().getWork().stream()
                .map(w -> w.minutes() == null ? 0 : w.minutes())
                .mapToInt(Integer::intValue)
                .sum();
    var openings =
        status == null || status.phase() == null
            ? 0
            : 1 + (status.reopenCount() == null ? 0 : status.reopenCount());
    Integer forwarded = status == null ? null : status.forwarded();
    // a reconcile on a cache that has not seen our last status patch yet must not send again
    var sentHere = forwardedHere.get(ticket.getMetadata().getUid());
    if (sentHere != null && (forwarded == null || sentHere > forwarded)) {
      forwarded = sentHere;
    }
    String forwardedAt = status == null ? null : status.forwardedAt();
    String problem = status == null ? null : status.forwardProblem();
    Duration retry = null;
    if (openings > (forwarded == null ? 0 : forwarded)
        && status.phase() == Phase.Open
        && (config.helpdesk().email().isPresent() || config.helpdesk().webhookUrl().isPresent())) {
      try {
        forward(ticket);
        forwarded = openings;
        forwardedHere.put(ticket.getMetadata().getUid(), openings);
        forwardedAt = Timestamps.format(clock.instant());
        problem = null;
        new EventRecorder(context.getClient(), clock)
            .normal(ticket, "Forwarded", "Forwarded to the helpdesk (opening " + openings + ")");
      } catch (Exception e) {
        // the class and our own messages only: a URL or relay error may carry a credential
        var message =
            "forwarding to the helpdesk failed: "
                + (e instanceof HelpdeskRefused
                    ? e.getMessage()
                    : e instanceof io.odoovps.operator.notification.MailDeliveryException
                        ? "the mail relay did not take the email"
                        : e.getClass().getSimpleName());
        if (!message.equals(problem)) {
          new EventRecorder(context.getClient(), clock).warning(ticket, "ForwardFailed", message);
        }
        problem = message;
        retry = Duration.ofMinutes(1);
      }
    }
    var mine =
        new SupportTicketStatus(
            null, null, null, null, null, minutes, forwarded, forwardedAt, problem);
    var current =
        status == null
            ? new SupportTicketStatus(null, null, null, null, null, null, null, null, null)
            : new SupportTicketStatus(
                null,
                null,
                null,
                null,
                null,
                status.minutesSpent(),
                status.forwarded(),
                status.forwardedAt(),
                status.forwardProblem());
    if (Objects.equals(mine, current)) {
      return retry == null
          ? UpdateControl.noUpdate()
          : UpdateControl.<SupportTicket>noUpdate().rescheduleAfter(retry);
    }
    // a merge patch of this reconciler's fields only: the phase belongs to the TicketDesk
    var patch = new LinkedHashMap<String, Object>();
    patch.put("minutesSpent", minutes);
    patch.put("forwarded", forwarded);
    patch.put("forwardedAt", forwardedAt);
    patch.put("forwardProblem", problem);
    context
        .getClient()
        .resources(SupportTicket.class)
        .inNamespace(ticket.getMetadata().getNamespace())
        .withName(ticket.getMetadata().getName())
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            JSON.writeValueAsString(Map.of("status", patch)));
    return retry == null
        ? UpdateControl.noUpdate()
        : UpdateControl.<SupportTicket>noUpdate().rescheduleAfter(retry);
  }

  private void forward(SupportTicket ticket) throws Exception {
    var spec = ticket.getSpec();
    var alert = spec.getAlert();
    var values = new LinkedHashMap<String, String>();
    values.put("vpsName", spec.getVps());
    values.put("namespace", ticket.getMetadata().getNamespace());
    values.put("ticket", ticket.getMetadata().getName());
    values.put("alert", alert == null ? "manual" : alert.name());
    values.put("summary", spec.getSummary());
    values.put(
        "since",
        alert != null && alert.startsAt() != null
            ? alert.startsAt()
            : ticket.getStatus().openedAt());
    if (config.helpdesk().email().isPresent()) {
      mailer.send(
          config.helpdesk().email().get(),
          Language.valueOf(config.helpdesk().language().toUpperCase(java.util.Locale.ROOT)),
          Notice.TICKET_OPENED,
          values);
    }
    if (config.helpdesk().webhookUrl().isPresent()) {
      var body = new LinkedHashMap<String, Object>(values);
      body.put("reopenCount", ticket.getStatus().reopenCount());
      body.put("labels", alert == null ? Map.of() : alert.labels());
      var response =
          http.send(
              HttpRequest.newBuilder(URI.create(config.helpdesk().webhookUrl().get()))
                  .timeout(Duration.ofSeconds(15))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 != 2) {
        throw new HelpdeskRefused("the helpdesk webhook answered HTTP " + response.statusCode());
      }
    }
  }

  /** The helpdesk webhook answered, but not with 2xx. */
  static final class HelpdeskRefused extends Exception {
    HelpdeskRefused(String message) {
      super(message);
    }
  }
}
