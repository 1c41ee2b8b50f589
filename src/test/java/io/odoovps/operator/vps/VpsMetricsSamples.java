package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.AvailabilityStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;

/** Feeds {@link VpsMetrics} as the reconciler does, for tests outside this package. */
public final class VpsMetricsSamples {

  private VpsMetricsSamples() {}

  /** One successful reconcile of a VPS, with its availability and traffic. */
  public static void reconciled(
      VpsMetrics metrics,
      String uid,
      String namespace,
      String vps,
      VpsPhase phase,
      AvailabilityStatus availability,
      boolean ready,
      TrafficStatus traffic) {
    metrics.reconciled(uid, phase);
    metrics.availability(uid, namespace, vps, availability, ready);
    metrics.traffic(uid, namespace, vps, traffic, traffic.bytesUsed());
  }

  /** One failed reconcile. */
  public static void failed(VpsMetrics metrics) {
    metrics.failed();
  }
}
