package io.odoovps.operator.vps;

/** Condition types and reasons of OdooVps status. */
public final class OdooVpsConditions {

  /** The VPS's VM runs and reports ready. */
  public static final String READY = "Ready";

  /** The spec breaks a rule that the API server cannot check; the last valid state is kept. */
  public static final String SPEC_VALID = "SpecValid";

  public static final String REASON_VM_READY = "VirtualMachineReady";
  public static final String REASON_VM_NOT_READY = "VirtualMachineNotReady";
  public static final String REASON_VM_MISSING = "VirtualMachineMissing";
  public static final String REASON_VALID = "Valid";
  public static final String REASON_INVALID = "InvalidSpec";

  private OdooVpsConditions() {}
}
