package io.odoovps.operator.support;

import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.contract.Timestamps;
import java.time.Instant;
import java.util.Optional;

/**
 * The phase rules of a ticket. An alert ticket follows its alert (the {@link TicketDesk} writes its
 * phase). A ticket opened by hand (no `spec.alert`) is opened by the operator when it first sees
 * it, resolved when staff set `spec.resolved: true`, and reopened when they set it back to false.
 * Every opening (the first and each reopening) is forwarded to the helpdesk once per channel.
 */
public final class TicketLifecycle {

  private TicketLifecycle() {}

  /** The phase fields of a ticket's status. */
  public record PhaseFields(
      Phase phase, String openedAt, String resolvedAt, String reopenedAt, Integer reopenCount) {

    static PhaseFields of(SupportTicketStatus status) {
      return status == null
          ? new PhaseFields(null, null, null, null, null)
          : new PhaseFields(
              status.phase(),
              status.openedAt(),
              status.resolvedAt(),
              status.reopenedAt(),
              status.reopenCount());
    }
  }

  /**
   * The phase fields of a ticket opened by hand once `spec.resolved` ({@code resolved}, null for
   * false) is honoured at {@code now}; empty when they do not change.
   *
   * <p>A ticket is opened when the operator first sees it, at {@code now}. A ticket that already
   * has a status but no phase was created under a release that did not open tickets by hand (it
   * wrote only their minutes): it is opened at its creation ({@code created}, the ticket's
   * `metadata.creationTimestamp`), when staff actually opened it. That release never forwarded such
   * a ticket, so its first opening is still owed to the helpdesk.
   */
  public static Optional<PhaseFields> handTicket(
      Boolean resolved, SupportTicketStatus status, String created, Instant now) {
    var current = PhaseFields.of(status);
    var at = Timestamps.format(now);
    boolean wantResolved = Boolean.TRUE.equals(resolved);
    if (current.phase() == null) {
      var openedAt =
          status != null && created != null ? Timestamps.format(Timestamps.parse(created)) : at;
      return Optional.of(
          new PhaseFields(
              wantResolved ? Phase.Resolved : Phase.Open,
              openedAt,
              wantResolved ? at : null,
              null,
              0));
    }
    if (current.phase() == Phase.Open && wantResolved) {
      return Optional.of(
          new PhaseFields(
              Phase.Resolved, current.openedAt(), at, current.reopenedAt(), current.reopenCount()));
    }
    if (current.phase() == Phase.Resolved && !wantResolved) {
      return Optional.of(
          new PhaseFields(
              Phase.Open,
              current.openedAt(),
              null,
              at,
              (current.reopenCount() == null ? 0 : current.reopenCount()) + 1));
    }
    return Optional.empty();
  }

  /** Openings of a ticket so far: none before it has a phase, else 1 + its reopenings. */
  public static int openings(PhaseFields fields) {
    if (fields.phase() == null) {
      return 0;
    }
    return 1 + (fields.reopenCount() == null ? 0 : fields.reopenCount());
  }

  /**
   * Whether a channel that delivered {@code delivered} openings must deliver now: the ticket is
   * open and its latest opening has not gone on that channel yet.
   */
  public static boolean due(PhaseFields fields, int delivered) {
    return fields.phase() == Phase.Open && openings(fields) > delivered;
  }
}
