package io.odoovps.operator.contract;

import io.odoovps.operator.api.v1alpha1.odoovps.PlanChangeStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.PlanSpec;
import java.time.Duration;
import java.time.Instant;

/**
 * Article 3: follows the latest paid plan change until the VM runs it, and judges it against the
 * 48-hour deadline. Pure: the previous status, the spec's plan, whether the VM runs the plan, now.
 */
public final class PlanChangeTracker {

  /** Where the latest change stands. */
  public enum State {
    /** The VM runs the plan of the spec. */
    APPLIED,
    /** Not applied yet, deadline not near. */
    PENDING,
    /** Not applied yet, and the deadline is less than the warning lead away. */
    DEADLINE_APPROACHING,
    /** Not applied, and the deadline has passed. */
    DEADLINE_MISSED
  }

  /** The next status and the state it is in. */
  public record Outcome(PlanChangeStatus status, State state, Instant nextCheck) {}

  private PlanChangeTracker() {}

  public static Outcome next(
      PlanChangeStatus previous,
      PlanSpec plan,
      boolean vmRunsPlan,
      Instant now,
      Duration warningLead) {
    var sizing = plan.sizing();
    var paidAt = plan.getPaidAt();
    var prev = previous == null ? new PlanChangeStatus(null, null, null, null, null) : previous;
    boolean sameChange =
        sizing.equals(prev.appliedPlan()) && java.util.Objects.equals(paidAt, prev.paidAt());
    String deadline =
        paidAt == null
            ? null
            : Timestamps.format(PlanChangeDeadline.deadline(Timestamps.parse(paidAt)));

    if (sameChange && prev.appliedAt() != null) {
      // Applied before: a later pass where the VM is restarting does not undo the obligation met.
      return new Outcome(prev, State.APPLIED, null);
    }
    if (vmRunsPlan) {
      var appliedAt =
          sameChange && prev.appliedAt() != null ? prev.appliedAt() : Timestamps.format(now);
      Boolean met =
          paidAt == null
              ? null
              : PlanChangeDeadline.met(Timestamps.parse(paidAt), Timestamps.parse(appliedAt));
      return new Outcome(
          new PlanChangeStatus(sizing, paidAt, deadline, appliedAt, met), State.APPLIED, null);
    }
    // Not applied: keep what the VM last ran, report the pending change's deadline.
    var pending = new PlanChangeStatus(prev.appliedPlan(), paidAt, deadline, null, null);
    if (paidAt == null) {
      return new Outcome(pending, State.PENDING, null);
    }
    var due = PlanChangeDeadline.deadline(Timestamps.parse(paidAt));
    var warnAt = due.minus(warningLead);
    if (now.isAfter(due)) {
      return new Outcome(
          new PlanChangeStatus(prev.appliedPlan(), paidAt, deadline, null, false),
          State.DEADLINE_MISSED,
          null);
    }
    if (!now.isBefore(warnAt)) {
      return new Outcome(pending, State.DEADLINE_APPROACHING, due);
    }
    return new Outcome(pending, State.PENDING, warnAt);
  }
}
