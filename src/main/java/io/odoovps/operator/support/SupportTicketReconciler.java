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
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Customer;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Delivery;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.notification.CustomerMailer;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.support.HelpdeskForwarder.Channel;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Keeps a SupportTicket's bookkeeping: the phase of a ticket opened by hand ({@link
 * TicketLifecycle}; an alert ticket's phase belongs to the {@link TicketDesk}), the customer copied
 * from the VPS, the minutes recorded in `spec.work`, and the forwarding of each opening to the
 * helpdesk, by email and by webhook, each channel delivered and retried on its own so that a
 * failing channel never makes the other one deliver twice.
 */
// status changes by the TicketDesk (opened, resolved, reopened) must reach this reconciler
@ControllerConfiguration(
    name = SupportTicketReconciler.NAME,
    generationAwareEventProcessing = false)
public class SupportTicketReconciler implements Reconciler<SupportTicket> {

  public static final String NAME = "supportticket";

  /** Condition: every configured helpdesk channel took the latest opening. */
  public static final String FORWARDED = "Forwarded";

  /** Condition: `spec.vps` names an OdooVps of the namespace (its customer is known). */
  public static final String VPS_FOUND = "VpsFound";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration VPS_RECHECK = Duration.ofMinutes(5);

  private final Clock clock;
  private final Duration retry;
  private final HelpdeskForwarder helpdesk;
  private final TicketMetrics metrics;

  /**
   * Openings delivered by this process whose status write has not been seen yet, per ticket uid and
   * channel: a delivery whose status write failed is not sent again by this process. An entry goes
   * as soon as a status shows the delivery, or when its ticket is gone.
   */
  private final Map<String, Integer> deliveredHere = new ConcurrentHashMap<>();

  /** Without metrics, for tests that do not read them. */
  public SupportTicketReconciler(SupportConfig config, Clock clock, CustomerMailer mailer) {
    this(config, clock, mailer, new SimpleMeterRegistry());
  }

  @Inject
  public SupportTicketReconciler(
      SupportConfig config, Clock clock, CustomerMailer mailer, MeterRegistry registry) {
    this.clock = clock;
    this.retry = config.helpdesk().retryInterval();
    this.helpdesk = new HelpdeskForwarder(config.helpdesk(), mailer);
    this.metrics = new TicketMetrics(registry);
  }

  @Override
  public UpdateControl<SupportTicket> reconcile(
      SupportTicket ticket, Context<SupportTicket> context) {
    metrics.watch(context.getPrimaryCache());
    var now = clock.instant();
    var events = new EventRecorder(context.getClient(), clock);
    var status = ticket.getStatus();
    var spec = ticket.getSpec();
    Duration wake = null;
    forgetDepartedTickets(context);
    forgetRecorded(ticket.getMetadata().getUid(), status);

    // the phase: the desk's for an alert ticket, ours for a ticket opened by hand
    var byHand = spec.getAlert() == null;
    var phase =
        byHand
            ? TicketLifecycle.handTicket(
                    spec.getResolved(), status, ticket.getMetadata().getCreationTimestamp(), now)
                .orElse(TicketLifecycle.PhaseFields.of(status))
            : TicketLifecycle.PhaseFields.of(status);

    // who: the VPS's customer, copied once
    var conditions =
        new ConditionList(status == null ? null : status.conditions(), gen(ticket), now);
    var customer = status == null ? null : status.customer();
    if (customer == null) {
      var vps =
          context
              .getClient()
              .resources(OdooVps.class)
              .inNamespace(ticket.getMetadata().getNamespace())
              .withName(spec.getVps())
              .get();
      if (vps != null && vps.getSpec() != null && vps.getSpec().getCustomer() != null) {
        var c = vps.getSpec().getCustomer();
        customer = new Customer(c.getName(), c.getOrganisation(), c.getEmail());
      }
    }
    if (customer != null) {
      conditions.set(
          VPS_FOUND, true, "VpsFound", "The customer is the one of OdooVps " + spec.getVps());
    } else {
      var message =
          "spec.vps: no OdooVps named "
              + spec.getVps()
              + " in this namespace; the ticket is forwarded without its customer";
      if (!wasFalse(status, VPS_FOUND)) {
        events.warning(ticket, "VpsNotFound", message);
      }
      conditions.set(VPS_FOUND, false, "VpsNotFound", message);
      wake = VPS_RECHECK;
    }

    // each opening to the helpdesk, once per channel
    var opening =
        new HelpdeskForwarder.Opening(ticket, phase, customer, TicketLifecycle.openings(phase));
    var email = deliver(Channel.EMAIL, status, opening, events);
    var webhook = deliver(Channel.WEBHOOK, status, opening, events);
    forwardedCondition(conditions, opening.number(), email, webhook);
    if (failed(email) || failed(webhook)) {
      wake = retry;
    }

    var next =
        new SupportTicketStatus(
            gen(ticket),
            phase.phase(),
            phase.openedAt(),
            phase.resolvedAt(),
            phase.reopenedAt(),
            phase.reopenCount(),
            customer,
            minutes(ticket),
            email,
            webhook,
            conditions.build(),
            status == null ? null : status.forwarded());
    if (!Objects.equals(next, status)) {
      var written = patchStatus(ticket, next, byHand, context);
      forgetRecorded(ticket.getMetadata().getUid(), written.getStatus());
      // JOSDK drops events older than our write; one that changed what this pass read (the desk's
      // phase, the spec) while we wrote must still be reconciled
      if (!Objects.equals(written.getMetadata().getGeneration(), gen(ticket))
          || !TicketLifecycle.PhaseFields.of(written.getStatus()).equals(phase)) {
        wake = Duration.ofMillis(100);
      }
    }
    return wake == null
        ? UpdateControl.noUpdate()
        : UpdateControl.<SupportTicket>noUpdate().rescheduleAfter(wake);
  }

  /**
   * A channel's deliveries as the status records them. Without `status.email` or `status.webhook`,
   * the count of the previous release (`status.forwarded`, openings that went on every channel) is
   * the channel's: an upgrade must not forward again what that release forwarded.
   */
  @SuppressWarnings("deprecation")
  private static Delivery recorded(SupportTicketStatus status, Channel channel) {
    if (status == null) {
      return null;
    }
    var delivery = channel == Channel.EMAIL ? status.email() : status.webhook();
    if (delivery == null && status.forwarded() != null && status.forwarded() > 0) {
      return new Delivery(status.forwarded(), null, null);
    }
    return delivery;
  }

  private static String key(String uid, Channel channel) {
    return uid + "/" + channel.label();
  }

  /** Forgets the deliveries of this process that the status (read or written) already shows. */
  private void forgetRecorded(String uid, SupportTicketStatus status) {
    if (deliveredHere.isEmpty()) {
      return;
    }
    for (var channel : Channel.values()) {
      var delivery = recorded(status, channel);
      var shown = delivery == null || delivery.forwarded() == null ? 0 : delivery.forwarded();
      deliveredHere.computeIfPresent(key(uid, channel), (k, here) -> here <= shown ? null : here);
    }
  }

  /** Forgets the deliveries of tickets that are gone (deleted before their status was written). */
  private void forgetDepartedTickets(Context<SupportTicket> context) {
    if (deliveredHere.isEmpty()) {
      return;
    }
    var live =
        context
            .getPrimaryCache()
            .list()
            .map(t -> t.getMetadata().getUid())
            .collect(Collectors.toSet());
    deliveredHere.keySet().removeIf(k -> !live.contains(k.substring(0, k.lastIndexOf('/'))));
  }

  /** Deliveries of this process not yet seen in a status (bounded by the writes in flight). */
  int deliveriesAwaitingStatus() {
    return deliveredHere.size();
  }

  /** One channel: delivers the latest opening if it has not gone on that channel yet. */
  private Delivery deliver(
      Channel channel,
      SupportTicketStatus status,
      HelpdeskForwarder.Opening opening,
      EventRecorder events) {
    if (!helpdesk.configured(channel)) {
      return status == null ? null : channel == Channel.EMAIL ? status.email() : status.webhook();
    }
    var previous = recorded(status, channel);
    var ticket = opening.ticket();
    var key = key(ticket.getMetadata().getUid(), channel);
    int delivered = previous == null || previous.forwarded() == null ? 0 : previous.forwarded();
    delivered = Math.max(delivered, deliveredHere.getOrDefault(key, 0));
    var forwardedAt = previous == null ? null : previous.forwardedAt();
    var lastError = previous == null ? null : previous.lastError();
    if (TicketLifecycle.due(opening.phase(), delivered)) {
      try {
        helpdesk.deliver(channel, opening);
        delivered = opening.number();
        deliveredHere.put(key, delivered);
        forwardedAt = Timestamps.format(clock.instant());
        lastError = null;
        events.normal(
            ticket,
            "Forwarded",
            "Forwarded to the helpdesk by " + channel.label() + " (opening " + delivered + ")");
      } catch (HelpdeskForwarder.Refused e) {
        var message = e.getMessage();
        if (!message.equals(lastError)) {
          events.warning(
              ticket,
              "ForwardFailed",
              "Forwarding to the helpdesk by "
                  + channel.label()
                  + " failed: "
                  + message
                  + " (retried every "
                  + retry.toSeconds()
                  + " s)");
        }
        lastError = message;
      }
    }
    if (delivered == 0 && forwardedAt == null && lastError == null) {
      return null;
    }
    return new Delivery(delivered == 0 ? null : delivered, forwardedAt, lastError);
  }

  private void forwardedCondition(
      ConditionList conditions, int openings, Delivery email, Delivery webhook) {
    var channels = new ArrayList<String>();
    var problems = new ArrayList<String>();
    boolean all = true;
    for (var channel : Channel.values()) {
      if (!helpdesk.configured(channel)) {
        continue;
      }
      var delivery = channel == Channel.EMAIL ? email : webhook;
      channels.add(channel.label());
      if (delivery == null || delivery.forwarded() == null || delivery.forwarded() < openings) {
        all = false;
      }
      if (delivery != null && delivery.lastError() != null) {
        problems.add(channel.label() + ": " + delivery.lastError());
      }
    }
    if (channels.isEmpty() || openings == 0) {
      return;
    }
    if (all) {
      conditions.set(
          FORWARDED,
          true,
          "Forwarded",
          "Opening " + openings + " went to the helpdesk by " + String.join(" and ", channels));
    } else if (!problems.isEmpty()) {
      conditions.set(
          FORWARDED,
          false,
          "ForwardFailed",
          String.join("; ", problems)
              + " (retried every "
              + retry.toSeconds()
              + " s while the ticket is open)");
    } else {
      conditions.set(
          FORWARDED,
          false,
          "NotForwarded",
          "Opening " + openings + " has not gone to the helpdesk (the ticket was resolved first)");
    }
  }

  private static boolean failed(Delivery delivery) {
    return delivery != null && delivery.lastError() != null;
  }

  private static boolean wasFalse(SupportTicketStatus status, String type) {
    return status != null
        && ConditionList.find(status.conditions(), type)
            .map(c -> "False".equals(c.getStatus()))
            .orElse(false);
  }

  private static Long gen(SupportTicket ticket) {
    return ticket.getMetadata().getGeneration();
  }

  private static int minutes(SupportTicket ticket) {
    return ticket.getSpec().getWork() == null
        ? 0
        : ticket.getSpec().getWork().stream()
            .mapToInt(w -> w.minutes() == null ? 0 : w.minutes())
            .sum();
  }

  /**
   * A JSON merge patch of this reconciler's fields only (the phase of an alert ticket belongs to
   * the TicketDesk, which writes it concurrently), whose answer goes into the controller's cache so
   * that the next reconcile sees it.
   */
  private SupportTicket patchStatus(
      SupportTicket ticket,
      SupportTicketStatus next,
      boolean byHand,
      Context<SupportTicket> context) {
    var patch = new LinkedHashMap<String, Object>();
    patch.put("observedGeneration", next.observedGeneration());
    if (byHand) {
      patch.put("phase", next.phase() == null ? null : next.phase().name());
      patch.put("openedAt", next.openedAt());
      patch.put("resolvedAt", next.resolvedAt());
      patch.put("reopenedAt", next.reopenedAt());
      patch.put("reopenCount", next.reopenCount());
    }
    patch.put("customer", next.customer());
    patch.put("minutesSpent", next.minutesSpent());
    patch.put("email", delivery(next.email()));
    patch.put("webhook", delivery(next.webhook()));
    patch.put("conditions", next.conditions());
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("status", patch));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return context
        .resourceOperations()
        .resourcePatch(
            ticket,
            t ->
                context
                    .getClient()
                    .resources(SupportTicket.class)
                    .inNamespace(t.getMetadata().getNamespace())
                    .withName(t.getMetadata().getName())
                    .subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), body),
            context.eventSourceRetriever().getControllerEventSource());
  }

  /** A delivery with explicit nulls, so that the merge patch clears a fixed error. */
  private static Map<String, Object> delivery(Delivery delivery) {
    if (delivery == null) {
      return null;
    }
    var map = new LinkedHashMap<String, Object>();
    map.put("forwarded", delivery.forwarded());
    map.put("forwardedAt", delivery.forwardedAt());
    map.put("lastError", delivery.lastError());
    return map;
  }
}
