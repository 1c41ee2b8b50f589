package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.event.PlannedEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Events a decision wants recorded, held until the act step records them: lets a pure decision (no
 * client) say which Events a pass emits.
 */
final class PendingEvents extends EventRecorder {

  private record Pending(HasMetadata on, PlannedEvent event) {}

  private final List<Pending> pending = new ArrayList<>();

  PendingEvents(Clock clock) {
    super(null, clock);
  }

  @Override
  public void normal(HasMetadata on, String reason, String message) {
    pending.add(new Pending(on, PlannedEvent.normal(reason, message)));
  }

  @Override
  public void warning(HasMetadata on, String reason, String message) {
    pending.add(new Pending(on, PlannedEvent.warning(reason, message)));
  }

  /** The reasons held, in order (for tests). */
  List<String> reasons() {
    return pending.stream().map(p -> p.event().reason()).toList();
  }

  /** Records the held Events, in order, and forgets them. */
  void emitTo(EventRecorder events) {
    pending.forEach(p -> p.event().record(events, p.on()));
    pending.clear();
  }
}
