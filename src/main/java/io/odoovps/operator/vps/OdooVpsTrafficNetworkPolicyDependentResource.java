package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.traffic.FilterPolicyDesign;

/**
 * The VPS's traffic filter: denied ports, limited UDP, port 25 while blocked, DDoS mitigation's
 * inbound limits. Absent while the VPS is isolated: NetworkPolicies add up, so the filter's allows
 * would undo the isolation.
 */
@KubernetesDependent(informer = @Informer(labelSelector = VpsLabels.MANAGED_BY_SELECTOR))
public class OdooVpsTrafficNetworkPolicyDependentResource
    extends CRUDKubernetesDependentResource<NetworkPolicy, OdooVps> {

  public OdooVpsTrafficNetworkPolicyDependentResource() {
    super(NetworkPolicy.class);
  }

  @Override
  protected NetworkPolicy desired(OdooVps vps, Context<OdooVps> context) {
    return FilterPolicyDesign.policy(
        vps.getMetadata().getNamespace(),
        vps.getMetadata().getName(),
        VpsLabels.of(vps),
        Enforcement.of(context).filter());
  }
}
