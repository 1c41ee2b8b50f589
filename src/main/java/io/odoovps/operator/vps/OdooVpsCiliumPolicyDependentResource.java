package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.traffic.CiliumPolicyDesign;

/**
 * The Cilium side of the traffic filter, where Cilium is installed ({@link CiliumPresent}): limited
 * ICMP, and explicit denies that no other policy can reopen. Absent while the VPS is isolated, like
 * the NetworkPolicy filter.
 */
@KubernetesDependent(informer = @Informer(labelSelector = VpsLabels.MANAGED_BY_SELECTOR))
public class OdooVpsCiliumPolicyDependentResource
    extends GenericKubernetesDependentResource<OdooVps>
    implements Creator<GenericKubernetesResource, OdooVps>,
        Updater<GenericKubernetesResource, OdooVps>,
        GarbageCollected<OdooVps> {

  private final CiliumPolicyDesign design = new CiliumPolicyDesign();

  public OdooVpsCiliumPolicyDependentResource() {
    super(new GroupVersionKind(CiliumPolicyDesign.GROUP, "v2", CiliumPolicyDesign.KIND));
  }

  @Override
  protected GenericKubernetesResource desired(OdooVps vps, Context<OdooVps> context) {
    return design.policy(
        vps.getMetadata().getNamespace(),
        vps.getMetadata().getName(),
        VpsLabels.of(vps),
        Enforcement.of(context).filter());
  }
}
