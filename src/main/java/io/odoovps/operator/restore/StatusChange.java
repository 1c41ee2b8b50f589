package io.odoovps.operator.restore;

import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import java.time.Duration;

/**
 * What one step of a restore leaves: the status to write ({@code next}, null to keep the current
 * one), when to look again ({@code recheck}, null to wait for an event), and, while the restore is
 * being deleted, whether its finalizer may go ({@code forget}: the disk is whole and the VM not
 * held).
 */
record StatusChange(OdooVpsRestoreStatus next, Duration recheck, boolean forget) {

  static StatusChange to(OdooVpsRestoreStatus next) {
    return new StatusChange(next, null, false);
  }

  static StatusChange to(OdooVpsRestoreStatus next, Duration recheck) {
    return new StatusChange(next, recheck, false);
  }

  static StatusChange recheck(Duration after) {
    return new StatusChange(null, after, false);
  }

  static StatusChange forgetting(OdooVpsRestoreStatus next) {
    return new StatusChange(next, null, true);
  }

  /** This change, with the status written only when it differs from {@code current}. */
  StatusChange against(OdooVpsRestoreStatus current) {
    return next != null && next.equals(current) ? new StatusChange(null, recheck, forget) : this;
  }
}
