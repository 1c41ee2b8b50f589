package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What a VPS's MitigationState means for its network rules now (contract articles 7 and 9): port 25
 * is blocked while a spam block runs (until {@code blockedUntil}), and the DDoS mitigation level (0
 * when off) narrows inbound traffic. Also when a VPS needs a MitigationState at all: an abuse alert
 * (spam or attack) fires on it and it has none yet.
 *
 * @param smtpBlocked outbound SMTP is blocked
 * @param ddosLevel 0 when DDoS mitigation is off, else its level (1 to 3)
 */
record NetworkMitigation(boolean smtpBlocked, int ddosLevel) {

  static final NetworkMitigation NONE = new NetworkMitigation(false, 0);

  static NetworkMitigation of(Optional<MitigationState> state, Instant now) {
    var status = state.map(MitigationState::getStatus);
    boolean smtpBlocked =
        status
            .map(MitigationStateStatus::smtp)
            .filter(smtp -> Boolean.TRUE.equals(smtp.blocked()) && smtp.blockedUntil() != null)
            .map(smtp -> now.isBefore(Instant.parse(smtp.blockedUntil())))
            .orElse(false);
    int level =
        status
            .map(MitigationStateStatus::ddos)
            .filter(d -> Boolean.TRUE.equals(d.active()) && d.level() != null)
            .map(MitigationStateStatus.DdosStatus::level)
            .orElse(0);
    return new NetworkMitigation(smtpBlocked, level);
  }

  /** DDoS mitigation runs: the Service is routed through the scrubbing centre. */
  boolean scrubbing() {
    return ddosLevel > 0;
  }

  /**
   * The abuse alert that calls for a MitigationState, if the VPS has none yet: the first open
   * ticket of {@code tickets} (the VPS's) raised by one of {@code abuseAlerts}.
   */
  static Optional<String> alertWithoutState(
      boolean statePresent, List<SupportTicket> tickets, Collection<String> abuseAlerts) {
    if (statePresent) {
      return Optional.empty();
    }
    return tickets.stream()
        .filter(
            t ->
                t.getSpec().getAlert() != null
                    && abuseAlerts.contains(t.getSpec().getAlert().name())
                    && t.getStatus() != null
                    && t.getStatus().phase() == SupportTicketStatus.Phase.Open)
        .map(t -> t.getSpec().getAlert().name())
        .findFirst();
  }
}
