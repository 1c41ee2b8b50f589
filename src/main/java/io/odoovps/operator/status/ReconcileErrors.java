package io.odoovps.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A failed reconcile as a status shows it (`updateErrorStatus`): one condition of the kind's own
 * type set False with reason {@value #REASON} and the root cause in its message, built by {@link
 * ConditionList} like every other condition, with kstatus' Reconciling True beside it (the pass is
 * retried), the others kept.
 */
public final class ReconcileErrors {

  /** The reason of the error condition and of its Warning Event. */
  public static final String REASON = "ReconcileError";

  /** How the message of a failure begins. */
  public static final String PREFIX = "Reconcile failed: ";

  private ReconcileErrors() {}

  /** The message for a failure: its root cause's. */
  public static String message(Throwable e) {
    var cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    var text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return PREFIX + text;
  }

  /**
   * The conditions with {@code type} False for the failure, the others kept before it; empty when
   * that condition already carries {@code message} (nothing to write, no Event to repeat).
   */
  public static Optional<List<Condition>> conditions(
      List<Condition> previous, String type, Long generation, Instant now, String message) {
    var shown =
        ConditionList.find(previous, type)
            .map(c -> "False".equals(c.getStatus()) && message.equals(c.getMessage()))
            .orElse(false);
    if (shown) {
      return Optional.empty();
    }
    var next = new ArrayList<Condition>();
    if (previous != null) {
      previous.stream()
          .filter(c -> !type.equals(c.getType()))
          .filter(c -> !ConditionList.RECONCILING.equals(c.getType()))
          .filter(c -> !ConditionList.STALLED.equals(c.getType()))
          .forEach(next::add);
    }
    // retried with back-off: still reconciling (kstatus InProgress), not stalled
    next.addAll(
        new ConditionList(previous, generation, now)
            .set(type, false, REASON, message)
            .reconciling(REASON, message)
            .build());
    return Optional.of(List.copyOf(next));
  }
}
