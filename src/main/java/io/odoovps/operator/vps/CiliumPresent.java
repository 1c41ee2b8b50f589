package io.odoovps.operator.vps;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.traffic.CiliumNetworkPolicy;
import io.odoovps.operator.traffic.CiliumPolicyDesign;
import java.time.Duration;

/**
 * Activation condition of the Cilium policy: Cilium's CiliumNetworkPolicy CRD is installed. Checked
 * with one GET at most every 30 seconds, for as long as the operator runs, so a cluster that
 * installs Cilium later gets the policies without an operator restart. (JOSDK's CRD-present
 * condition keeps its answer in a JVM-wide cache and stops checking after a few tries.)
 */
public class CiliumPresent implements Condition<CiliumNetworkPolicy, OdooVps> {

  private static final long RECHECK_NANOS = Duration.ofSeconds(30).toNanos();

  private volatile Boolean present;
  private volatile long checkedAt;

  @Override
  public boolean isMet(
      DependentResource<CiliumNetworkPolicy, OdooVps> dependentResource,
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
