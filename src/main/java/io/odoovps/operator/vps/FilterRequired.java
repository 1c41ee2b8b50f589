package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;

/** Workflow precondition of the traffic filter: the VPS is not isolated (isolation is stricter). */
public class FilterRequired implements Condition<NetworkPolicy, OdooVps> {

  @Override
  public boolean isMet(
      DependentResource<NetworkPolicy, OdooVps> dependentResource,
      OdooVps vps,
      Context<OdooVps> context) {
    return !Enforcement.of(context).isolated();
  }
}
