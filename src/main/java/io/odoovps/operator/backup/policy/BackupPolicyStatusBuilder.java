package io.odoovps.operator.backup.policy;

import static io.odoovps.operator.backup.policy.BackupPolicyConditions.BACKUPS_CURRENT;
import static io.odoovps.operator.backup.policy.BackupPolicyConditions.BACKUPS_SUCCEEDING;
import static io.odoovps.operator.backup.policy.BackupPolicyConditions.CREDENTIALS_FOUND;
import static io.odoovps.operator.backup.policy.BackupPolicyConditions.OFF_SITE;
import static io.odoovps.operator.backup.policy.BackupPolicyConditions.READY;
import static io.odoovps.operator.backup.policy.BackupPolicyConditions.SCHEDULE_VALID;

import io.fabric8.kubernetes.api.model.Condition;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Failure;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Refusal;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.status.ReconcileErrors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place a BackupPolicy's status is built, on the success and the error path: the conditions
 * (each keeping its lastTransitionTime while its status stays), the summary fields, and a Warning
 * for each condition that turned False or changed its message while False. Pure.
 */
final class BackupPolicyStatusBuilder {

  /** What the decision found, condition by condition. */
  record Findings(
      Optional<String> scheduleProblem,
      Optional<String> credentialsProblem,
      List<Refusal> refused,
      List<VpsBackups> failing,
      List<VpsBackups> stale,
      Duration staleAfter,
      int covered,
      List<VpsBackups> entries) {

    boolean usable() {
      return scheduleProblem.isEmpty() && credentialsProblem.isEmpty();
    }
  }

  private final BackupPolicy policy;
  private final Instant now;

  BackupPolicyStatusBuilder(BackupPolicy policy, Instant now) {
    this.policy = policy;
    this.now = now;
  }

  /** The status of a reconcile that went through; the transitions' Warnings go to {@code plan}. */
  BackupPolicyStatus build(Findings found, BackupPolicyPlan plan) {
    var conditions = conditions(found);
    warnOnTransitions(conditions, plan);
    var entries = found.entries();
    return new BackupPolicyStatus(
        policy.getMetadata().getGeneration(),
        conditions,
        found.covered(),
        found.failing().size(),
        entries.stream()
            .map(VpsBackups::lastSuccess)
            .filter(Objects::nonNull)
            .map(Backup::time)
            .max(String::compareTo)
            .orElse(null),
        entries.stream()
            .map(VpsBackups::lastFailure)
            .filter(Objects::nonNull)
            .map(Failure::time)
            .max(String::compareTo)
            .orElse(null),
        entries.stream()
            .map(VpsBackups::nextRun)
            .filter(Objects::nonNull)
            .min(String::compareTo)
            .orElse(null),
        // the entries are in BackupRecords; a release before them kept them here
        null,
        found.refused().isEmpty()
            ? null
            : found.refused().stream().limit(BackupPolicyStatus.REFUSALS_LISTED).toList(),
        found.refused().isEmpty() ? null : found.refused().size());
  }

  /**
   * The previous status with Ready=False for the reconcile that threw, the other conditions and
   * fields as they were; empty when Ready already says so (no write, no second Event).
   */
  Optional<BackupPolicyStatus> error(String message) {
    var previous = policy.getStatus();
    var before = previous == null ? null : previous.conditions();
    var found =
        ReconcileErrors.conditions(
            before, READY, policy.getMetadata().getGeneration(), now, message);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    var conditions = found.get();
    if (previous == null) {
      return Optional.of(
          new BackupPolicyStatus(
              policy.getMetadata().getGeneration(),
              conditions,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null));
    }
    return Optional.of(
        new BackupPolicyStatus(
            previous.observedGeneration(),
            conditions,
            previous.covered(),
            previous.failing(),
            previous.lastSuccess(),
            previous.lastFailure(),
            previous.nextRun(),
            previous.vps(),
            previous.refused(),
            previous.refusedCount()));
  }

  private List<Condition> conditions(Findings found) {
    var spec = policy.getSpec();
    var previous = policy.getStatus();
    var conditions =
        new ConditionList(
            previous == null ? null : previous.conditions(),
            policy.getMetadata().getGeneration(),
            now);
    var schedule = found.scheduleProblem();
    conditions.set(
        SCHEDULE_VALID,
        schedule.isEmpty(),
        schedule.isEmpty() ? "Daily" : "NotDaily",
        schedule.orElse(
            "Runs every day"
                + (spec.getSchedule() == null ? " at a time derived from each VPS's name" : "")));
    var credentials = found.credentialsProblem();
    conditions.set(
        CREDENTIALS_FOUND,
        credentials.isEmpty(),
        credentials.isEmpty() ? "Found" : "SecretMissing",
        credentials.orElse("Secret " + spec.getTarget().getCredentialsSecret() + " has both keys"));
    offSite(conditions, found.refused());
    succeeding(conditions, found.failing());
    current(conditions, found.stale(), found.staleAfter());
    boolean ready =
        found.usable()
            && found.refused().isEmpty()
            && found.failing().isEmpty()
            && found.stale().isEmpty();
    conditions.set(
        READY,
        ready,
        ready ? "Ready" : "NotReady",
        ready
            ? found.covered() + " VPS(s) backed up daily to " + spec.getTarget().getLocation()
            : "See the other conditions");
    // kstatus: what only a change of the spec or of its Secret can fix stalls the policy
    var stalls = new java.util.ArrayList<String>();
    schedule.ifPresent(stalls::add);
    credentials.ifPresent(stalls::add);
    if (!found.refused().isEmpty()) {
      stalls.add("spec.target.location is the datacenter of a covered VPS (see OffSite)");
    }
    if (!stalls.isEmpty()) {
      conditions.stalled(
          schedule.isPresent()
              ? "NotDaily"
              : credentials.isPresent() ? "SecretMissing" : "SameDatacenter",
          String.join("; ", stalls));
    }
    return conditions.build();
  }

  private void offSite(ConditionList conditions, List<Refusal> refused) {
    var target = policy.getSpec().getTarget().getLocation();
    conditions.set(
        OFF_SITE,
        refused.isEmpty(),
        refused.isEmpty() ? "OtherDatacenter" : "SameDatacenter",
        refused.isEmpty()
            ? "Every covered VPS is outside " + target + ", the bucket's datacenter"
            : "spec.target.location "
                + target
                + " equals the location of VPS "
                + refused.stream().limit(10).map(Refusal::name).collect(Collectors.joining(", "))
                + (refused.size() > 10 ? " and " + (refused.size() - 10) + " more" : "")
                + "; backups must be kept in another datacenter (contract article 3): not backed"
                + " up by this policy");
  }

  private static void succeeding(ConditionList conditions, List<VpsBackups> failing) {
    conditions.set(
        BACKUPS_SUCCEEDING,
        failing.isEmpty(),
        failing.isEmpty() ? "Succeeding" : "BackupFailed",
        failing.isEmpty()
            ? "No covered VPS has a failed last run"
            : failing.size()
                + " VPS(s) failed their last run: "
                + failing.stream()
                    .limit(5)
                    .map(e -> e.name() + " (" + e.lastFailure().reason() + ")")
                    .collect(Collectors.joining("; ")));
  }

  private static void current(ConditionList conditions, List<VpsBackups> stale, Duration after) {
    conditions.set(
        BACKUPS_CURRENT,
        stale.isEmpty(),
        stale.isEmpty() ? "Current" : "Stale",
        stale.isEmpty()
            ? "Every backed-up VPS has a backup younger than " + after.toHours() + "h"
            : stale.size()
                + " VPS(s) have no backup younger than "
                + after.toHours()
                + "h: "
                + stale.stream().limit(10).map(VpsBackups::name).collect(Collectors.joining(", ")));
  }

  /** A Warning per condition that is False now and was not, or said something else. */
  private void warnOnTransitions(List<Condition> next, BackupPolicyPlan plan) {
    var previous = policy.getStatus();
    for (var condition : next) {
      if (READY.equals(condition.getType()) || BACKUPS_SUCCEEDING.equals(condition.getType())) {
        continue; // Ready summarises; failures have their own Event per run
      }
      var before =
          previous == null
              ? Optional.<Condition>empty()
              : ConditionList.find(previous.conditions(), condition.getType());
      var changed =
          before
              .map(
                  b ->
                      !Objects.equals(b.getStatus(), condition.getStatus())
                          || !Objects.equals(b.getMessage(), condition.getMessage()))
              .orElse(true);
      if (changed && "False".equals(condition.getStatus())) {
        plan.warning(policy, condition.getReason(), condition.getMessage());
      }
    }
  }
}
