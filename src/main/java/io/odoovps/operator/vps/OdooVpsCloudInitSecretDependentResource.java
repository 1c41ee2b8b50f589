package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;

/** The cloud-init user data that installs Odoo with the administrator credentials. */
@KubernetesDependent(informer = @Informer(labelSelector = GuestDesign.CLOUD_INIT_SELECTOR))
public class OdooVpsCloudInitSecretDependentResource
    extends CRUDKubernetesDependentResource<Secret, OdooVps> {

  public OdooVpsCloudInitSecretDependentResource() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(OdooVps vps, Context<OdooVps> context) {
    var admin =
        context
            .getSecondaryResource(Secret.class, OdooVpsAdminSecretDependentResource.NAME)
            .orElseThrow(() -> new IllegalStateException("the Odoo admin Secret is not there yet"));
    var key =
        context
            .getSecondaryResource(Secret.class, OdooVpsCommandKeySecretDependentResource.NAME)
            .orElseThrow(
                () -> new IllegalStateException("the command key Secret is not there yet"));
    return Enforcement.of(context)
        .guestDesign()
        .cloudInitSecret(
            vps,
            GuestDesign.decoded(admin, GuestDesign.USERNAME_KEY),
            GuestDesign.decoded(admin, GuestDesign.PASSWORD_KEY),
            GuestDesign.decoded(key, GuestDesign.PUBLIC_KEY_KEY));
  }
}
