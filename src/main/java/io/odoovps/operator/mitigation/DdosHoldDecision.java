package io.odoovps.operator.mitigation;

import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.DdosStatus;
import io.odoovps.operator.contract.MitigationWindow;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.PlannedEvent;
import io.odoovps.operator.mitigation.MitigationObservation.Alert;
import java.time.Instant;
import java.util.List;

/**
 * DDoS mitigation as contract article 9 applies it ({@link MitigationWindow}): on with an attack
 * alert or by hand, its level rising only, held 26 hours, off by request or by itself once the
 * attack cleared. Level 3 (the scrubbing centre) only with scrubbing CIDRs configured. Pure: no
 * client.
 */
final class DdosHoldDecision {

  private static final DdosStatus NEVER_ON =
      new DdosStatus(false, null, null, null, false, null, null, 0);
  private static final MitigationStateSpec.Ddos NO_REQUEST =
      new MitigationStateSpec.Ddos(null, null);

  private final int maxLevel;

  /** {@code scrubbing}: scrubbing CIDRs are configured, so level 3 is possible. */
  DdosHoldDecision(boolean scrubbing) {
    this.maxLevel = scrubbing ? 3 : 2;
  }

  /**
   * DDoS mitigation after this pass: refused requests are added to {@code refusals}, Events to
   * {@code events}.
   */
  DdosStatus decide(
      DdosStatus previous,
      MitigationStateSpec.Ddos spec,
      List<Alert> attacks,
      Instant now,
      List<String> refusals,
      List<PlannedEvent> events) {
    var p = previous == null ? NEVER_ON : previous;
    var request = spec == null ? NO_REQUEST : spec;
    var window =
        Boolean.TRUE.equals(p.active())
            ? new MitigationWindow.State(
                true, p.level(), Instant.parse(p.activatedAt()), Instant.parse(p.earliestEnd()))
            : null;
    boolean wasActive = window != null;
    String activatedBy = p.activatedBy();
    if (!attacks.isEmpty()) {
      int level = attacks.stream().mapToInt(Alert::level).max().orElse(1);
      if (window == null) {
        activatedBy = "alert " + attacks.get(0).name();
      }
      window = MitigationWindow.activate(window, Math.min(level, maxLevel), now);
    }
    if (Boolean.TRUE.equals(request.active())) {
      if (window == null) {
        activatedBy = "spec.ddos.active";
      }
      window = MitigationWindow.activate(window, 1, now);
    }
    window = requestedLevel(window, request.level(), now, refusals);
    window = end(window, request.active(), attacks, now, refusals);
    return transition(p, window, wasActive, activatedBy, !attacks.isEmpty(), now, events);
  }

  /** `spec.ddos.level` while active: raised, never lowered, level 3 only with scrubbing. */
  private MitigationWindow.State requestedLevel(
      MitigationWindow.State window, Integer level, Instant now, List<String> refusals) {
    if (level == null || window == null) {
      return window;
    }
    var refusal = MitigationWindow.levelRefusal(window, level);
    if (refusal.isPresent()) {
      refusals.add("spec.ddos.level=" + level + " refused: " + refusal.get());
      return window;
    }
    if (level > maxLevel) {
      refusals.add(
          "spec.ddos.level="
              + level
              + " refused: level 3 routes inbound traffic through the scrubbing centre, and"
              + " odoovps.traffic.mitigation.scrubbing-cidrs is empty");
      return MitigationWindow.activate(window, maxLevel, now);
    }
    return MitigationWindow.activate(window, level, now);
  }

  /**
   * The end: asked by `spec.ddos.active=false` (not before 26 h, nor while attacked), or by itself.
   */
  private static MitigationWindow.State end(
      MitigationWindow.State window,
      Boolean active,
      List<Alert> attacks,
      Instant now,
      List<String> refusals) {
    if (window != null && Boolean.FALSE.equals(active)) {
      var refusal = MitigationWindow.endRefusal(window, now);
      if (refusal.isPresent()) {
        refusals.add("spec.ddos.active=false refused: " + refusal.get());
        return window;
      }
      if (!attacks.isEmpty()) {
        refusals.add(
            "spec.ddos.active=false refused: the attack alert "
                + attacks.get(0).name()
                + " still fires; mitigation ends once it clears");
        return window;
      }
      return null;
    }
    if (window != null
        && active == null
        && MitigationWindow.endsByItself(window, attacks.isEmpty(), now)) {
      return null;
    }
    return window;
  }

  /** The status, with an Event when mitigation went on, rose or ended. */
  private static DdosStatus transition(
      DdosStatus p,
      MitigationWindow.State window,
      boolean wasActive,
      String activatedBy,
      boolean attackFiring,
      Instant now,
      List<PlannedEvent> events) {
    String endedAt = p.endedAt();
    int activations = p.activations() == null ? 0 : p.activations();
    if (window != null && !wasActive) {
      activations++;
      events.add(
          PlannedEvent.warning(
              "DdosMitigationOn",
              "DDoS mitigation on at level "
                  + window.level()
                  + " ("
                  + activatedBy
                  + "); it holds until at least "
                  + Timestamps.format(window.earliestEnd())));
    } else if (window != null && window.level() > p.level()) {
      events.add(
          PlannedEvent.warning(
              "DdosMitigationRaised", "DDoS mitigation raised to level " + window.level()));
    } else if (window == null && wasActive) {
      endedAt = Timestamps.format(now);
      events.add(PlannedEvent.normal("DdosMitigationOff", "DDoS mitigation ended"));
    }
    if (window == null) {
      return new DdosStatus(false, null, null, null, attackFiring, null, endedAt, activations);
    }
    return new DdosStatus(
        true,
        window.level(),
        Timestamps.format(window.activatedAt()),
        Timestamps.format(window.earliestEnd()),
        attackFiring,
        activatedBy,
        endedAt,
        activations);
  }
}
