package io.odoovps.operator.vps;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorShutdown;
import io.odoovps.operator.event.EventRecorder;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * A failed pass of {@link OdooVpsReconciler}: Ready False with the root cause, through the status
 * builder, and a Warning Event; nothing while the operator shuts down (the failure then comes from
 * the informers stopped under the reconcile, not from the VPS, and the next leader reconciles it).
 */
final class VpsFailure {

  private final OdooVpsStatusBuilder statusBuilder;
  private final VpsMetrics metrics;
  private final Clock clock;

  VpsFailure(OdooVpsStatusBuilder statusBuilder, VpsMetrics metrics, Clock clock) {
    this.statusBuilder = statusBuilder;
    this.metrics = metrics;
    this.clock = clock;
  }

  ErrorStatusUpdateControl<OdooVps> report(
      OdooVps vps, Supplier<KubernetesClient> client, Exception e) {
    if (OperatorShutdown.begun()) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    metrics.failed();
    var message = OdooVpsStatusBuilder.failure(e);
    var next = statusBuilder.error(vps, message);
    if (next.isEmpty()) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    new EventRecorder(client.get(), clock)
        .warning(vps, OdooVpsConditions.REASON_RECONCILE_ERROR, message);
    return ErrorStatusUpdateControl.patchStatus(StatusPatches.withStatus(vps, next.get()));
  }
}
