package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Condition;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.notification.Notice;
import io.odoovps.operator.notification.NoticeOutbox;
import io.odoovps.operator.status.ConditionList;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares the status a VPS had with the one just computed, and for every transition records an
 * Event and, where the contract says so, queues a notice to the customer in its {@link
 * NoticeOutbox} (one per event: the key names the event, so that seeing it again queues nothing).
 * Nothing happens on a quiet pass.
 */
class VpsTransitions {

  private final EventRecorder events;
  private final NoticeOutbox outbox;

  VpsTransitions(EventRecorder events, NoticeOutbox outbox) {
    this.events = events;
    this.outbox = outbox;
  }

  void record(OdooVps vps, OdooVpsStatus next) {
    var before = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();

    // IPv4Allocated turned True from the pool in this pass (not an address kept outside it)
    var allocated =
        turned(before, next, OdooVpsConditions.IPV4_ALLOCATED, "True")
            .filter(c -> !OdooVpsConditions.REASON_KEPT_OUTSIDE_POOL.equals(c.getReason()));
    var phaseChanged = phaseChange(vps, before, next, allocated);
    conditionChanges(vps, before, next, allocated.isPresent() && !phaseChanged);
    planChange(vps, before, next);
    suspension(vps, before, next);
    identityCheck(vps, before, next);
    contractEnd(vps, before, next);
    renewal(vps, before, next);
    terminationStarted(vps, before, next);
    terminationCompleted(vps, before, next);
  }

  /**
   * An Event for a new phase. When the address was allocated in the same pass (a new VPS), the
   * Event says so too: one Event for a creation, not two.
   */
  private boolean phaseChange(
      OdooVps vps, OdooVpsStatus before, OdooVpsStatus next, Optional<Condition> allocated) {
    if (before.getPhase() == next.getPhase()) {
      return false;
    }
    var address = allocated.map(c -> "; " + c.getMessage()).orElse("");
    events.normal(
        vps,
        String.valueOf(next.getPhase()),
        "VPS is now "
            + next.getPhase()
            + (before.getPhase() == null ? "" : " (was " + before.getPhase() + ")")
            + address);
    return true;
  }

  /**
   * Warnings for an invalid spec or no address; an Event for an address kept outside the pool, and
   * for a new address unless the phase Event already said it ({@code allocatedEvent}).
   */
  private void conditionChanges(
      OdooVps vps, OdooVpsStatus before, OdooVpsStatus next, boolean allocatedEvent) {
    onConditionChange(vps, before, next, OdooVpsConditions.SPEC_VALID, "False", true);
    onConditionChange(vps, before, next, OdooVpsConditions.IPV4_ALLOCATED, "False", true);
    var kept =
        reason(next, OdooVpsConditions.IPV4_ALLOCATED)
            .filter(OdooVpsConditions.REASON_KEPT_OUTSIDE_POOL::equals)
            .isPresent();
    if (kept || allocatedEvent) {
      onConditionChange(vps, before, next, OdooVpsConditions.IPV4_ALLOCATED, "True", kept);
    }
  }

  /** Suspended or resumed: an Event, and a notice unless the end-of-term notice says it. */
  private void suspension(OdooVps vps, OdooVpsStatus before, OdooVpsStatus next) {
    var wasSuspended =
        before.getSuspension() != null && Boolean.TRUE.equals(before.getSuspension().active());
    var isSuspended =
        next.getSuspension() != null && Boolean.TRUE.equals(next.getSuspension().active());
    var termEnded = next.getContractEnd() != null && next.getTermination() == null;
    if (isSuspended && !wasSuspended) {
      var reason = next.getSuspension().reason();
      events.warning(vps, "Suspended", "VPS suspended: " + reason);
      if (!termEnded) { // the end-of-term notice says it, with the date the data goes
        queue(Notice.SUSPENDED, next.getSuspension().since(), Map.of("reason", reason));
      }
    } else if (wasSuspended && !isSuspended && next.getTermination() == null) {
      events.normal(vps, "Resumed", "VPS resumed");
      queue(Notice.RESUMED, before.getSuspension().since(), Map.of());
    }
  }

  /** A pending proof-of-identity request: queued once per request. */
  private void identityCheck(OdooVps vps, OdooVpsStatus before, OdooVpsStatus next) {
    var check = vps.getSpec().getIdentityCheck();
    if (check != null
        && !Boolean.TRUE.equals(check.getVerified())
        && next.getTermination() == null) {
      var key = key(Notice.IDENTITY_REQUESTED, check.getRequestedAt());
      var requested = io.odoovps.operator.contract.Timestamps.parse(check.getRequestedAt());
      var oldDeadline =
          io.odoovps.operator.contract.Timestamps.format(
              requested.plus(io.odoovps.operator.contract.IdentityCheckDeadline.WINDOW));
      if (!outbox.knows(key) && oldDeadline.equals(before.getIdentityDeadline())) {
        // notified of this very request by a release that kept no notices (its deadline counted
        // from the request): not sent again
        outbox.remember(key, Notice.IDENTITY_REQUESTED, requested);
      }
      if (!outbox.knows(key)) {
        events.normal(
            vps,
            "IdentityCheckRequested",
            "Proof of identity requested; the 72 hours count from when the customer is emailed");
        // the deadline is written into the email when it is delivered: 72 h from then
        outbox.enqueue(
            key, Notice.IDENTITY_REQUESTED, Map.of("requestedAt", check.getRequestedAt()));
      }
    }
  }

  private void renewal(OdooVps vps, OdooVpsStatus before, OdooVpsStatus next) {
    if (before.getBilling() != null
        && next.getBilling() != null
        && !Objects.equals(before.getBilling().renewals(), next.getBilling().renewals())
        && next.getBilling().renewals()
            > Optional.ofNullable(before.getBilling().renewals()).orElse(0)) {
      events.normal(
          vps,
          "SubscriptionRenewed",
          "Subscription renewed: cycle "
              + next.getBilling().periodStart()
              + " to "
              + next.getBilling().periodEnd());
    }
  }

  private void terminationStarted(OdooVps vps, OdooVpsStatus before, OdooVpsStatus next) {
    if (before.getTermination() == null && next.getTermination() != null) {
      events.warning(
          vps,
          "TerminationStarted",
          "Contract ended ("
              + next.getTermination().cause()
              + "): deleting the VPS and all its data");
    }
  }

  private void terminationCompleted(OdooVps vps, OdooVpsStatus before, OdooVpsStatus next) {
    if (next.getTermination() != null
        && next.getTermination().completedAt() != null
        && (before.getTermination() == null || before.getTermination().completedAt() == null)) {
      events.normal(
          vps,
          "Terminated",
          "Deleted and verified gone: " + String.join(", ", next.getTermination().deleted()));
      queue(Notice.TERMINATED, next.getTermination().completedAt(), Map.of());
    }
  }

  /** The end of a fixed term: seen (held or not), extended, or due for deletion. */
  private void contractEnd(OdooVps vps, OdooVpsStatus before, OdooVpsStatus next) {
    var was = before.getContractEnd();
    var end = next.getContractEnd();
    if (end != null && was == null) {
      var message =
          "The fixed term ended (spec.billing.end "
              + end.termEnd()
              + "): the VPS is suspended and its data kept until "
              + end.deleteAt()
              + ", then deleted unless spec.billing is extended (a later end, or mode"
              + " Subscription)";
      if (Boolean.TRUE.equals(end.held())) {
        events.warning(
            vps,
            "FixedTermEndedHeld",
            "spec.billing.end "
                + end.termEnd()
                + " was already past when the operator first saw it: nothing is deleted now; "
                + message);
      } else {
        events.warning(vps, "FixedTermEnded", message);
      }
      queue(
          Notice.TERM_ENDED,
          end.endedAt(),
          Map.of("endedAt", end.termEnd(), "deleteAt", end.deleteAt()));
    } else if (end == null && was != null && next.getTermination() == null) {
      events.normal(
          vps,
          "FixedTermExtended",
          "spec.billing was extended: the deletion planned for " + was.deleteAt() + " is off");
    }
  }

  private void planChange(OdooVps vps, OdooVpsStatus before, OdooVpsStatus next) {
    var message =
        ConditionList.find(next.getConditions(), OdooVpsConditions.PLAN_APPLIED)
            .map(c -> c.getMessage())
            .orElse("");
    var previousPlan = before.getPlanChange() == null ? null : before.getPlanChange().appliedPlan();
    var nextPlan = next.getPlanChange() == null ? null : next.getPlanChange().appliedPlan();
    if (previousPlan != null && nextPlan != null && !previousPlan.equals(nextPlan)) {
      events.normal(vps, "PlanChanged", message);
      var applied = next.getPlanChange().appliedAt();
      queue(Notice.PLAN_CHANGED, nextPlan + "@" + applied, Map.of("plan", nextPlan));
    }
    var reasonNext = reason(next, OdooVpsConditions.PLAN_APPLIED);
    if (reasonNext.isEmpty() || reasonNext.equals(reason(before, OdooVpsConditions.PLAN_APPLIED))) {
      return;
    }
    switch (reasonNext.get()) {
      case "DeadlineApproaching" -> events.warning(vps, "PlanChangeDeadlineApproaching", message);
      case "DeadlineMissed" -> events.warning(vps, "PlanChangeDeadlineMissed", message);
      default -> {}
    }
  }

  private void onConditionChange(
      OdooVps vps,
      OdooVpsStatus before,
      OdooVpsStatus next,
      String type,
      String status,
      boolean warning) {
    turned(before, next, type, status)
        .ifPresent(
            c -> {
              if (warning) {
                events.warning(vps, c.getReason(), c.getMessage());
              } else {
                events.normal(vps, c.getReason(), c.getMessage());
              }
            });
  }

  /** The condition {@code type} of {@code next} if it turned {@code status} or changed message. */
  private static Optional<Condition> turned(
      OdooVpsStatus before, OdooVpsStatus next, String type, String status) {
    var after = ConditionList.find(next.getConditions(), type);
    if (after.isEmpty() || !status.equals(after.get().getStatus())) {
      return Optional.empty();
    }
    var prior = ConditionList.find(before.getConditions(), type);
    boolean changed =
        prior.isEmpty()
            || !status.equals(prior.get().getStatus())
            || !Objects.equals(prior.get().getMessage(), after.get().getMessage());
    return changed ? after : Optional.empty();
  }

  private static Optional<String> reason(OdooVpsStatus status, String type) {
    return ConditionList.find(status.getConditions(), type).map(c -> c.getReason());
  }

  private void queue(Notice notice, String event, Map<String, String> values) {
    outbox.enqueue(key(notice, event), notice, values);
  }

  /** The key of the event {@code event} of kind {@code notice}. */
  static String key(Notice notice, String event) {
    return notice.name() + "@" + event;
  }
}
