package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;

/**
 * Cuts the VPS off from the Internet (provider networks kept). Exists only while the VPS is
 * isolated; the workflow deletes it when {@link IsolationRequired} turns false.
 */
public class OdooVpsIsolationNetworkPolicyDependentResource
    extends CRUDKubernetesDependentResource<NetworkPolicy, OdooVps> {

  public OdooVpsIsolationNetworkPolicyDependentResource() {
    super(NetworkPolicy.class);
    // the NetworkPolicy informer both policies share (VpsGatherer): one cached copy of each
    useEventSourceWithName(VpsGatherer.NETWORK_POLICY_EVENT_SOURCE);
  }

  /** The policy's name: which of the VPS's cached policies is this one's, desired state or not. */
  @Override
  protected ResourceID targetSecondaryResourceID(OdooVps vps, Context<OdooVps> context) {
    return new ResourceID(NetworkDesign.isolationPolicyName(vps), vps.getMetadata().getNamespace());
  }

  @Override
  protected NetworkPolicy desired(OdooVps vps, Context<OdooVps> context) {
    return Enforcement.of(context).networkDesign().isolationPolicy(vps);
  }
}
