package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;

/** The Cilium filter exists unless the VPS is isolated (its ICMP allows would undo isolation). */
public class CiliumFilterRequired implements Condition<GenericKubernetesResource, OdooVps> {

  @Override
  public boolean isMet(
      DependentResource<GenericKubernetesResource, OdooVps> dependentResource,
      OdooVps vps,
      Context<OdooVps> context) {
    return !Enforcement.of(context).isolated();
  }
}
