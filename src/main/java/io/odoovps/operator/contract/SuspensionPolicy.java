package io.odoovps.operator.contract;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionStatus;
import java.time.Instant;

/**
 * Articles 5, 6, 11 and 12: when a VPS is suspended, and when it may resume. It is suspended while
 * the provider says so (spec.suspension), while an identity check is overdue, or once its fixed
 * term ended (until it is extended or deleted). `doNotResume`, once seen during a suspension, keeps
 * it suspended for good. Counts every new suspension.
 */
public final class SuspensionPolicy {

  public static final String IDENTITY_OVERDUE =
      "Identity not verified within 72 hours of the request (article 6)";

  private SuspensionPolicy() {}

  /** With the identity deadline counted from the request, and no ended term. */
  public static SuspensionStatus decide(OdooVpsSpec spec, SuspensionStatus previous, Instant now) {
    return decide(
        spec, previous, now, IdentityCheckDeadline.pending(spec.getIdentityCheck()), false);
  }

  /**
   * @param identityDeadline when the pending identity check suspends the VPS (empty: none pending,
   *     or its notice not delivered yet, see {@link IdentityCheckDeadline#pending(
   *     io.odoovps.operator.api.v1alpha1.odoovps.IdentityCheckSpec, Instant)})
   * @param termEnded whether the fixed term ended (see {@link FixedTermEnd})
   */
  public static SuspensionStatus decide(
      OdooVpsSpec spec,
      SuspensionStatus previous,
      Instant now,
      java.util.Optional<Instant> identityDeadline,
      boolean termEnded) {
    var before =
        previous == null ? new SuspensionStatus(false, null, null, null, 0, false) : previous;
    boolean wasActive = Boolean.TRUE.equals(before.active());
    boolean lockedBefore = Boolean.TRUE.equals(before.doNotResume());
    var manual = spec.getSuspension();
    boolean identityOverdue = identityDeadline.map(d -> !now.isBefore(d)).orElse(false);

    String reason = null;
    String authority = null;
    if (manual != null) {
      reason = manual.getReason();
      authority = manual.getAuthorityReference();
    } else if (identityOverdue) {
      reason = IDENTITY_OVERDUE;
    } else if (termEnded) {
      reason = FixedTermEnd.SUSPENSION_REASON;
    } else if (wasActive && lockedBefore) {
      reason = before.reason();
      authority = before.authorityReference();
    }
    boolean active = reason != null;
    boolean doNotResume =
        active
            && (lockedBefore || (manual != null && Boolean.TRUE.equals(manual.getDoNotResume())));
    int count = before.count() == null ? 0 : before.count();
    if (active && !wasActive) {
      count++;
    }
    var since = active ? (wasActive ? before.since() : Timestamps.format(now)) : null;
    if (!active && count == 0) {
      return null; // never suspended: nothing to show
    }
    return new SuspensionStatus(active, reason, authority, since, count, doNotResume ? true : null);
  }
}
