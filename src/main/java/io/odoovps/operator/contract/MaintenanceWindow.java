package io.odoovps.operator.contract;

import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Contract article 3: OS updates with email notice before a reboot. A request is told to the
 * customer at once; the reboot comes no earlier than the notice period after that email (and no
 * earlier than the request's {@code notBefore}); it never happens before the customer was told.
 */
public final class MaintenanceWindow {

  private MaintenanceWindow() {}

  /** What to do now for the request. */
  public enum Action {
    NONE,
    SEND_NOTICE,
    REBOOT
  }

  /** The action due now and the status before it is carried out. */
  public record Step(Action action, MaintenanceStatus status) {}

  public static Step next(
      MaintenanceSpec request, MaintenanceStatus previous, Instant now, Duration notice) {
    if (request == null) {
      return new Step(Action.NONE, previous);
    }
    var current =
        previous != null && request.getRequestedAt().equals(previous.requestedAt())
            ? previous
            : new MaintenanceStatus(request.getRequestedAt(), null, null, null, null, null);
    if (current.noticeSentAt() == null) {
      return new Step(Action.SEND_NOTICE, current);
    }
    if (!current.done() && !now.isBefore(Instant.parse(current.scheduledFor()))) {
      return new Step(Action.REBOOT, current);
    }
    return new Step(Action.NONE, current);
  }

  /** When the reboot is due if the notice is sent at {@code sentAt}. */
  public static Instant rebootTime(MaintenanceSpec request, Instant sentAt, Duration notice) {
    var earliest = sentAt.plus(notice);
    if (request.getNotBefore() != null) {
      var notBefore = OffsetDateTime.parse(request.getNotBefore()).toInstant();
      if (notBefore.isAfter(earliest)) {
        return notBefore;
      }
    }
    return earliest;
  }
}
