package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.config.OperatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides one reconcile of a BackupPolicy from what it observed: which VPSs it covers, their
 * CronJobs and tokens, each VPS's entry advanced by its finished runs, the departures, whether
 * backups fail or are stale, the status and the next wake-up. A spec it cannot use (a schedule that
 * does not run daily, a missing credentials Secret) leaves the CronJobs as they were and says why
 * in a condition. No Kubernetes client.
 */
final class BackupPolicyRules {

  private final BackupJobDesign design;
  private final BackupDepartures departures;
  private final Duration staleAfter;
  private final Duration resync;

  BackupPolicyRules(OperatorConfig config) {
    this.design = new BackupJobDesign(config);
    this.departures = new BackupDepartures(design, config.backup().purgeGrace());
    this.staleAfter = config.backup().staleAfter();
    this.resync = config.deadlines().resync();
  }

  BackupPolicyDecision decide(BackupPolicyObservation seen) {
    var policy = seen.policy();
    var spec = policy.getSpec();
    var scheduleProblem = DailySchedule.problem(spec.getSchedule(), spec.getTimeZone());
    var credentialsProblem = credentialsProblem(policy, seen.credentials());
    var usable = scheduleProblem.isEmpty() && credentialsProblem.isEmpty();
    var coverage = BackupCoverage.of(spec, seen.vps());
    var plan = new BackupPolicyPlan();
    var entries = entries(seen, coverage, scheduleProblem.isEmpty(), usable, plan);
    var failing = BackupHealth.failing(entries);
    var stale = BackupHealth.stale(entries, seen.cronJobs(), staleAfter, seen.now());
    var findings =
        new BackupPolicyStatusBuilder.Findings(
            scheduleProblem,
            credentialsProblem,
            coverage.refused(),
            failing,
            stale,
            staleAfter,
            coverage.covered().size(),
            entries);
    var status = new BackupPolicyStatusBuilder(policy, seen.now()).build(findings, plan);
    var wake = wake(entries, seen.now());
    var records = records(policy, entries, seen.records());
    if (!usable) {
      return new BackupPolicyDecision(
          null,
          null,
          List.of(),
          List.of(),
          List.of(),
          plan,
          records,
          status,
          failing.size(),
          stale.size(),
          wake);
    }
    var cronJobs = cronJobs(policy, coverage);
    var wanted = cronJobs.stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
    // CronJobs of VPSs no longer covered go; their backups stay in the bucket until retention.
    var obsolete =
        seen.cronJobs().stream().filter(c -> !wanted.contains(c.getMetadata().getName())).toList();
    var lacking =
        BackupPodRights.lackingToken(
            policy.getMetadata().getName(), names(coverage), seen.tokens());
    return new BackupPolicyDecision(
        design.serviceAccount(policy),
        design.roleBinding(policy),
        cronJobs,
        obsolete,
        lacking,
        plan,
        records,
        status,
        failing.size(),
        stale.size(),
        wake);
  }

  /**
   * The records to write (an entry its record does not hold yet) and to delete (a record whose
   * entry went: a purge or prune finished, or a departure with nothing kept).
   */
  private static BackupPolicyDecision.Records records(
      BackupPolicy policy, List<VpsBackups> entries, List<BackupRecord> all) {
    var stored = BackupRecords.stored(policy.getMetadata().getName(), all);
    var write = new ArrayList<BackupRecord>();
    var names = new HashSet<String>();
    for (var entry : entries) {
      names.add(entry.name());
      if (!BackupRecords.holds(stored.get(entry.name()), entry)) {
        write.add(BackupRecords.of(policy, entry));
      }
    }
    var delete =
        stored.entrySet().stream()
            .filter(e -> !names.contains(e.getKey()))
            .map(Map.Entry::getValue)
            .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
            .toList();
    return new BackupPolicyDecision.Records(write, delete);
  }

  /** One CronJob per covered VPS, in VPS order. */
  private List<CronJob> cronJobs(BackupPolicy policy, BackupCoverage coverage) {
    var schedule = policy.getSpec().getSchedule();
    return names(coverage).stream()
        .map(vps -> design.cronJob(policy, vps, DailySchedule.of(schedule, vps)))
        .toList();
  }

  private static List<String> names(BackupCoverage coverage) {
    return coverage.covered().stream().map(v -> v.getMetadata().getName()).toList();
  }

  /** The entries of the covered VPSs, then those of the departed ones that stay. */
  private List<VpsBackups> entries(
      BackupPolicyObservation seen,
      BackupCoverage coverage,
      boolean scheduleValid,
      boolean usable,
      BackupPolicyPlan plan) {
    var policy = seen.policy();
    var spec = policy.getSpec();
    var name = policy.getMetadata().getName();
    var zone = ZoneId.of(scheduleValid ? spec.getTimeZone() : "Etc/UTC");
    // looked up per VPS below: indexed once, not scanned per VPS
    var jobsByName =
        seen.jobs().stream()
            .collect(Collectors.toMap(j -> j.getMetadata().getName(), j -> j, (a, b) -> a));
    var runsByVps =
        seen.jobs().stream()
            .filter(j -> !BackupJobDesign.isBucketJob(j))
            // the Jobs of releases before VPS_LABEL carry the VPS's own label instead
            .filter(j -> BackupJobDesign.vpsOf(j) != null)
            .collect(Collectors.groupingBy(BackupJobDesign::vpsOf));
    var previousByVps = BackupRecords.previous(policy, seen.records());
    var entries = new ArrayList<VpsBackups>();
    for (var vps : coverage.covered()) {
      var vpsName = vps.getMetadata().getName();
      // a prune Job of an earlier departure has no business once the VPS is back
      var pruneJob = jobsByName.get(BackupJobDesign.pruneJobName(name, vpsName));
      if (pruneJob != null) {
        plan.delete(pruneJob);
      }
      var schedule = scheduleValid ? DailySchedule.of(spec.getSchedule(), vpsName) : null;
      var runs = BackupRuns.finished(runsByVps.getOrDefault(vpsName, List.<Job>of()), seen.pods());
      entries.add(
          BackupProgress.advance(
              policy, vps, previousByVps.get(vpsName), runs, schedule, zone, seen.now(), plan));
    }
    entries.addAll(
        departures.decide(seen, previousByVps, coverage.names(), jobsByName, usable, plan));
    return entries;
  }

  /**
   * The next run of any entry still to come, one second after, unless the resync comes first. A run
   * already due wakes nothing: its Job's events bring the reconcile that records it.
   */
  private Duration wake(List<VpsBackups> entries, Instant now) {
    return entries.stream()
        .map(VpsBackups::nextRun)
        .filter(Objects::nonNull)
        .map(Instant::parse)
        .filter(t -> t.isAfter(now))
        .min(Instant::compareTo)
        .map(t -> Duration.between(now, t).plusSeconds(1))
        .filter(d -> d.compareTo(resync) < 0)
        .orElse(resync);
  }

  /** Why the credentials Secret cannot be used (absent, or lacking a key), if it cannot. */
  static Optional<String> credentialsProblem(BackupPolicy policy, Secret secret) {
    var secretName = policy.getSpec().getTarget().getCredentialsSecret();
    if (secret == null) {
      return Optional.of(
          "spec.target.credentialsSecret: Secret "
              + secretName
              + " does not exist in namespace "
              + policy.getMetadata().getNamespace());
    }
    var keys = new HashSet<String>();
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    var missing =
        List.of(BackupJobDesign.ACCESS_KEY_ID, BackupJobDesign.SECRET_ACCESS_KEY).stream()
            .filter(k -> !keys.contains(k))
            .toList();
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "spec.target.credentialsSecret: Secret "
                + secretName
                + " lacks the key(s) "
                + String.join(", ", missing));
  }
}
