package io.odoovps.operator.restore;

import io.fabric8.kubernetes.api.model.Condition;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.status.ConditionList;
import java.time.Instant;
import java.util.List;

/**
 * A restore's conditions, derived from its phase (pure): Ready True once it succeeded; kstatus'
 * Reconciling while it is pending or under way, Stalled once it was rejected or failed (a restore
 * is never retried: the customer asks again with a new one). Flux and kstatus then wait for a
 * restore applied from Git and fail at once when it cannot be done.
 */
final class RestoreConditions {

  static final String READY = "Ready";

  private RestoreConditions() {}

  /** The status with its generation and the conditions its phase gives (null stays null). */
  static OdooVpsRestoreStatus observed(
      OdooVpsRestore restore, OdooVpsRestoreStatus next, Instant now) {
    if (next == null) {
      return null;
    }
    var generation = restore.getMetadata().getGeneration();
    var previous = restore.getStatus() == null ? null : restore.getStatus().conditions();
    return next.observed(generation, of(next.phase(), next.message(), previous, generation, now));
  }

  static List<Condition> of(
      Phase phase, String message, List<Condition> previous, Long generation, Instant now) {
    var p = phase == null ? Phase.Pending : phase;
    var text = message == null || message.isBlank() ? p.name() : message;
    var c = new ConditionList(previous, generation, now);
    c.set(READY, p == Phase.Succeeded, p.name(), text);
    switch (p) {
      case Succeeded -> {}
      case Rejected, Failed -> c.stalled(p.name(), text);
      default -> c.reconciling(p.name(), text);
    }
    return c.build();
  }
}
