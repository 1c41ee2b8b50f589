package io.odoovps.operator.restore;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.DiskOutcome;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.SafetyCopy;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import java.time.Clock;
import java.util.function.Function;

/**
 * Ends a restore as Failed: a failed restore was not carried out, so its ledger entry goes (it does
 * not count against the month), before the Warning Events on the restore and the VPS, so that a
 * retried ledger write does not tell twice.
 */
final class RestoreFailure {

  private final Clock clock;
  private final Function<KubernetesClient, String> ledgerNamespace;

  RestoreFailure(Clock clock, Function<KubernetesClient, String> ledgerNamespace) {
    this.clock = clock;
    this.ledgerNamespace = ledgerNamespace;
  }

  /**
   * The restore failed for {@code why}; {@code disk} is what it left on the disk (null when
   * unknown: the VPS is gone), {@code copy} the safety copy as it is left.
   */
  StatusChange fail(
      KubernetesClient client,
      OdooVpsRestore restore,
      String why,
      EventRecorder events,
      OdooVps vps,
      DiskOutcome disk,
      SafetyCopy copy) {
    var status = restore.getStatus();
    if (status != null && status.customer() != null && status.acceptedAt() != null) {
      RestoreLedger.forget(
          client,
          ledgerNamespace.apply(client),
          restore.getMetadata().getNamespace(),
          status.customer(),
          restore.getMetadata().getUid(),
          clock.instant());
    }
    events.warning(restore, "RestoreFailed", why);
    if (vps != null) {
      events.warning(vps, "RestoreFailed", why);
    }
    var at = Timestamps.format(clock.instant());
    return StatusChange.to(
        status == null
            ? OdooVpsRestoreStatus.of(Phase.Failed, why, at)
            : status.ended(Phase.Failed, why, at, disk, copy, null));
  }
}
