package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;

/** Workflow precondition of the disk claim: the operator, not CDI, makes the VPS's disk. */
public class OperatorMakesDisk implements Condition<PersistentVolumeClaim, OdooVps> {

  @Override
  public boolean isMet(
      DependentResource<PersistentVolumeClaim, OdooVps> dependentResource,
      OdooVps vps,
      Context<OdooVps> context) {
    return Enforcement.of(context).disk().byOperator();
  }
}
