package io.odoovps.operator.vps;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.monitoring.AlertRuleDesign;
import io.odoovps.operator.traffic.FilterRules;
import java.util.Map;

/**
 * What the contract requires of a VPS's objects right now, decided by the reconciler before it runs
 * the workflow: the fixed address, whether the VM must be halted, whether the VPS must be cut off
 * from the Internet; its traffic filter and bandwidth; the scrubbing route of DDoS mitigation; the
 * state of a disk the operator makes itself. The dependents read it from the workflow context.
 */
public record Enforcement(
    String ipv4,
    boolean halted,
    boolean isolated,
    VirtualMachineDesign vmDesign,
    GuestDesign guestDesign,
    NetworkDesign networkDesign,
    AlertRuleDesign alertRuleDesign,
    FilterRules filter,
    int bandwidthMbps,
    Map<String, String> serviceAnnotations,
    DiskClaimDesign diskDesign,
    DiskFill disk) {

  static Enforcement of(Context<OdooVps> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(Enforcement.class, Enforcement.class);
  }

  void putInto(Context<OdooVps> context) {
    context.managedWorkflowAndDependentResourceContext().put(Enforcement.class, this);
  }
}
