package io.odoovps.operator.api.v1alpha1.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the operator observed of a policy's backups. Written only when it changed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupPolicyStatus(
    @JsonPropertyDescription("The generation of the spec that this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Ready, OffSite, ScheduleValid, CredentialsFound, BackupsSucceeding, BackupsCurrent.")
        List<Condition> conditions,
    @JsonPropertyDescription("VPSs backed up by this policy.") Integer covered,
    @JsonPropertyDescription("Covered VPSs whose last backup run failed.") Integer failing,
    @JsonPropertyDescription("The most recent successful backup of any covered VPS.")
        String lastSuccess,
    @JsonPropertyDescription(
            "The most recent failed backup run of any covered VPS, kept after later successes;"
                + " whether a VPS is failing now is in `failing` and BackupsSucceeding.")
        String lastFailure,
    @JsonPropertyDescription("The next scheduled run of any covered VPS.") String nextRun,
    @JsonPropertyDescription(
            "Deprecated, always empty now: releases before BackupRecord kept one entry per covered"
                + " VPS here, which made the status grow with the number of VPSs. The operator"
                + " moves such entries into BackupRecords (one per VPS), then clears this field.")
        List<VpsBackups> vps,
    @JsonPropertyDescription(
            "VPSs the policy selects but refuses to back up, with the reason: the first "
                + BackupPolicyStatus.REFUSALS_LISTED
                + " by name (each refused VPS says so in its own BackedUp condition).")
        List<Refusal> refused,
    @JsonPropertyDescription("How many VPSs the policy selects but refuses, listed or not.")
        Integer refusedCount) {

  /** How many refusals the status lists at most: it does not grow with the number of VPSs. */
  public static final int REFUSALS_LISTED = 20;

  /** The backups of one VPS under a policy: the spec of its {@link BackupRecord}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VpsBackups(
      @JsonPropertyDescription("The OdooVps.") String name,
      @JsonPropertyDescription("Its datacenter.") String location,
      @JsonPropertyDescription("The CronJob that runs its backups.") String cronJob,
      @JsonPropertyDescription("The effective cron schedule.") String schedule,
      @JsonPropertyDescription(
              "The run due next, as of the last run recorded: it moves on when that run's result"
                  + " is recorded, not when its time passes (in the past while the run is under way"
                  + " or late).")
          String nextRun,
      @JsonPropertyDescription("The last successful backup.") Backup lastSuccess,
      @JsonPropertyDescription(
              "The most recent failed run, kept after later successes; the VPS is failing (see"
                  + " the BackupsSucceeding condition) while it is newer than lastSuccess.")
          Failure lastFailure,
      @JsonPropertyDescription(
              "Complete backups kept in the bucket, oldest first, as the last run reported them:"
                  + " the newest that fit a pod's termination message (4 KiB, about 24). When"
                  + " keptCount is larger, older backups are kept but not listed; they can still"
                  + " be restored by id.")
          List<Backup> kept,
      @JsonPropertyDescription("How many complete backups are kept in the bucket, listed or not.")
          Integer keptCount,
      @JsonPropertyDescription("When the oldest backup kept in the bucket was taken.")
          String keptOldest,
      @JsonPropertyDescription(
              "When the operator saw the VPS leave the policy (no longer selected). If another"
                  + " policy backs it up now, its backups here stay restorable until they are"
                  + " older than the retention, then a prune Job deletes them and the entry goes;"
                  + " if none does, they are kept (the VPS shows BackedUp=False).")
          String leftPolicyAt,
      @JsonPropertyDescription(
              "When the VPS's termination started, as this policy recorded it: the only thing"
                  + " that leads to deleting its backups, after the purge grace.")
          String terminatedAt,
      @JsonPropertyDescription(
              "terminatedAt + the purge grace: when a purge Job deletes the backups taken up to"
                  + " terminatedAt.")
          String purgeAfter,
      @JsonPropertyDescription(
              "Since when the OdooVps is not found although no termination was recorded: its"
                  + " backups are kept, never deleted on absence.")
          String missingSince) {

    /** The entry with its departure, termination and absence fields replaced. */
    public VpsBackups with(
        String leftPolicyAt, String terminatedAt, String purgeAfter, String missingSince) {
      return copy(
          cronJob,
          schedule,
          nextRun,
          lastFailure,
          leftPolicyAt,
          terminatedAt,
          purgeAfter,
          missingSince);
    }

    /** The entry without a schedule (no CronJob) and with {@code failure} as its last failure. */
    public VpsBackups unscheduled(Failure failure) {
      return copy(null, null, null, failure, leftPolicyAt, terminatedAt, purgeAfter, missingSince);
    }

    private VpsBackups copy(
        String cronJob,
        String schedule,
        String nextRun,
        Failure lastFailure,
        String leftPolicyAt,
        String terminatedAt,
        String purgeAfter,
        String missingSince) {
      return new VpsBackups(
          name,
          location,
          cronJob,
          schedule,
          nextRun,
          lastSuccess,
          lastFailure,
          kept,
          keptCount,
          keptOldest,
          leftPolicyAt,
          terminatedAt,
          purgeAfter,
          missingSince);
    }
  }

  /** One complete backup in the bucket. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Backup(
      @JsonPropertyDescription("The backup id, to name in an OdooVpsRestore.") String backupId,
      @JsonPropertyDescription("When it was taken.") String time,
      @JsonPropertyDescription("Stored size in bytes.") Long sizeBytes,
      @JsonPropertyDescription("SHA-256 of the stored bytes.") String sha256) {}

  /** One failed run. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Failure(
      @JsonPropertyDescription("When the run gave up.") String time,
      @JsonPropertyDescription("The Job of the run.") String job,
      @JsonPropertyDescription("Attempts made (retries are bounded by spec.retries).")
          Integer attempts,
      @JsonPropertyDescription("Why it failed, as the backup command reported it.")
          String reason) {}

  /** A selected VPS the policy does not back up. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Refusal(
      @JsonPropertyDescription("The OdooVps.") String name,
      @JsonPropertyDescription("Why the policy does not back it up, naming the rule.")
          String reason) {}
}
