package io.odoovps.operator.mitigation;

/** The condition types of a MitigationState's status. */
public final class MitigationConditions {

  /** DDoS mitigation is on (True) or off. */
  public static final String DDOS = "DdosMitigation";

  /** Outbound port 25 is blocked (True) or open. */
  public static final String SMTP_BLOCKED = "SmtpBlocked";

  /** Every request in spec is honoured (True), or one is refused, with the rule in the message. */
  public static final String REQUESTS = "RequestsHonoured";

  /**
   * False while the last reconcile failed, with the failure in the message; written only then, and
   * gone with the next pass that succeeds.
   */
  public static final String RECONCILED = "Reconciled";

  private MitigationConditions() {}
}
