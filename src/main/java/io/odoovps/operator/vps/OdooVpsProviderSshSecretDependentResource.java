package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;

/** The provider's SSH public keys for root, which KubeVirt installs through the guest agent. */
@KubernetesDependent(informer = @Informer(labelSelector = GuestDesign.PROVIDER_SSH_SELECTOR))
public class OdooVpsProviderSshSecretDependentResource
    extends CRUDKubernetesDependentResource<Secret, OdooVps> {

  public OdooVpsProviderSshSecretDependentResource() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(OdooVps vps, Context<OdooVps> context) {
    return Enforcement.of(context).guestDesign().providerSshSecret(vps);
  }
}
