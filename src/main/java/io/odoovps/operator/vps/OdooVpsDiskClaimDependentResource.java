package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.naming.VpsLabels;

/**
 * The VPS's dedicated disk when the operator makes it ({@link DiskClaimDesign}). Created once and
 * never updated nor deleted by the workflow: it holds customer data, which only the termination
 * path deletes ({@link VpsTermination}); it has no owner reference, so deleting the OdooVps does
 * not cascade to it either.
 */
@KubernetesDependent(informer = @Informer(labelSelector = VpsLabels.MANAGED_BY_SELECTOR))
public class OdooVpsDiskClaimDependentResource
    extends KubernetesDependentResource<PersistentVolumeClaim, OdooVps>
    implements Creator<PersistentVolumeClaim, OdooVps> {

  public OdooVpsDiskClaimDependentResource() {
    super(PersistentVolumeClaim.class);
  }

  @Override
  protected PersistentVolumeClaim desired(OdooVps vps, Context<OdooVps> context) {
    return Enforcement.of(context).diskDesign().claim(vps);
  }
}
