package io.odoovps.operator.contract;

import io.odoovps.operator.api.v1alpha1.odoovps.IdentityCheckSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Article 6: the customer has 72 hours from the request to prove their identity. The hours count
 * from when the customer was told: from the request if the email went out at once, from its
 * delivery if the mail server was down (the VPS is never suspended by a request nobody received).
 */
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

  /**
   * The deadline of a pending check whose notice was delivered at {@code noticeSentAt}: 72 hours
   * after the later of the request and the delivery; empty while the notice is not delivered.
   */
  public static Optional<Instant> pending(IdentityCheckSpec check, Instant noticeSentAt) {
    var fromRequest = pending(check);
    if (fromRequest.isEmpty() || noticeSentAt == null) {
      return Optional.empty();
    }
    var requested = Timestamps.parse(check.getRequestedAt());
    return Optional.of((noticeSentAt.isAfter(requested) ? noticeSentAt : requested).plus(WINDOW));
  }

  /** Whether the check is unverified at or past its deadline. */
  public static boolean overdue(IdentityCheckSpec check, Instant now) {
    return pending(check).map(deadline -> !now.isBefore(deadline)).orElse(false);
  }
}
