package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;

/** Workflow precondition of the isolation NetworkPolicy: the contract requires isolation now. */
public class IsolationRequired implements Condition<NetworkPolicy, OdooVps> {

  @Override
  public boolean isMet(
      DependentResource<NetworkPolicy, OdooVps> dependentResource,
      OdooVps vps,
      Context<OdooVps> context) {
    return Enforcement.of(context).isolated();
  }
}
