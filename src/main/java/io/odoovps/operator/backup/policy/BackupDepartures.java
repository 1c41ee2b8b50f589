package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Failure;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.backup.BackupReport;
import io.odoovps.operator.contract.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The entries of VPSs that the policy no longer schedules, each decided by {@link
 * BackupRetirement}: kept (absent without a recorded termination, or backed up by no policy),
 * awaiting the purge grace, purged, aged out by the retention, or handed over. This turns each fate
 * into the entry that stays, the purge or prune Job to create or delete, and the Events. Pure.
 */
final class BackupDepartures {

  /** How long a failed purge or prune Job stays before a new one is run. */
  static final Duration BUCKET_JOB_RETRY = Duration.ofHours(1);

  private final BackupJobDesign design;
  private final Duration purgeGrace;

  BackupDepartures(BackupJobDesign design, Duration purgeGrace) {
    this.design = design;
    this.purgeGrace = purgeGrace;
  }

  /**
   * The entries of {@code previous} not {@code covered} that stay.
   *
   * @param jobs the policy's Jobs by name
   * @param usable whether the spec can be used: no new Job is created otherwise
   */
  List<VpsBackups> decide(
      BackupPolicyObservation seen,
      Map<String, VpsBackups> previous,
      Set<String> covered,
      Map<String, Job> jobs,
      boolean usable,
      BackupPolicyPlan plan) {
    var policy = seen.policy();
    var present =
        seen.vps().stream().collect(Collectors.toMap(v -> v.getMetadata().getName(), v -> v));
    var retention = Duration.ofDays(policy.getSpec().getRetentionDays());
    var kept = new ArrayList<VpsBackups>();
    for (var entry : previous.values()) {
      if (covered.contains(entry.name())) {
        continue;
      }
      var vps = present.get(entry.name());
      var view =
          vps == null
              ? BackupRetirement.Vps.ABSENT
              : new BackupRetirement.Vps(true, terminationStartedAt(vps, seen.now()));
      var elsewhere =
          BackupCoverage.coveringElsewhere(seen.otherPolicies(), seen.records(), entry.name());
      var decision =
          BackupRetirement.decide(
              entry,
              view,
              elsewhere.map(p -> p.getMetadata().getName()),
              elsewhere.map(p -> BackupCoverage.sameBucket(policy, p)).orElse(false),
              seen.now(),
              retention,
              purgeGrace);
      var bucket = new Bucket(policy, jobs, seen.pods(), usable, seen.now(), plan);
      var other = elsewhere.map(p -> p.getMetadata().getName()).orElse(null);
      act(policy, decision, other, bucket, plan).ifPresent(kept::add);
    }
    return kept;
  }

  /** One fate's entry (empty when it goes) and Events. */
  private Optional<VpsBackups> act(
      BackupPolicy policy,
      BackupRetirement.Decision decision,
      String elsewhere,
      Bucket bucket,
      BackupPolicyPlan plan) {
    var next = decision.entry();
    var name = next.name();
    var first = decision.firstSeen();
    switch (decision.fate()) {
      case AWAIT_PURGE -> {
        if (first) {
          plan.normal(policy, "TerminationRecorded", Messages.terminationRecorded(next));
        }
      }
      case PURGE -> {
        return purge(bucket, next);
      }
      case KEEP_MISSING -> {
        if (first) {
          plan.warning(policy, "VpsMissing", Messages.missing(name));
        }
      }
      case KEEP_UNCOVERED -> {
        if (first) {
          plan.warning(policy, "VpsLeftPolicy", Messages.uncovered(name));
        }
      }
      case HAND_OVER -> {
        // the keys carry no policy: the other policy's own runs prune by its retention, and a
        // prune here by ours could delete backups it still keeps
        plan.normal(policy, "BackupsHandedOver", Messages.handedOver(name, elsewhere));
        return Optional.empty();
      }
      case AGE_OUT -> {
        if (first) {
          plan.normal(policy, "VpsLeftPolicy", Messages.agingOut(policy, name, elsewhere));
        }
      }
      case PRUNE -> {
        return prune(bucket, next);
      }
    }
    return Optional.of(next.unscheduled(next.lastFailure()));
  }

  /**
   * A terminated VPS past the purge grace: a purge Job deletes its backups taken until the
   * termination (article 12); the entry stays until it succeeded. Empty once done.
   */
  private Optional<VpsBackups> purge(Bucket bucket, VpsBackups entry) {
    var policy = bucket.policy();
    return bucket.job(
        entry,
        BackupJobDesign.purgeJobName(policy.getMetadata().getName(), entry.name()),
        () -> design.purgeJob(policy, entry.name(), entry.terminatedAt()),
        "deleting the backups of the terminated VPS failed: ",
        (job, report) -> {
          bucket.plan().normal(policy, "BackupsDeleted", Messages.purged(policy, entry, report));
        });
  }

  /**
   * A VPS that another policy backs up now, whose backups here are older than the retention
   * (article 3: kept 15 days, no more and no less): a prune Job deletes what is older than the
   * retention, and the entry goes. Empty once done.
   */
  private Optional<VpsBackups> prune(Bucket bucket, VpsBackups entry) {
    var policy = bucket.policy();
    return bucket.job(
        entry,
        BackupJobDesign.pruneJobName(policy.getMetadata().getName(), entry.name()),
        () -> design.pruneJob(policy, entry.name()),
        "deleting the aged-out backups of the VPS failed: ",
        (job, report) -> {
          bucket.plan().normal(policy, "BackupsAgedOut", Messages.pruned(policy, entry, report));
          // the Job goes too, so that a later departure runs a new one
          bucket.plan().delete(job);
        });
  }

  /** When the VPS's termination started, if it was terminated (or asked to be). */
  static String terminationStartedAt(OdooVps vps, Instant now) {
    if (vps.getStatus() != null && vps.getStatus().getTermination() != null) {
      var started = vps.getStatus().getTermination().startedAt();
      return started != null ? started : Timestamps.format(now);
    }
    return vps.getSpec() != null && vps.getSpec().getTermination() != null
        ? Timestamps.format(now)
        : null;
  }

  /** What a bucket Job decision needs of the reconcile. */
  record Bucket(
      BackupPolicy policy,
      Map<String, Job> jobs,
      List<Pod> pods,
      boolean usable,
      Instant now,
      BackupPolicyPlan plan) {

    /**
     * A Job that deletes backups from the bucket (purge or prune): created once while the entry
     * waits, its success handed to {@code succeeded} (the entry then goes: empty), its failure kept
     * in the entry (counted as failing, one Warning per failure) and the Job replaced {@link
     * #BUCKET_JOB_RETRY} later, until the deletion succeeds.
     */
    Optional<VpsBackups> job(
        VpsBackups entry,
        String jobName,
        Supplier<Job> make,
        String failedWhat,
        java.util.function.BiConsumer<Job, BackupReport> succeeded) {
      var job = jobs.get(jobName);
      if (job == null) {
        if (usable) {
          plan.create(make.get());
        }
        return Optional.of(entry.unscheduled(entry.lastFailure()));
      }
      var run = BackupRuns.finished(List.of(job), pods).stream().findFirst();
      if (run.isEmpty()) {
        return Optional.of(entry.unscheduled(entry.lastFailure()));
      }
      if (run.get().succeeded()) {
        succeeded.accept(job, run.get().report());
        return Optional.empty();
      }
      var failure = run.get().failure();
      var reason = failedWhat + failure.reason();
      if (entry.lastFailure() == null || !failure.time().equals(entry.lastFailure().time())) {
        plan.warning(policy, "BackupDeletionFailed", "VPS " + entry.name() + ": " + reason);
        plan.runFailed();
      }
      // deleted an hour after it gave up, so that the next reconcile runs a new one: deleting
      // what the contract says must go is retried until it succeeds
      if (!now.isBefore(run.get().finishedAt().plus(BUCKET_JOB_RETRY))) {
        plan.delete(job);
      }
      return Optional.of(
          entry.unscheduled(
              new Failure(
                  failure.time(), job.getMetadata().getName(), failure.attempts(), reason)));
    }
  }

  /** The Event messages of departures. */
  private static final class Messages {

    static String terminationRecorded(VpsBackups next) {
      return "VPS "
          + next.name()
          + " was terminated at "
          + next.terminatedAt()
          + ": its backups are deleted from the bucket at "
          + next.purgeAfter()
          + " (purge grace)";
    }

    static String missing(String name) {
      return "OdooVps "
          + name
          + " is not found, and no termination of it was recorded: its backups are"
          + " kept (they are deleted only after a recorded termination)";
    }

    static String uncovered(String name) {
      return "VPS "
          + name
          + " is no longer selected and no other BackupPolicy backs it up: its CronJob"
          + " is removed, its backups are kept until it is backed up again or"
          + " terminated (the VPS shows BackedUp=False)";
    }

    static String handedOver(String name, String elsewhere) {
      return "VPS "
          + name
          + " is backed up by BackupPolicy "
          + elsewhere
          + " into the same bucket, which now keeps its backups by its own retention";
    }

    static String agingOut(BackupPolicy policy, String name, String elsewhere) {
      return "VPS "
          + name
          + " is backed up by BackupPolicy "
          + elsewhere
          + " now: its backups here stay restorable until they are older than "
          + policy.getSpec().getRetentionDays()
          + " days, then they are deleted";
    }

    static String purged(BackupPolicy policy, VpsBackups entry, BackupReport report) {
      var deleted = report.keptCount();
      return "VPS "
          + entry.name()
          + " was terminated at "
          + entry.terminatedAt()
          + ": its "
          + (deleted == null ? 0 : deleted)
          + " backup(s) taken until then were deleted from the bucket in "
          + policy.getSpec().getTarget().getLocation();
    }

    static String pruned(BackupPolicy policy, VpsBackups entry, BackupReport report) {
      return "VPS "
          + entry.name()
          + " left the policy: "
          + (report.prunedCount() != null
              ? report.prunedCount()
              : report.pruned() == null ? 0 : report.pruned().size())
          + " backup(s) older than "
          + policy.getSpec().getRetentionDays()
          + " days were deleted from the bucket";
    }
  }
}
