package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.BillingStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationStatus;
import io.odoovps.operator.contract.PlanChangeTracker;
import io.odoovps.operator.kubevirt.VirtualMachine;
import java.util.List;
import java.util.Optional;

/**
 * Everything one reconcile learned and decided about a VPS, from which {@link OdooVpsStatusBuilder}
 * computes the status. Fields that a step did not reach are null; {@code ipv4Caution} says why the
 * pool would no longer hand out the address the VPS keeps.
 */
public record VpsObservation(
    OdooVps vps,
    List<String> validationErrors,
    String ipv4,
    String ipv4Problem,
    Optional<VirtualMachine> vm,
    SuspensionStatus suspension,
    boolean isolated,
    PlanChangeTracker.Outcome planChange,
    BillingStatus billing,
    String identityDeadline,
    String accessCodesSentAt,
    String accessCodesProblem,
    TerminationStatus termination,
    String ipv4Caution) {

  public static VpsObservation invalid(
      OdooVps vps, List<String> errors, Optional<VirtualMachine> vm) {
    var previous = vps.getStatus();
    return new VpsObservation(
        vps,
        errors,
        previous == null ? null : previous.getIpv4(),
        null,
        vm,
        previous == null ? null : previous.getSuspension(),
        false,
        null,
        previous == null ? null : previous.getBilling(),
        previous == null ? null : previous.getIdentityDeadline(),
        previous == null ? null : previous.getAccessCodesSentAt(),
        null,
        null,
        null);
  }
}
