package io.odoovps.operator.vps;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.cache.StartOnceInformerEventSource;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.traffic.CiliumNetworkPolicy;
import io.odoovps.operator.traffic.CiliumPolicyDesign;

/**
 * The Cilium side of the traffic filter, where Cilium's CRD is installed ({@link CiliumPresent}
 * activation condition): limited ICMP, and explicit denies that no other policy can reopen. Absent
 * while the VPS is isolated, like the NetworkPolicy filter.
 */
@KubernetesDependent(informer = @Informer(labelSelector = VpsLabels.MANAGED_BY_SELECTOR))
public class OdooVpsCiliumPolicyDependentResource
    extends CRUDKubernetesDependentResource<CiliumNetworkPolicy, OdooVps> {

  private final CiliumPolicyDesign design = new CiliumPolicyDesign();

  public OdooVpsCiliumPolicyDependentResource() {
    super(CiliumNetworkPolicy.class);
  }

  @Override
  protected CiliumNetworkPolicy desired(OdooVps vps, Context<OdooVps> context) {
    return CiliumNetworkPolicy.of(
        design.policy(
            vps.getMetadata().getNamespace(),
            vps.getMetadata().getName(),
            VpsLabels.of(vps),
            Enforcement.of(context).filter()));
  }

  /** Its informer starts once, not at each reconcile ({@link StartOnceInformerEventSource}). */
  @Override
  protected InformerEventSource<CiliumNetworkPolicy, OdooVps> createEventSource(
      EventSourceContext<OdooVps> context) {
    return StartOnceInformerEventSource.replace(this, super.createEventSource(context), context);
  }
}
