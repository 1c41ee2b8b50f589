package io.odoovps.operator.vps;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationStatus;
import io.odoovps.operator.backup.policy.BackupRecords;
import io.odoovps.operator.contract.BillingCycle;
import io.odoovps.operator.contract.FixedTermEnd;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.record.ContractRecords;
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
  private final NoticeDelivery delivery;

  /** How long a terminated VPS's record waits for its BackupPolicies to record the end. */
  static final Duration POLICIES_WAIT = Duration.ofHours(1);

  /** How long a terminated VPS's record waits for its last notices to be delivered. */
  static final Duration NOTICES_WAIT = Duration.ofHours(24);

  VpsEnding(Clock clock, OdooVpsStatusBuilder statusBuilder, NoticeDelivery delivery) {
    this.clock = clock;
    this.statusBuilder = statusBuilder;
    this.delivery = delivery;
  }

  /**
   * Why the contract ended and its data must go now, if it did: `Requested` (spec.termination), or
   * `FixedTermEnded` once the grace after the end of a fixed term is over (status.contractEnd,
   * recorded when the end was first seen: the clock alone never deletes at the end itself).
   */
  Optional<String> cause(OdooVps vps, Instant now) {
    if (vps.getSpec().getTermination() != null) {
      return Optional.of("Requested");
    }
    var status = vps.getStatus();
    var end = status == null ? null : status.getContractEnd();
    if (end != null
        && FixedTermEnd.deletionDue(end, now)
        && BillingCycle.termEnded(vps.getSpec().getBilling(), now)) {
      return Optional.of("FixedTermEnded");
    }
    return Optional.empty();
  }

  /**
   * On the termination path (the contract ended, or a termination began): deletes what is left of
   * the VPS and reports where it stands; empty while the contract runs.
   */
  Optional<VpsObservation> terminateIfEnded(
      OdooVps vps, KubernetesClient client, ContractRecords records, Instant now) {
    var cause = cause(vps, now);
    if (cause.isEmpty() && (vps.getStatus() == null || vps.getStatus().getTermination() == null)) {
      return Optional.empty();
    }
    return Optional.of(terminate(vps, client, cause.orElse("Requested"), records));
  }

  /** Deletes what is left of the VPS, verifies it is gone, and reports where it stands. */
  VpsObservation terminate(
      OdooVps vps, KubernetesClient client, String cause, ContractRecords records) {
    var previous = vps.getStatus() == null ? null : vps.getStatus().getTermination();
    var termination = new VpsTermination(client, records);
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
        status,
        null);
  }

  /**
   * The finalizer's decision when an OdooVps is deleted. A terminated VPS's object goes once its
   * data is verified gone, its last notices are delivered (or {@link #NOTICES_WAIT} passed) and
   * every BackupPolicy that holds its backups recorded the termination (or {@link #POLICIES_WAIT}
   * passed: a policy that never saw the end keeps the backups, it never purges them on absence).
   */
  DeleteControl onDelete(
      OdooVps vps,
      KubernetesClient client,
      EventRecorder events,
      List<BackupRecord> backupRecords,
      ContractRecords records) {
    var status = vps.getStatus();
    if (status != null
        && status.getTermination() != null
        && status.getTermination().completedAt() != null) {
      return release(vps, client, events, backupRecords);
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
    var observation = terminate(vps, client, cause.get(), records);
    var next = statusBuilder.build(observation);
    var prior = status == null ? new OdooVpsStatus() : status;
    next.setSupport(prior.getSupport());
    next.setAvailability(prior.getAvailability());
    next.setMaintenance(prior.getMaintenance());
    next.setGuest(prior.getGuest());
    next.setTraffic(prior.getTraffic());
    next.setContractEnd(prior.getContractEnd());
    next.setBackup(prior.getBackup());
    var outbox = delivery.outbox(vps, clock.instant());
    new VpsTransitions(events, outbox).record(vps, next);
    delivery.deliver(vps, outbox, events, clock.instant());
    next.setNotices(outbox.build());
    if (!Objects.equals(next, status)) {
      client.resource(StatusPatches.withStatus(vps, next)).patchStatus();
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(5));
  }

  /** After the termination: the holds on the record (notices, backup policies), then release. */
  private DeleteControl release(
      OdooVps vps,
      KubernetesClient client,
      EventRecorder events,
      List<BackupRecord> backupRecords) {
    var now = clock.instant();
    var status = vps.getStatus();
    var completed = Timestamps.parse(status.getTermination().completedAt());
    var outbox = delivery.outbox(vps, now);
    delivery.deliver(vps, outbox, events, now);
    var notices = outbox.build();
    if (!Objects.equals(notices, status.getNotices())) {
      var next = StatusPatches.copyOf(status);
      next.setNotices(notices);
      client.resource(StatusPatches.withStatus(vps, next)).patchStatus();
    }
    var undelivered =
        notices == null ? 0 : notices.stream().filter(n -> n.sentAt() == null).count();
    if (undelivered > 0 && now.isBefore(completed.plus(NOTICES_WAIT))) {
      return DeleteControl.noFinalizerRemoval()
          .rescheduleAfter(
              outbox
                  .nextAttempt()
                  .map(t -> Duration.between(now, t).plusSeconds(1))
                  .filter(d -> !d.isNegative())
                  .orElse(Duration.ofMinutes(1)));
    }
    if (undelivered > 0) {
      events.warning(
          vps,
          "NoticeAbandoned",
          undelivered
              + " notice(s) to the customer could not be delivered within "
              + NOTICES_WAIT.toHours()
              + " h of the termination; the record goes without them");
    }
    return releaseAfterPolicies(vps, events, backupRecords, completed, now);
  }

  /**
   * The last hold: every BackupPolicy that holds the VPS's backups recorded the termination, or
   * {@link #POLICIES_WAIT} passed (its backups are then kept, with a Warning).
   */
  private static DeleteControl releaseAfterPolicies(
      OdooVps vps,
      EventRecorder events,
      List<BackupRecord> backupRecords,
      Instant completed,
      Instant now) {
    var waiting =
        backupRecords.stream()
            .filter(r -> r.getSpec() != null && r.getSpec().terminatedAt() == null)
            .map(BackupRecords::policyOf)
            .filter(Objects::nonNull)
            .distinct()
            .sorted()
            .toList();
    if (!waiting.isEmpty() && now.isBefore(completed.plus(POLICIES_WAIT))) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(5));
    }
    if (!waiting.isEmpty()) {
      events.warning(
          vps,
          "BackupsKept",
          "BackupPolicy "
              + String.join(", ", waiting)
              + " did not record the termination within "
              + POLICIES_WAIT.toHours()
              + " h: the backups it holds of this VPS are kept (never deleted without a recorded"
              + " termination); delete them by hand if they must go");
    }
    return DeleteControl.defaultDelete();
  }
}
