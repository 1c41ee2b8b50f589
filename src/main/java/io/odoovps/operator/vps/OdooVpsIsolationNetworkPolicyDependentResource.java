package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.naming.VpsLabels;

/**
 * Cuts the VPS off from the Internet (provider networks kept). Exists only while the VPS is
 * isolated; the workflow deletes it when {@link IsolationRequired} turns false.
 */
@KubernetesDependent(informer = @Informer(labelSelector = VpsLabels.MANAGED_BY_SELECTOR))
public class OdooVpsIsolationNetworkPolicyDependentResource
    extends CRUDKubernetesDependentResource<NetworkPolicy, OdooVps> {

  public OdooVpsIsolationNetworkPolicyDependentResource() {
    super(NetworkPolicy.class);
  }

  @Override
  protected NetworkPolicy desired(OdooVps vps, Context<OdooVps> context) {
    return Enforcement.of(context).networkDesign().isolationPolicy(vps);
  }
}
