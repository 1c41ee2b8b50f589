package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.naming.VpsLabels;

/**
 * The Job that fills the VPS's disk claim once from the provider image ({@link DiskClaimDesign}).
 * Owned by the OdooVps; deleted by the workflow once the claim is marked filled.
 */
@KubernetesDependent(
    informer =
        @Informer(
            labelSelector =
                VpsLabels.MANAGED_BY_SELECTOR
                    + ","
                    + VpsLabels.COMPONENT
                    + "="
                    + DiskClaimDesign.FILL_COMPONENT))
public class OdooVpsDiskFillJobDependentResource extends KubernetesDependentResource<Job, OdooVps>
    implements Creator<Job, OdooVps>, GarbageCollected<OdooVps> {

  public OdooVpsDiskFillJobDependentResource() {
    super(Job.class);
  }

  @Override
  protected Job desired(OdooVps vps, Context<OdooVps> context) {
    return Enforcement.of(context).diskDesign().fillJob(vps);
  }
}
