package io.odoovps.operator.api.v1alpha1.odoovps;

/** Where a VPS is in its contract lifecycle, as support staff read it in `kubectl get odoovps`. */
public enum VpsPhase {
  /** The VM and its disk are being created, or the VM is not ready yet. */
  Provisioning,
  /** The VM runs and reports ready. */
  Running,
  /** The spec cannot be applied; the last valid state keeps running. */
  Invalid
}
