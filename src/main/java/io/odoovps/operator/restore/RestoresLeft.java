package io.odoovps.operator.restore;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.contract.RestoreAllowance;
import java.time.Instant;

/**
 * The restores a VPS's customer has left this month, as the restore ledger counts them (the ledger
 * the operator checks before it accepts a restore), for the kubectl plugin.
 */
public final class RestoresLeft {

  private RestoresLeft() {}

  /** Restores left in the month of {@code now}; reads the ledger of {@code ledgerNamespace}. */
  public static int of(KubernetesClient client, String ledgerNamespace, OdooVps vps, Instant now) {
    var customer = RestoreCustomer.of(vps.getSpec().getCustomer());
    var snapshot = RestoreLedger.read(client, ledgerNamespace, vps.getMetadata().getNamespace());
    var carriedOut =
        snapshot.entries(customer.keys()).stream().map(RestoreLedger.Entry::acceptedAt).toList();
    return RestoreAllowance.left(carriedOut, now);
  }
}
