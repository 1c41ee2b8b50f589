package io.odoovps.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The informer of a dependent with an activation condition, started once. JOSDK (5.3.2) registers
 * such a dependent's event source again on every reconcile where the condition holds, and each
 * registration calls {@link InformerEventSource#start()}, which indexes every cached object anew
 * under the event source's lock: O(cached objects) per reconcile, on one lock for all reconcile
 * threads (seen in a flight recording of 1,000 VPSs: a tenth of the operator's CPU samples).
 * Started once, the index is kept by the informer's own events, as for every other event source.
 */
public final class StartOnceInformerEventSource<R extends HasMetadata, P extends HasMetadata>
    extends InformerEventSource<R, P> {

  private StartOnceInformerEventSource(
      InformerEventSource<R, P> standard, EventSourceContext<P> context) {
    super(standard.configuration(), context);
  }

  /**
   * Replaces the event source the dependent just made ({@code standard}, not started) by one
   * started once, and returns it: for {@code createEventSource} overrides.
   */
  public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> replace(
      KubernetesDependentResource<R, P> dependent,
      InformerEventSource<R, P> standard,
      EventSourceContext<P> context) {
    var once = new StartOnceInformerEventSource<>(standard, context);
    dependent.setEventSource(once);
    return once;
  }

  /**
   * Starts and indexes once: a running source was indexed by the start that ran it (under the same
   * lock), and a stopped one starts again as JOSDK's does.
   */
  @Override
  public synchronized void start() {
    if (!isRunning()) {
      super.start();
    }
  }
}
