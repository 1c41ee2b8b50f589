package io.odoovps.operator.support;

import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.contract.Timestamps;
import java.time.Duration;
import java.time.Instant;

/**
 * What one alert does to its incident, given the incident's latest ticket: the rules of the {@link
 * TicketDesk}, without a client. A ticket whose opening half-failed (created, but its status write
 * failed, so it has no phase) is finished by the next firing notification rather than opened again:
 * Alertmanager's retry after a partial success never makes a second ticket.
 */
enum IncidentStep {
  /** A new ticket. */
  OPEN,
  /** The latest ticket was created but never got its phase: open it now. */
  FINISH_OPENING,
  /** The latest ticket resolved within the reopen window: open it again. */
  REOPEN,
  /** The latest ticket is open (or half-opened) and the alert resolved. */
  RESOLVE,
  /** A repeat: nothing changes. */
  NOTHING;

  /**
   * The step for an alert {@code firing} (else resolved) whose incident's latest ticket has {@code
   * latest} as status ({@code exists} false: the incident has no ticket).
   */
  static IncidentStep of(
      boolean firing,
      boolean exists,
      SupportTicketStatus latest,
      Instant now,
      Duration reopenWindow) {
    var phase = latest == null ? null : latest.phase();
    if (!firing) {
      return exists && phase != Phase.Resolved ? RESOLVE : NOTHING;
    }
    if (!exists) {
      return OPEN;
    }
    if (phase == null) {
      return FINISH_OPENING;
    }
    if (phase != Phase.Resolved) {
      return NOTHING;
    }
    return latest.resolvedAt() != null
            && Timestamps.parse(latest.resolvedAt()).plus(reopenWindow).isAfter(now)
        ? REOPEN
        : OPEN;
  }
}
