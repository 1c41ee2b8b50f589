package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.NoticeStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.contract.IdentityCheckDeadline;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.notification.CustomerNotices;
import io.odoovps.operator.notification.Notice;
import io.odoovps.operator.notification.NoticeOutbox;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers a VPS's due contract notices ({@link NoticeOutbox}, kept in its status) by email. A
 * failed delivery is retried with backoff until it succeeds; a Warning Event {@code NoticeNotSent}
 * tells of its first failure (not of every retry). The identity-check email gets its deadline when
 * it is delivered: 72 hours from then.
 */
final class NoticeDelivery {

  private final CustomerNotices notices;
  private final Duration longestWait;

  NoticeDelivery(CustomerNotices notices, Duration longestWait) {
    this.notices = notices;
    this.longestWait = longestWait;
  }

  /** The VPS's outbox as its status holds it. */
  NoticeOutbox outbox(OdooVps vps, Instant now) {
    var status = vps.getStatus();
    return new NoticeOutbox(status == null ? null : status.getNotices(), now, longestWait);
  }

  /** When the customer was told of the pending identity check, if they were. */
  static Optional<Instant> identityNoticeSentAt(OdooVps vps, NoticeOutbox outbox) {
    var check = vps.getSpec().getIdentityCheck();
    if (check == null || check.getRequestedAt() == null) {
      return Optional.empty();
    }
    return outbox.sentAt(VpsTransitions.key(Notice.IDENTITY_REQUESTED, check.getRequestedAt()));
  }

  /**
   * Sends what is due.
   *
   * @return whether a notice was delivered in this pass
   */
  boolean deliver(OdooVps vps, NoticeOutbox outbox, EventRecorder events, Instant now) {
    var delivered = new boolean[1];
    var failed =
        outbox.deliver(
            entry -> complete(entry, now),
            (notice, values) -> {
              var problem = notices.send(vps, notice, values);
              delivered[0] |= problem.isEmpty();
              return problem;
            });
    for (var entry : failed) {
      if (entry.attempts() == 1) {
        events.warning(
            vps,
            "NoticeNotSent",
            entry.notice()
                + " notice not delivered (retried with backoff until it is, next at "
                + entry.nextAttemptAt()
                + "): "
                + entry.lastError());
      }
    }
    return delivered[0];
  }

  private static Map<String, String> complete(NoticeStatus entry, Instant now) {
    var values = new HashMap<>(entry.values() == null ? Map.of() : entry.values());
    if (Notice.IDENTITY_REQUESTED.name().equals(entry.notice())
        && values.containsKey("requestedAt")) {
      var requested = Timestamps.parse(values.get("requestedAt"));
      var from = now.isAfter(requested) ? now : requested;
      values.put("deadline", Timestamps.format(from.plus(IdentityCheckDeadline.WINDOW)));
    }
    return values;
  }
}
