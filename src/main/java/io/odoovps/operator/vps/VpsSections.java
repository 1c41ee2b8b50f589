package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.AvailabilityStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.ContractEndStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.GuestStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.SupportStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus;

/**
 * The status sections a pass measured, beside the observation. {@link #KEPT} on the paths that do
 * not measure them (invalid spec, no address, termination): they keep their last values.
 */
record VpsSections(
    boolean measured,
    boolean restoring,
    SupportStatus support,
    AvailabilityStatus availability,
    MaintenanceStatus maintenance,
    GuestStatus guest,
    TrafficStatus traffic,
    ContractEndStatus contractEnd,
    BackupCoverage.Outcome backup) {
  static final VpsSections KEPT =
      new VpsSections(false, false, null, null, null, null, null, null, null);
}
