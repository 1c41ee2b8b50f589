package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import io.odoovps.operator.contract.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The gating of a maintenance reboot (contract article 3), around {@link
 * io.odoovps.operator.contract.MaintenanceWindow}: the customer is emailed first and the reboot
 * waits for that email; the VM restarts once the notice period has passed, unless it is halted (it
 * then has nothing to reboot and the request is done at its due time). Pure: the email and the
 * reboot are carried out by {@link VpsActions}.
 */
final class MaintenanceReboot {

  /** How soon a request whose notice is not out yet is looked at again. */
  static final Duration NOTICE_RETRY = Duration.ofMinutes(5);

  /** How soon a reboot that waits for the guest's updates is looked at again. */
  static final Duration UPDATES_RECHECK = Duration.ofMinutes(1);

  private MaintenanceReboot() {}

  /** Whether the VM may be rebooted now: not while it is halted. */
  static boolean mayReboot(boolean halted) {
    return !halted;
  }

  /** The status once the notice was emailed: the reboot is scheduled for {@code rebootAt}. */
  static MaintenanceStatus noticeSent(MaintenanceStatus status, Instant now, Instant rebootAt) {
    return new MaintenanceStatus(
        status.requestedAt(),
        Timestamps.format(now),
        Timestamps.format(rebootAt),
        null,
        null,
        null);
  }

  /** The status while the notice could not be sent: nothing is scheduled, the email is retried. */
  static MaintenanceStatus noticeFailed(MaintenanceStatus status, String problem) {
    return new MaintenanceStatus(status.requestedAt(), null, null, null, problem, null);
  }

  /** Whether a failed notice is news (a Warning once per distinct problem, not every retry). */
  static boolean newProblem(MaintenanceStatus status, String problem) {
    return !problem.equals(status.noticeProblem());
  }

  /** The status once the request is carried out: rebooted now, or due while nothing ran. */
  static MaintenanceStatus done(MaintenanceStatus status, boolean rebooted, Instant now) {
    return new MaintenanceStatus(
        status.requestedAt(),
        status.noticeSentAt(),
        status.scheduledFor(),
        rebooted ? Timestamps.format(now) : null,
        null,
        Timestamps.format(now));
  }

  /**
   * When to look at the request again: its reboot time, or soon while its notice is not out or
   * while the reboot, past due, waits for the guest's updates (whose Job's end wakes it first).
   */
  static Optional<Instant> wake(MaintenanceStatus status, Instant now) {
    if (status == null || status.done()) {
      return Optional.empty();
    }
    if (status.scheduledFor() == null) {
      return Optional.of(now.plus(NOTICE_RETRY));
    }
    var scheduled = Instant.parse(status.scheduledFor());
    return Optional.of(scheduled.isAfter(now) ? scheduled : now.plus(UPDATES_RECHECK));
  }
}
