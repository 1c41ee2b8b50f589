package io.odoovps.operator.support;

/** The condition types of a SupportTicket's status. */
public final class TicketConditions {

  /** Every configured helpdesk channel took the latest opening. */
  public static final String FORWARDED = "Forwarded";

  /** `spec.vps` names an OdooVps of the namespace (its customer is known). */
  public static final String VPS_FOUND = "VpsFound";

  /**
   * False while the last reconcile failed, with the failure in the message; written only then, and
   * gone with the next pass that succeeds.
   */
  public static final String RECONCILED = "Reconciled";

  private TicketConditions() {}
}
