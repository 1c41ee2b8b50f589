package io.odoovps.operator.api.v1alpha1.odoovps;

/** Where a VPS is in its contract lifecycle, as support staff read it in `kubectl get odoovps`. */
public enum VpsPhase {
  /** Waiting for a resource it cannot get yet (an IPv4 from an exhausted pool). */
  Pending,
  /** The VM and its disk are being created, or the VM is not ready yet. */
  Provisioning,
  /** The VM runs and reports ready. */
  Running,
  /** Suspended by the provider, an authority or an overdue identity check. */
  Suspended,
  /** Cut off from the Internet for security; the provider keeps access. */
  Isolated,
  /** Stopped while an OdooVpsRestore writes a backup onto its disk. */
  Restoring,
  /** The contract ended; the VM, disk, IPv4 and Secrets are being deleted. */
  Terminating,
  /** The contract ended and everything was deleted; only this record remains. */
  Terminated,
  /** The spec cannot be applied and nothing runs yet. */
  Invalid
}
