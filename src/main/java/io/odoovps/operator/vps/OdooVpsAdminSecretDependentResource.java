package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.naming.VpsLabels;

/**
 * The customer's Odoo administrator credentials. Created once with a random password and never
 * updated by the operator, so a resync or an operator restart never changes them.
 */
@KubernetesDependent(
    informer =
        @Informer(
            labelSelector =
                VpsLabels.MANAGED_BY_SELECTOR
                    + ","
                    + GuestDesign.SECRET_KIND_LABEL
                    + "="
                    + GuestDesign.ADMIN))
public class OdooVpsAdminSecretDependentResource
    extends KubernetesDependentResource<Secret, OdooVps>
    implements Creator<Secret, OdooVps>, GarbageCollected<OdooVps> {

  public static final String NAME = "odoo-admin-secret";

  public OdooVpsAdminSecretDependentResource() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(OdooVps vps, Context<OdooVps> context) {
    return Enforcement.of(context).guestDesign().adminSecret(vps);
  }

  /**
   * The Secret's name, without computing the desired Secret: JOSDK asks for it at each reconcile to
   * find the cached Secret, and a Secret that is only created needs its desired state only then
   * (the desired state is fresh credentials: a key pair or a password each time).
   */
  @Override
  protected ResourceID targetSecondaryResourceID(OdooVps vps, Context<OdooVps> context) {
    return new ResourceID(GuestDesign.adminSecretName(vps), vps.getMetadata().getNamespace());
  }
}
