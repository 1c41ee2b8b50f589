package io.odoovps.operator.backup.policy;

/** The condition types of a BackupPolicy's status, and the reasons shared by several of them. */
public final class BackupPolicyConditions {

  /** Summarises the others: the policy backs every covered VPS up, off-site and on time. */
  public static final String READY = "Ready";

  /** No selected VPS lives in the bucket's own datacenter (contract article 3). */
  public static final String OFF_SITE = "OffSite";

  /** The schedule runs every day. */
  public static final String SCHEDULE_VALID = "ScheduleValid";

  /** The credentials Secret exists and holds both keys. */
  public static final String CREDENTIALS_FOUND = "CredentialsFound";

  /** No covered VPS failed its last run. */
  public static final String BACKUPS_SUCCEEDING = "BackupsSucceeding";

  /** Every backed-up VPS has a backup younger than the stale threshold. */
  public static final String BACKUPS_CURRENT = "BackupsCurrent";

  /** The reason of Ready=False when a reconcile threw. */
  public static final String REASON_RECONCILE_ERROR =
      io.odoovps.operator.status.ReconcileErrors.REASON;

  private BackupPolicyConditions() {}
}
