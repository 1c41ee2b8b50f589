package io.odoovps.operator.backup.policy;

import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.contract.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What becomes of the backups of a VPS that a policy no longer schedules (articles 3 and 12). The
 * rule: backups outlive their VPS's object. Only a termination that the policy recorded deletes
 * them, after the purge grace; a VPS that is merely absent (a stripped finalizer, a lost CRD, a
 * partial cluster restore, a cache that lags) keeps them; a VPS that no policy backs up any more
 * keeps them too (it shows BackedUp=False); only a VPS that another policy backs up now lets them
 * age out by the retention, or hands them over when that policy writes to the same bucket. Pure.
 */
final class BackupRetirement {

  /** The decision for one entry. */
  enum Fate {
    /** Terminated: kept until {@code purgeAfter}. */
    AWAIT_PURGE,
    /** Terminated and the grace is over: a purge Job deletes what was taken until terminatedAt. */
    PURGE,
    /** The OdooVps is not found and no termination was recorded: kept, with a Warning. */
    KEEP_MISSING,
    /** Not backed up by any policy now: kept, not aged out. */
    KEEP_UNCOVERED,
    /** Backed up by another policy into another bucket: kept until older than the retention. */
    AGE_OUT,
    /** ... and now older than the retention: a prune Job deletes them. */
    PRUNE,
    /** Backed up by another policy into the same bucket, which keeps them by its own retention. */
    HAND_OVER
  }

  /** The fate, and the entry with its departure, termination and absence fields up to date. */
  record Decision(Fate fate, VpsBackups entry, boolean firstSeen) {}

  /**
   * The VPS as the cache shows it: absent, or present with the time its termination started (null
   * while it was not terminated).
   */
  record Vps(boolean present, String terminationStartedAt) {
    static final Vps ABSENT = new Vps(false, null);
  }

  private BackupRetirement() {}

  /**
   * @param coveredElsewhere another policy of the namespace that backs the VPS up now, if any
   * @param sameBucket whether that policy writes to this policy's bucket
   */
  static Decision decide(
      VpsBackups entry,
      Vps vps,
      Optional<String> coveredElsewhere,
      boolean sameBucket,
      Instant now,
      Duration retention,
      Duration purgeGrace) {
    var terminatedAt =
        entry.terminatedAt() != null
            ? entry.terminatedAt()
            : vps.present() ? vps.terminationStartedAt() : null;
    if (terminatedAt != null) {
      var purgeAfter = Timestamps.format(Timestamps.parse(terminatedAt).plus(purgeGrace));
      var next = entry.with(entry.leftPolicyAt(), terminatedAt, purgeAfter, null);
      var due = !now.isBefore(Timestamps.parse(purgeAfter));
      return new Decision(due ? Fate.PURGE : Fate.AWAIT_PURGE, next, entry.terminatedAt() == null);
    }
    if (!vps.present()) {
      var since = entry.missingSince() != null ? entry.missingSince() : Timestamps.format(now);
      return new Decision(
          Fate.KEEP_MISSING,
          entry.with(entry.leftPolicyAt(), null, null, since),
          entry.missingSince() == null);
    }
    var left = entry.leftPolicyAt() != null ? entry.leftPolicyAt() : Timestamps.format(now);
    var next = entry.with(left, null, null, null);
    boolean first = entry.leftPolicyAt() == null;
    if (coveredElsewhere.isEmpty()) {
      return new Decision(Fate.KEEP_UNCOVERED, next, first);
    }
    if (sameBucket) {
      return new Decision(Fate.HAND_OVER, next, first);
    }
    // without a recorded backup, the retention counts from the departure: a VPS that comes back
    // soon (a selector being edited) costs no Job
    var newest = Timestamps.parse(entry.lastSuccess() == null ? left : entry.lastSuccess().time());
    return new Decision(
        now.isBefore(newest.plus(retention)) ? Fate.AGE_OUT : Fate.PRUNE, next, first);
  }
}
