package io.odoovps.operator.support;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Customer;
import io.odoovps.operator.config.OperatorShutdown;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.notification.CustomerMailer;
import io.odoovps.operator.status.ReconcileErrors;
import io.odoovps.operator.support.HelpdeskForwarder.Channel;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
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
 *
 * <p>Each pass gathers a {@link TicketObservation}, lets {@link TicketDecision} plan which channels
 * owe the latest opening, delivers it, lets the decision settle the status, and acts: the Events,
 * and the status when it changed.
 */
// status changes by the TicketDesk (opened, resolved, reopened) must reach this reconciler
@ControllerConfiguration(
    name = SupportTicketReconciler.NAME,
    generationAwareEventProcessing = false)
public class SupportTicketReconciler implements Reconciler<SupportTicket> {

  public static final String NAME = "supportticket";

  /** Condition: every configured helpdesk channel took the latest opening. */
  public static final String FORWARDED = TicketConditions.FORWARDED;

  /** Condition: `spec.vps` names an OdooVps of the namespace (its customer is known). */
  public static final String VPS_FOUND = TicketConditions.VPS_FOUND;

  private final Clock clock;
  private final HelpdeskForwarder helpdesk;
  private final TicketDecision decision;
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
    this.helpdesk = new HelpdeskForwarder(config.helpdesk(), mailer);
    this.decision =
        new TicketDecision(
            Arrays.stream(Channel.values())
                .filter(helpdesk::configured)
                .collect(Collectors.toSet()),
            config.helpdesk().retryInterval());
    this.metrics = new TicketMetrics(registry);
  }

  @Override
  public UpdateControl<SupportTicket> reconcile(
      SupportTicket ticket, Context<SupportTicket> context) {
    metrics.watch(context.getPrimaryCache());
    forgetDepartedTickets(context);
    forgetRecorded(ticket.getMetadata().getUid(), ticket.getStatus());
    var seen = gather(ticket, context);
    var plan = decision.plan(seen);
    var verdict = decision.settle(seen, plan, deliver(ticket, seen, plan));
    var events = new EventRecorder(context.getClient(), clock);
    verdict.events().forEach(e -> e.record(events, ticket));
    var wake = verdict.wake();
    if (!Objects.equals(verdict.status(), ticket.getStatus())) {
      var written =
          TicketStatusPatch.patch(
              ticket, TicketStatusPatch.ownFields(verdict.status(), seen.byHand()), context);
      forgetRecorded(ticket.getMetadata().getUid(), written.getStatus());
      // JOSDK drops events older than our write; one that changed what this pass read (the desk's
      // phase, the spec) while we wrote must still be reconciled
      if (!Objects.equals(written.getMetadata().getGeneration(), seen.generation())
          || !TicketLifecycle.PhaseFields.of(written.getStatus()).equals(plan.phase())) {
        wake = Duration.ofMillis(100);
      }
    }
    return wake == null
        ? UpdateControl.noUpdate()
        : UpdateControl.<SupportTicket>noUpdate().rescheduleAfter(wake);
  }

  /** The observation: the customer (the status's, else looked up once on the VPS) and the time. */
  private TicketObservation gather(SupportTicket ticket, Context<SupportTicket> context) {
    var status = ticket.getStatus();
    var customer = status == null ? null : status.customer();
    if (customer == null) {
      var vps =
          context
              .getClient()
              .resources(OdooVps.class)
              .inNamespace(ticket.getMetadata().getNamespace())
              .withName(ticket.getSpec().getVps())
              .get();
      if (vps != null && vps.getSpec() != null && vps.getSpec().getCustomer() != null) {
        var c = vps.getSpec().getCustomer();
        customer = new Customer(c.getName(), c.getOrganisation(), c.getEmail());
      }
    }
    var here = new EnumMap<Channel, Integer>(Channel.class);
    for (var channel : Channel.values()) {
      var count = deliveredHere.get(key(ticket.getMetadata().getUid(), channel));
      if (count != null) {
        here.put(channel, count);
      }
    }
    return new TicketObservation(
        ticket.getMetadata().getGeneration(),
        ticket.getMetadata().getCreationTimestamp(),
        ticket.getSpec(),
        status,
        customer,
        here,
        clock.instant());
  }

  /** Delivers the latest opening on each channel that owes it, once per channel. */
  private Map<Channel, TicketDecision.Attempt> deliver(
      SupportTicket ticket, TicketObservation seen, TicketDecision.Plan plan) {
    var opening =
        new HelpdeskForwarder.Opening(ticket, plan.phase(), seen.customer(), plan.opening());
    var attempts = new EnumMap<Channel, TicketDecision.Attempt>(Channel.class);
    for (var channel : Channel.values()) {
      if (!plan.due().contains(channel)) {
        continue;
      }
      try {
        helpdesk.deliver(channel, opening);
        deliveredHere.put(key(ticket.getMetadata().getUid(), channel), opening.number());
        attempts.put(channel, new TicketDecision.Attempt(Timestamps.format(clock.instant()), null));
      } catch (HelpdeskForwarder.Refused e) {
        attempts.put(channel, new TicketDecision.Attempt(null, e.getMessage()));
      }
    }
    return attempts;
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
      var delivery = TicketDecision.recorded(status, channel);
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

  /**
   * A failed pass becomes a Warning Event and the Reconciled condition (False, the failure in its
   * message), once per failure message; only the conditions are written, by the same merge patch as
   * a pass's. A ticket without a status gets the Event only: a status without a phase would read as
   * a ticket of the release before ({@link TicketLifecycle#handTicket}).
   */
  @Override
  public ErrorStatusUpdateControl<SupportTicket> updateErrorStatus(
      SupportTicket ticket, Context<SupportTicket> context, Exception e) {
    if (OperatorShutdown.begun()) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    var status = ticket.getStatus();
    var message = ReconcileErrors.message(e);
    var events = new EventRecorder(context.getClient(), clock);
    if (status == null) {
      events.warning(ticket, ReconcileErrors.REASON, message);
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    var conditions =
        ReconcileErrors.conditions(
            status.conditions(),
            TicketConditions.RECONCILED,
            ticket.getMetadata().getGeneration(),
            clock.instant(),
            message);
    if (conditions.isPresent()) {
      events.warning(ticket, ReconcileErrors.REASON, message);
      var patch = new LinkedHashMap<String, Object>();
      patch.put("conditions", conditions.get());
      TicketStatusPatch.patch(ticket, patch, context);
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }
}
