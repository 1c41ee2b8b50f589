package io.odoovps.operator.support;

import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Delivery;
import io.odoovps.operator.event.PlannedEvent;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.support.HelpdeskForwarder.Channel;
import io.odoovps.operator.support.TicketLifecycle.PhaseFields;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a SupportTicket's bookkeeping should become, from one {@link TicketObservation}: the phase
 * of a ticket opened by hand ({@link TicketLifecycle}), the customer, the minutes, each channel's
 * deliveries of the openings to the helpdesk, the Forwarded and VpsFound conditions, the Events and
 * the next wake-up. Pure: no client. It decides in two halves around the deliveries: {@link #plan}
 * says which channels owe the latest opening, {@link #settle} takes how each attempt went.
 */
public final class TicketDecision {

  /** A ticket whose VPS is not found looks for it again this soon. */
  static final Duration VPS_RECHECK = Duration.ofMinutes(5);

  private final Set<Channel> configured;
  private final Duration retry;

  /**
   * @param configured the helpdesk channels configured
   * @param retry how soon a failed delivery is tried again
   */
  public TicketDecision(Set<Channel> configured, Duration retry) {
    this.configured = configured.isEmpty() ? Set.of() : EnumSet.copyOf(configured);
    this.retry = retry;
  }

  /** The phase after this pass, its latest opening, and the channels that owe it. */
  public record Plan(PhaseFields phase, int opening, Set<Channel> due) {}

  /**
   * One delivery attempt: delivered at {@code at} ({@code error} null), or refused with {@code
   * error}.
   */
  public record Attempt(String at, String error) {}

  /** What a pass leaves: the status to hold, the Events to record and when to look again. */
  public record Verdict(SupportTicketStatus status, List<PlannedEvent> events, Duration wake) {}

  public Plan plan(TicketObservation seen) {
    var status = seen.status();
    var spec = seen.spec();
    var phase =
        seen.byHand()
            ? TicketLifecycle.handTicket(spec.getResolved(), status, seen.created(), seen.now())
                .orElse(PhaseFields.of(status))
            : PhaseFields.of(status);
    var due = EnumSet.noneOf(Channel.class);
    for (var channel : configured) {
      if (TicketLifecycle.due(phase, delivered(seen, channel))) {
        due.add(channel);
      }
    }
    return new Plan(phase, TicketLifecycle.openings(phase), due);
  }

  public Verdict settle(TicketObservation seen, Plan plan, Map<Channel, Attempt> attempts) {
    var status = seen.status();
    var events = new ArrayList<PlannedEvent>();
    var conditions =
        new ConditionList(
            status == null ? null : status.conditions(), seen.generation(), seen.now());
    Duration wake = null;
    var vps = seen.spec().getVps();
    if (seen.customer() != null) {
      conditions.set(
          TicketConditions.VPS_FOUND,
          true,
          "VpsFound",
          "The customer is the one of OdooVps " + vps);
    } else {
      var message =
          "spec.vps: no OdooVps named "
              + vps
              + " in this namespace; the ticket is forwarded without its customer";
      if (!wasFalse(status, TicketConditions.VPS_FOUND)) {
        events.add(PlannedEvent.warning("VpsNotFound", message));
      }
      conditions.set(TicketConditions.VPS_FOUND, false, "VpsNotFound", message);
      wake = VPS_RECHECK;
    }
    var email = delivery(Channel.EMAIL, seen, plan, attempts.get(Channel.EMAIL), events);
    var webhook = delivery(Channel.WEBHOOK, seen, plan, attempts.get(Channel.WEBHOOK), events);
    forwarded(conditions, plan.opening(), email, webhook);
    if (failed(email) || failed(webhook)) {
      wake = retry;
      // kstatus: the failed channel is retried
      conditions.reconciling(
          "ForwardRetrying", "A forward failed and is retried in " + retry.toSeconds() + " s");
    }
    var phase = plan.phase();
    var next =
        new SupportTicketStatus(
            seen.generation(),
            phase.phase(),
            phase.openedAt(),
            phase.resolvedAt(),
            phase.reopenedAt(),
            phase.reopenCount(),
            seen.customer(),
            minutes(seen),
            email,
            webhook,
            conditions.build(),
            status == null ? null : status.forwarded());
    return new Verdict(next, events, wake);
  }

  /**
   * A channel's deliveries as the status records them. Without `status.email` or `status.webhook`,
   * the count of the previous release (`status.forwarded`, openings that went on every channel) is
   * the channel's: an upgrade must not forward again what that release forwarded.
   */
  @SuppressWarnings("deprecation")
  static Delivery recorded(SupportTicketStatus status, Channel channel) {
    if (status == null) {
      return null;
    }
    var delivery = channel == Channel.EMAIL ? status.email() : status.webhook();
    if (delivery == null && status.forwarded() != null && status.forwarded() > 0) {
      return new Delivery(status.forwarded(), null, null);
    }
    return delivery;
  }

  /** Openings a channel delivered: as recorded, or more by this process not shown yet. */
  private static int delivered(TicketObservation seen, Channel channel) {
    var previous = recorded(seen.status(), channel);
    int shown = previous == null || previous.forwarded() == null ? 0 : previous.forwarded();
    return Math.max(shown, seen.deliveredHere().getOrDefault(channel, 0));
  }

  /** One channel's deliveries after this pass's attempt on it, if any. */
  private Delivery delivery(
      Channel channel,
      TicketObservation seen,
      Plan plan,
      Attempt attempt,
      List<PlannedEvent> events) {
    var status = seen.status();
    if (!configured.contains(channel)) {
      return status == null ? null : channel == Channel.EMAIL ? status.email() : status.webhook();
    }
    var previous = recorded(status, channel);
    int delivered = delivered(seen, channel);
    var forwardedAt = previous == null ? null : previous.forwardedAt();
    var lastError = previous == null ? null : previous.lastError();
    if (attempt != null && attempt.error() == null) {
      delivered = plan.opening();
      forwardedAt = attempt.at();
      lastError = null;
      events.add(
          PlannedEvent.normal(
              "Forwarded",
              "Forwarded to the helpdesk by " + channel.label() + " (opening " + delivered + ")"));
    } else if (attempt != null) {
      if (!attempt.error().equals(lastError)) {
        events.add(
            PlannedEvent.warning(
                "ForwardFailed",
                "Forwarding to the helpdesk by "
                    + channel.label()
                    + " failed: "
                    + attempt.error()
                    + " (retried every "
                    + retry.toSeconds()
                    + " s)"));
      }
      lastError = attempt.error();
    }
    if (delivered == 0 && forwardedAt == null && lastError == null) {
      return null;
    }
    return new Delivery(delivered == 0 ? null : delivered, forwardedAt, lastError);
  }

  private void forwarded(ConditionList conditions, int openings, Delivery email, Delivery webhook) {
    var channels = new ArrayList<String>();
    var problems = new ArrayList<String>();
    boolean all = true;
    for (var channel : Channel.values()) {
      if (!configured.contains(channel)) {
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
          TicketConditions.FORWARDED,
          true,
          "Forwarded",
          "Opening " + openings + " went to the helpdesk by " + String.join(" and ", channels));
    } else if (!problems.isEmpty()) {
      conditions.set(
          TicketConditions.FORWARDED,
          false,
          "ForwardFailed",
          String.join("; ", problems)
              + " (retried every "
              + retry.toSeconds()
              + " s while the ticket is open)");
    } else {
      conditions.set(
          TicketConditions.FORWARDED,
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

  private static int minutes(TicketObservation seen) {
    var work = seen.spec().getWork();
    return work == null
        ? 0
        : work.stream().mapToInt(w -> w.minutes() == null ? 0 : w.minutes()).sum();
  }
}
