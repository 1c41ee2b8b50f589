package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.traffic.FilterPolicyDesign;

/**
 * The VPS's traffic filter: denied ports, limited UDP, port 25 while blocked, DDoS mitigation's
 * inbound limits. Absent while the VPS is isolated: NetworkPolicies add up, so the filter's allows
 * would undo the isolation.
 */
public class OdooVpsTrafficNetworkPolicyDependentResource
    extends CRUDKubernetesDependentResource<NetworkPolicy, OdooVps> {

  public OdooVpsTrafficNetworkPolicyDependentResource() {
    super(NetworkPolicy.class);
    // the NetworkPolicy informer both policies share (VpsGatherer): one cached copy of each
    useEventSourceWithName(VpsGatherer.NETWORK_POLICY_EVENT_SOURCE);
  }

  /** The policy's name: which of the VPS's cached policies is this one's, desired state or not. */
  @Override
  protected ResourceID targetSecondaryResourceID(OdooVps vps, Context<OdooVps> context) {
    return new ResourceID(
        FilterPolicyDesign.name(vps.getMetadata().getName()), vps.getMetadata().getNamespace());
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
