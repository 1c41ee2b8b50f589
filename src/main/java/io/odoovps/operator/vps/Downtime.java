package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * What "down" means for the availability commitment (contract article 3): the VM is not ready while
 * it is meant to run. It is meant to run once it was ready (the access codes were sent), unless it
 * is suspended, isolated, being restored, or within the grace after an announced maintenance
 * reboot.
 *
 * @param meantToRun the contract expects the VPS to serve now
 * @param down meant to run, and the VM is not ready: the downtime budget is spent
 */
record Downtime(boolean meantToRun, boolean down) {

  static Downtime of(
      String accessCodesSentAt,
      boolean suspended,
      boolean isolated,
      boolean restoring,
      MaintenanceStatus maintenance,
      boolean vmReady,
      Instant now,
      Duration maintenanceGrace) {
    boolean meant =
        accessCodesSentAt != null
            && !suspended
            && !isolated
            && !restoring
            && !rebooting(maintenance, now, maintenanceGrace);
    return new Downtime(meant, meant && !vmReady);
  }

  /** Within the grace after a maintenance reboot: the customer was told it would be down. */
  static boolean rebooting(MaintenanceStatus maintenance, Instant now, Duration grace) {
    return maintenance != null
        && maintenance.rebootedAt() != null
        && now.isBefore(Instant.parse(maintenance.rebootedAt()).plus(grace));
  }
}
