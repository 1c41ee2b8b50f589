package io.odoovps.operator.restore;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.guard.DeletionApproval;
import java.util.Optional;

/**
 * Makes and releases the safety copies of VPS disks on the API server: a copy is created (if
 * absent) from {@link SafetyCopyDesign}, sized like the disk claim as it stands, and released
 * through {@link DeletionApproval} (annotated {@value SafetyCopyDesign#RELEASED}, then deleted).
 */
final class SafetyCopies {

  private final OperatorConfig.VirtualMachine vmConfig;

  SafetyCopies(OperatorConfig.VirtualMachine vmConfig) {
    this.vmConfig = vmConfig;
  }

  /** Creates the safety copy of {@code vps}'s disk for {@code restore} unless it exists. */
  void make(KubernetesClient client, OdooVpsRestore restore, OdooVps vps, String diskClaim) {
    var namespace = vps.getMetadata().getNamespace();
    var disk =
        Optional.ofNullable(
            client
                .resources(PersistentVolumeClaim.class)
                .inNamespace(namespace)
                .withName(diskClaim)
                .get());
    try {
      client.resource(SafetyCopyDesign.desired(restore, vps, diskClaim, disk, vmConfig)).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** Deletes a safety copy that is no longer needed, approved; nothing when there is none. */
  static void release(KubernetesClient client, String namespace, String claim) {
    if (claim != null) {
      DeletionApproval.delete(
          client.resources(PersistentVolumeClaim.class).inNamespace(namespace).withName(claim),
          SafetyCopyDesign.RELEASED);
    }
  }
}
