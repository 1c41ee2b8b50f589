package io.odoovps.operator.contract;

import java.time.Duration;
import java.time.Instant;

/** Article 3: a paid configuration change is carried out within 48 hours of the payment. */
public final class PlanChangeDeadline {

  public static final Duration WINDOW = Duration.ofHours(48);

  private PlanChangeDeadline() {}

  public static Instant deadline(Instant paidAt) {
    return paidAt.plus(WINDOW);
  }

  /** When to warn that the deadline approaches, `lead` before it. */
  public static Instant warnAt(Instant paidAt, Duration lead) {
    return deadline(paidAt).minus(lead);
  }

  public static boolean met(Instant paidAt, Instant appliedAt) {
    return !appliedAt.isAfter(deadline(paidAt));
  }
}
