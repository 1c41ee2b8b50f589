package io.odoovps.operator.contract;

import io.odoovps.operator.api.v1alpha1.odoovps.IdentityCheckSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Article 6: the customer has 72 hours from the request to prove their identity. */
public final class IdentityCheckDeadline {

  public static final Duration WINDOW = Duration.ofHours(72);

  private IdentityCheckDeadline() {}

  /** The deadline of a pending (unverified) check; empty when there is none or it is verified. */
  public static Optional<Instant> pending(IdentityCheckSpec check) {
    if (check == null || Boolean.TRUE.equals(check.getVerified())) {
      return Optional.empty();
    }
    return Optional.of(Timestamps.parse(check.getRequestedAt()).plus(WINDOW));
  }

  /** Whether the check is unverified at or past its deadline. */
  public static boolean overdue(IdentityCheckSpec check, Instant now) {
    return pending(check).map(deadline -> !now.isBefore(deadline)).orElse(false);
  }
}
