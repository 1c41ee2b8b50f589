package io.odoovps.operator.vps;

import static io.odoovps.operator.vps.OdooVpsConditions.*;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.status.ConditionList;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that computes an OdooVps status from what was observed. Equal inputs give an equal
 * status (transition times are kept), which is what makes a quiet resync write nothing.
 */
public class OdooVpsStatusBuilder {

  private final Clock clock;

  public OdooVpsStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  public OdooVpsStatus build(
      OdooVps vps, Optional<VirtualMachine> vm, List<String> validationErrors) {
    var previous = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    var generation = vps.getMetadata().getGeneration();
    var conditions = new ConditionList(previous.getConditions(), generation, clock.instant());

    boolean vmReady =
        vm.map(VirtualMachine::getStatus).map(s -> Boolean.TRUE.equals(s.ready())).orElse(false);
    if (vm.isEmpty()) {
      conditions.set(
          READY, false, REASON_VM_MISSING, "The VirtualMachine has not been created yet.");
    } else if (vmReady) {
      conditions.set(READY, true, REASON_VM_READY, "The VirtualMachine is running and ready.");
    } else {
      var printable =
          Optional.ofNullable(vm.get().getStatus())
              .map(s -> s.printableStatus())
              .orElse("not reported yet");
      conditions.set(
          READY,
          false,
          REASON_VM_NOT_READY,
          "The VirtualMachine is not ready (KubeVirt status: " + printable + ").");
    }
    if (validationErrors.isEmpty()) {
      conditions.set(SPEC_VALID, true, REASON_VALID, "The spec passes every rule.");
    } else {
      conditions.set(
          SPEC_VALID,
          false,
          REASON_INVALID,
          String.join("; ", validationErrors)
              + (vm.isPresent() ? ". The last valid configuration keeps running." : "."));
    }

    var status = new OdooVpsStatus();
    status.setObservedGeneration(generation);
    status.setIpv4(previous.getIpv4());
    status.setVirtualMachine(vm.map(v -> v.getMetadata().getName()).orElse(null));
    status.setPhase(
        vm.isEmpty() && !validationErrors.isEmpty()
            ? VpsPhase.Invalid
            : vmReady ? VpsPhase.Running : VpsPhase.Provisioning);
    status.setConditions(new ArrayList<>(conditions.build()));
    return status;
  }
}
