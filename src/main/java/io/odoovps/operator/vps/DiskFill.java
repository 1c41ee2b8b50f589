package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Optional;

/**
 * The state of a VPS's disk on a cluster without CDI ({@link DiskClaimDesign}): the claim, and the
 * Job that fills it once.
 *
 * @param byOperator the operator makes the disk (`disk-provisioning = PersistentVolumeClaim`);
 *     false when CDI does
 */
record DiskFill(boolean byOperator, Optional<PersistentVolumeClaim> claim, Optional<Job> job) {

  /** CDI makes the disk: nothing for the operator to wait for. */
  static final DiskFill BY_CDI = new DiskFill(false, Optional.empty(), Optional.empty());

  /** The VM must wait: the operator makes the disk and it is not filled yet. */
  boolean pending() {
    return byOperator && !DiskClaimDesign.filled(claim);
  }

  /** The fill Job succeeded and the claim is not marked filled yet: mark it. */
  boolean justFilled() {
    return pending() && claim.isPresent() && DiskClaimDesign.succeeded(job);
  }
}
