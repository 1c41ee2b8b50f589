package io.odoovps.operator.vps;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.naming.VpsLabels;

/** The KubeVirt VirtualMachine of a VPS, with its dedicated disk as a DataVolume template. */
@KubernetesDependent(informer = @Informer(labelSelector = VpsLabels.MANAGED_BY_SELECTOR))
public class OdooVpsVirtualMachineDependentResource
    extends CRUDKubernetesDependentResource<VirtualMachine, OdooVps> {

  public OdooVpsVirtualMachineDependentResource() {
    super(VirtualMachine.class);
  }

  @Override
  protected VirtualMachine desired(OdooVps vps, Context<OdooVps> context) {
    var enforcement = Enforcement.of(context);
    return enforcement.vmDesign().render(vps, enforcement.halted(), enforcement.bandwidthMbps());
  }
}
