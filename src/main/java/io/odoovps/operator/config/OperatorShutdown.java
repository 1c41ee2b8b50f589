package io.odoovps.operator.config;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Whether this process has begun to shut down. JOSDK stops a controller's informers before its
 * in-flight reconciles end, so a reconcile running at SIGTERM can fail for that reason alone (its
 * informer has no last resource version any more). Such a failure says nothing about the resource:
 * the reconciler must not write it into the status, where the next leader would have to repair it
 * (the 5,000-VPS benchmark found a few VPSs left with {@code ReconcileError} by every shutdown).
 */
@ApplicationScoped
public class OperatorShutdown {

  private static volatile boolean begun;

  /** True from the start of the shutdown on. */
  public static boolean begun() {
    return begun;
  }

  /** Marks the shutdown as begun (before quarkus-operator-sdk stops the operator). */
  void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
    begun = true;
  }

  /** For tests that run reconcilers in a JVM that goes on: sets or clears the mark. */
  public static void set(boolean value) {
    begun = value;
  }
}
