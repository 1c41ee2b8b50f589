package io.odoovps.operator.vps;

/** Condition types and reasons of OdooVps status. */
public final class OdooVpsConditions {

  /** The VPS's VM runs and reports ready. */
  public static final String READY = "Ready";

  /** The spec breaks a rule that the API server cannot check; the last valid state is kept. */
  public static final String SPEC_VALID = "SpecValid";

  /** The VPS holds its fixed IPv4. */
  public static final String IPV4_ALLOCATED = "IPv4Allocated";

  /** The customer was emailed the Odoo access codes. */
  public static final String ACCESS_CODES_SENT = "AccessCodesSent";

  /** The VM runs the spec's plan (48-hour obligation after payment). */
  public static final String PLAN_APPLIED = "PlanChangeApplied";

  /** An identity check is pending or overdue (72-hour obligation). */
  public static final String IDENTITY_VERIFIED = "IdentityVerified";

  /** The VPS is suspended. */
  public static final String SUSPENDED = "Suspended";

  /** The VPS is cut off from the Internet. */
  public static final String ISOLATED = "Isolated";

  /** The contract ended and the data is deleted. */
  public static final String TERMINATED = "Terminated";

  /** A delete was asked without termination; the data is kept. */
  public static final String DELETION_BLOCKED = "DeletionBlocked";

  /** A BackupPolicy backs the VPS up and its last success is recent (article 3). */
  public static final String BACKED_UP = "BackedUp";

  /** A fixed term ended: the VPS is suspended until it is extended or deleted (article 11). */
  public static final String TERM_ENDED = "TermEnded";

  /** Every contract notice due to the customer was delivered (retried until it is). */
  public static final String NOTICES_DELIVERED = "NoticesDelivered";

  public static final String REASON_VM_READY = "VirtualMachineReady";
  public static final String REASON_VM_NOT_READY = "VirtualMachineNotReady";
  public static final String REASON_VM_MISSING = "VirtualMachineMissing";
  public static final String REASON_VALID = "Valid";
  public static final String REASON_INVALID = "InvalidSpec";

  /** Ready: the last pass failed (updateErrorStatus); the message tells the root cause. */
  public static final String REASON_RECONCILE_ERROR =
      io.odoovps.operator.status.ReconcileErrors.REASON;

  /** IPv4Allocated: the VPS keeps an address its pool no longer hands out (a Warning). */
  public static final String REASON_KEPT_OUTSIDE_POOL = "KeptOutsidePool";

  private OdooVpsConditions() {}
}
