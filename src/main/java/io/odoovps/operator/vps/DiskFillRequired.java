package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;

/**
 * Workflow precondition of the fill Job: the operator makes the disk and its claim is not marked
 * filled yet. Once it is, the Job (and its pod) is deleted.
 */
public class DiskFillRequired implements Condition<Job, OdooVps> {

  @Override
  public boolean isMet(
      DependentResource<Job, OdooVps> dependentResource, OdooVps vps, Context<OdooVps> context) {
    return Enforcement.of(context).disk().pending();
  }
}
