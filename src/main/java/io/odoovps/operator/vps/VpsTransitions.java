package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.notification.Notice;
import io.odoovps.operator.status.ConditionList;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares the status a VPS had with the one just computed, and for every transition records an
 * Event and, where the contract says so, emails the customer. Nothing happens on a quiet pass.
 */
class VpsTransitions {

  private final EventRecorder events;
  private final CustomerNotices notices;

  VpsTransitions(EventRecorder events, CustomerNotices notices) {
    this.events = events;
    this.notices = notices;
  }

  void record(OdooVps vps, OdooVpsStatus next) {
    var before = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();

    if (before.getPhase() != next.getPhase()) {
      events.normal(
          vps,
          String.valueOf(next.getPhase()),
          "VPS is now "
              + next.getPhase()
              + (before.getPhase() == null ? "" : " (was " + before.getPhase() + ")"));
    }
    onConditionChange(vps, before, next, OdooVpsConditions.SPEC_VALID, "False", true);
    onConditionChange(vps, before, next, OdooVpsConditions.IPV4_ALLOCATED, "False", true);
    onConditionChange(
        vps,
        before,
        next,
        OdooVpsConditions.IPV4_ALLOCATED,
        "True",
        reason(next, OdooVpsConditions.IPV4_ALLOCATED)
            .filter(OdooVpsConditions.REASON_KEPT_OUTSIDE_POOL::equals)
            .isPresent());
    planChange(vps, before, next);

    var wasSuspended =
        before.getSuspension() != null && Boolean.TRUE.equals(before.getSuspension().active());
    var isSuspended =
        next.getSuspension() != null && Boolean.TRUE.equals(next.getSuspension().active());
    if (isSuspended && !wasSuspended) {
      var reason = next.getSuspension().reason();
      events.warning(vps, "Suspended", "VPS suspended: " + reason);
      notify(vps, Notice.SUSPENDED, Map.of("reason", reason));
    } else if (wasSuspended && !isSuspended) {
      events.normal(vps, "Resumed", "VPS resumed");
      notify(vps, Notice.RESUMED, Map.of());
    }
    if (before.getIdentityDeadline() == null && next.getIdentityDeadline() != null) {
      events.normal(
          vps,
          "IdentityCheckRequested",
          "Proof of identity requested; deadline " + next.getIdentityDeadline());
      notify(vps, Notice.IDENTITY_REQUESTED, Map.of("deadline", next.getIdentityDeadline()));
    }
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
    if (before.getTermination() == null && next.getTermination() != null) {
      events.warning(
          vps,
          "TerminationStarted",
          "Contract ended ("
              + next.getTermination().cause()
              + "): deleting the VPS and all its data");
    }
    if (next.getTermination() != null
        && next.getTermination().completedAt() != null
        && (before.getTermination() == null || before.getTermination().completedAt() == null)) {
      events.normal(
          vps,
          "Terminated",
          "Deleted and verified gone: " + String.join(", ", next.getTermination().deleted()));
      notify(vps, Notice.TERMINATED, Map.of());
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
      notify(vps, Notice.PLAN_CHANGED, Map.of("plan", nextPlan));
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
    var after = ConditionList.find(next.getConditions(), type);
    if (after.isEmpty() || !status.equals(after.get().getStatus())) {
      return;
    }
    var prior = ConditionList.find(before.getConditions(), type);
    boolean changed =
        prior.isEmpty()
            || !status.equals(prior.get().getStatus())
            || !Objects.equals(prior.get().getMessage(), after.get().getMessage());
    if (changed) {
      if (warning) {
        events.warning(vps, after.get().getReason(), after.get().getMessage());
      } else {
        events.normal(vps, after.get().getReason(), after.get().getMessage());
      }
    }
  }

  private static Optional<String> reason(OdooVpsStatus status, String type) {
    return ConditionList.find(status.getConditions(), type).map(c -> c.getReason());
  }

  private void notify(OdooVps vps, Notice notice, Map<String, String> values) {
    notices
        .send(vps, notice, values)
        .ifPresent(
            problem ->
                events.warning(vps, "NoticeNotSent", notice + " notice not sent: " + problem));
  }
}
