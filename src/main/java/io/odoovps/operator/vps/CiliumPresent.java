package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.traffic.CiliumPolicyDesign;
import java.time.Duration;

/**
 * Activation condition of the Cilium policy: Cilium's CiliumNetworkPolicy CRD is installed. Checked
 * at most every 30 seconds (one GET), so a cluster that installs Cilium later gets the policies
 * without an operator restart. (JOSDK's CRD-present condition needs a typed resource class.)
 */
public class CiliumPresent implements Condition<GenericKubernetesResource, OdooVps> {

  private static final long RECHECK_NANOS = Duration.ofSeconds(30).toNanos();

  private volatile Boolean present;
  private volatile long checkedAt;

  @Override
  public boolean isMet(
      DependentResource<GenericKubernetesResource, OdooVps> dependentResource,
      OdooVps vps,
      Context<OdooVps> context) {
    var now = System.nanoTime();
    if (present == null || now - checkedAt > RECHECK_NANOS) {
      present =
          context
                  .getClient()
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName(CiliumPolicyDesign.CRD_NAME)
                  .get()
              != null;
      checkedAt = now;
    }
    return present;
  }
}
