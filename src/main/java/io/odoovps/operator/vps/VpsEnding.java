package io.odoovps.operator.vps;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationStatus;
import io.odoovps.operator.contract.BillingCycle;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.status.ConditionList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The end of a contract (article 12): when it ends, the termination that deletes the VPS's data,
 * and the guard that keeps the data when an OdooVps is deleted without termination.
 */
class VpsEnding {

  private final Clock clock;
  private final OdooVpsStatusBuilder statusBuilder;
  private final CustomerNotices notices;

  VpsEnding(Clock clock, OdooVpsStatusBuilder statusBuilder, CustomerNotices notices) {
    this.clock = clock;
    this.statusBuilder = statusBuilder;
    this.notices = notices;
  }

  /** Why the contract ended, if it did: `Requested` or `FixedTermEnded`. */
  Optional<String> cause(OdooVps vps, Instant now) {
    if (vps.getSpec().getTermination() != null) {
      return Optional.of("Requested");
    }
    if (BillingCycle.termEnded(vps.getSpec().getBilling(), now)) {
      return Optional.of("FixedTermEnded");
    }
    return Optional.empty();
  }

  /** Deletes what is left of the VPS, verifies it is gone, and reports where it stands. */
  VpsObservation terminate(OdooVps vps, KubernetesClient client, String cause) {
    var previous = vps.getStatus() == null ? null : vps.getStatus().getTermination();
    var termination = new VpsTermination(client);
    var now = Timestamps.format(clock.instant());
    var startedAt = previous == null ? now : previous.startedAt();
    var deleted =
        new ArrayList<String>(
            previous == null || previous.deleted() == null ? List.of() : previous.deleted());
    String completedAt = previous == null ? null : previous.completedAt();
    if (completedAt == null) {
      for (var label : termination.deleteAll(vps)) {
        if (!deleted.contains(label)) {
          deleted.add(label);
        }
      }
      if (termination.allGone(vps)) {
        completedAt = now;
      }
    }
    var status =
        new TerminationStatus(
            previous == null ? cause : previous.cause(),
            startedAt,
            completedAt,
            List.copyOf(deleted));
    var prior = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    return new VpsObservation(
        vps,
        List.of(),
        null,
        null,
        Optional.empty(),
        prior.getSuspension(),
        false,
        null,
        prior.getBilling(),
        prior.getIdentityDeadline(),
        prior.getAccessCodesSentAt(),
        null,
        status);
  }

  /** The finalizer's decision when an OdooVps is deleted. */
  DeleteControl onDelete(OdooVps vps, KubernetesClient client, EventRecorder events) {
    var status = vps.getStatus();
    if (status != null
        && status.getTermination() != null
        && status.getTermination().completedAt() != null) {
      return DeleteControl.defaultDelete();
    }
    var cause = cause(vps, clock.instant());
    if (cause.isEmpty()) {
      // A plain delete of a VPS whose contract has not ended: keep the customer's data.
      var blocked =
          status != null
              && ConditionList.find(status.getConditions(), OdooVpsConditions.DELETION_BLOCKED)
                  .isPresent();
      if (!blocked) {
        var message =
            "Deletion blocked: the VPS's data is deleted only on termination. Set spec.termination.confirm: "
                + vps.getMetadata().getName()
                + " to end the contract and delete the VM, disk, IPv4 and Secrets.";
        events.warning(vps, OdooVpsConditions.DELETION_BLOCKED, message);
        var next = status == null ? new OdooVpsStatus() : StatusPatches.copyOf(status);
        var conditions = new ArrayList<>(next.getConditions());
        conditions.addAll(
            new ConditionList(List.of(), vps.getMetadata().getGeneration(), clock.instant())
                .set(OdooVpsConditions.DELETION_BLOCKED, true, "TerminationNotRequested", message)
                .build());
        next.setConditions(conditions);
        client.resource(StatusPatches.withStatus(vps, next)).patchStatus();
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofMinutes(1));
    }
    var observation = terminate(vps, client, cause.get());
    var next = statusBuilder.build(observation);
    new VpsTransitions(events, notices).record(vps, next);
    if (!Objects.equals(next, status)) {
      client.resource(StatusPatches.withStatus(vps, next)).patchStatus();
    }
    return observation.termination().completedAt() != null
        ? DeleteControl.defaultDelete()
        : DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(5));
  }
}
