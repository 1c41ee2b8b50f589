package io.odoovps.operator.vps;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.traffic.CiliumNetworkPolicy;

/** The Cilium filter exists unless the VPS is isolated (its ICMP allows would undo isolation). */
public class CiliumFilterRequired implements Condition<CiliumNetworkPolicy, OdooVps> {

  @Override
  public boolean isMet(
      DependentResource<CiliumNetworkPolicy, OdooVps> dependentResource,
      OdooVps vps,
      Context<OdooVps> context) {
    return !Enforcement.of(context).isolated();
  }
}
