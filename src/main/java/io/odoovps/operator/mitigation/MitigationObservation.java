package io.odoovps.operator.mitigation;

import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import java.time.Instant;
import java.util.List;

/**
 * What one pass over a MitigationState sees: its spec and generation, the status it starts from
 * ({@code previous}: the status in the cache, or the contract record's when the status lost it),
 * the spam and attack alerts that fire now on the VPS (its open tickets), and the time.
 *
 * @param current the status as the cache holds it, to which the new status is compared
 * @param restored whether {@code previous} came from the contract record
 */
public record MitigationObservation(
    String vps,
    Long generation,
    MitigationStateSpec spec,
    MitigationStateStatus current,
    MitigationStateStatus previous,
    boolean restored,
    List<Alert> spam,
    List<Alert> attacks,
    Instant now) {

  /**
   * An alert that fires now on the VPS, as its open ticket shows it.
   *
   * @param since when its incident (last) started firing
   * @param level the attack's level from the alert's {@code level} label
   */
  public record Alert(String name, Instant since, int level) {

    public static Alert of(SupportTicket ticket) {
      var s = ticket.getStatus();
      var since = Instant.parse(s.reopenedAt() != null ? s.reopenedAt() : s.openedAt());
      var alert = ticket.getSpec().getAlert();
      return new Alert(
          alert.name(), since, level(alert.labels() == null ? null : alert.labels().get("level")));
    }

    /** The attack's level from a {@code level} label: 1 to 3, 1 if absent or invalid. */
    static int level(String text) {
      try {
        return text == null ? 1 : Math.max(1, Math.min(3, Integer.parseInt(text.trim())));
      } catch (NumberFormatException e) {
        return 1;
      }
    }
  }
}
