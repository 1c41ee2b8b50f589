package io.odoovps.operator.event;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * An Event that a decision asks for, recorded later by the reconciler's act step: the decisions
 * stay free of the Kubernetes client, and their Events can be asserted in plain unit tests.
 */
public record PlannedEvent(boolean warning, String reason, String message) {

  public static PlannedEvent normal(String reason, String message) {
    return new PlannedEvent(false, reason, message);
  }

  public static PlannedEvent warning(String reason, String message) {
    return new PlannedEvent(true, reason, message);
  }

  /** Records this Event on {@code on}. */
  public void record(EventRecorder events, HasMetadata on) {
    if (warning) {
      events.warning(on, reason, message);
    } else {
      events.normal(on, reason, message);
    }
  }
}
