package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.naming.VpsLabels;

/** The LoadBalancer Service pinned to the VPS's fixed IPv4. */
@KubernetesDependent(informer = @Informer(labelSelector = VpsLabels.MANAGED_BY_SELECTOR))
public class OdooVpsServiceDependentResource
    extends CRUDKubernetesDependentResource<Service, OdooVps> {

  public OdooVpsServiceDependentResource() {
    super(Service.class);
  }

  @Override
  protected Service desired(OdooVps vps, Context<OdooVps> context) {
    var enforcement = Enforcement.of(context);
    return enforcement
        .networkDesign()
        .service(vps, enforcement.ipv4(), enforcement.serviceAnnotations());
  }
}
