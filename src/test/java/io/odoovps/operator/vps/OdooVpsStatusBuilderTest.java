package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.kubevirt.VirtualMachineStatus;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.testing.MovableClock;
import io.odoovps.operator.testing.VpsFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OdooVpsStatusBuilderTest {

  private final MovableClock clock = MovableClock.at("2026-03-01T10:00:00Z");
  private final OdooVpsStatusBuilder builder = new OdooVpsStatusBuilder(clock);

  private static VpsObservation observation(
      io.odoovps.operator.api.v1alpha1.odoovps.OdooVps vps,
      Optional<VirtualMachine> vm,
      List<String> errors) {
    return new VpsObservation(
        vps, errors, "192.0.2.7", null, vm, null, false, null, null, null, null, null, null, null);
  }

  private static VirtualMachine vm(Boolean ready, String printable) {
    var vm = new VirtualMachine();
    vm.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("acme").build());
    vm.setStatus(new VirtualMachineStatus(true, ready, printable));
    return vm;
  }

  @Test
  void provisioningUntilTheVmIsReadyThenRunning() {
    var vps = VpsFixtures.vps("ns", "acme");
    vps.getMetadata().setGeneration(3L);

    var provisioning =
        builder.build(observation(vps, Optional.of(vm(false, "Provisioning")), List.of()));
    assertThat(provisioning.getPhase()).isEqualTo(VpsPhase.Provisioning);
    assertThat(provisioning.getObservedGeneration()).isEqualTo(3L);
    var ready = ConditionList.find(provisioning.getConditions(), "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains("Provisioning");
    assertThat(ready.getObservedGeneration()).isEqualTo(3L);

    vps.setStatus(provisioning);
    var running = builder.build(observation(vps, Optional.of(vm(true, "Running")), List.of()));
    assertThat(running.getPhase()).isEqualTo(VpsPhase.Running);
    assertThat(ConditionList.find(running.getConditions(), "Ready").orElseThrow().getStatus())
        .isEqualTo("True");
  }

  @Test
  void keepsTransitionTimesSoAnUnchangedWorldGivesAnEqualStatus() {
    var vps = VpsFixtures.vps("ns", "acme");
    vps.getMetadata().setGeneration(1L);
    var first = builder.build(observation(vps, Optional.of(vm(true, "Running")), List.of()));
    vps.setStatus(first);

    clock.advance(Duration.ofHours(5));
    var second = builder.build(observation(vps, Optional.of(vm(true, "Running")), List.of()));

    assertThat(second).isEqualTo(first);
    assertThat(
            ConditionList.find(second.getConditions(), "Ready")
                .orElseThrow()
                .getLastTransitionTime())
        .isEqualTo("2026-03-01T10:00:00Z");
  }

  @Test
  void aTransitionGetsTheClocksTime() {
    var vps = VpsFixtures.vps("ns", "acme");
    vps.getMetadata().setGeneration(1L);
    vps.setStatus(builder.build(observation(vps, Optional.of(vm(true, "Running")), List.of())));

    clock.advance(Duration.ofMinutes(7));
    var stopped = builder.build(observation(vps, Optional.of(vm(false, "Stopped")), List.of()));

    assertThat(
            ConditionList.find(stopped.getConditions(), "Ready")
                .orElseThrow()
                .getLastTransitionTime())
        .isEqualTo("2026-03-01T10:07:00Z");
  }

  @Test
  void anInvalidSpecIsAConditionAndKeepsTheRunningVm() {
    var vps = VpsFixtures.vps("ns", "acme");
    vps.getMetadata().setGeneration(2L);
    var status =
        builder.build(
            observation(
                vps,
                Optional.of(vm(true, "Running")),
                List.of("spec.odoo.version 9.0 is not supported")));

    assertThat(status.getPhase()).isEqualTo(VpsPhase.Running);
    var valid = ConditionList.find(status.getConditions(), "SpecValid").orElseThrow();
    assertThat(valid.getStatus()).isEqualTo("False");
    assertThat(valid.getReason()).isEqualTo("InvalidSpec");
    assertThat(valid.getMessage()).contains("spec.odoo.version").contains("keeps running");
  }

  @Test
  void anInvalidSpecWithoutVmIsPhaseInvalid() {
    var vps = VpsFixtures.vps("ns", "acme");
    var status =
        builder.build(
            observation(vps, Optional.empty(), List.of("spec.odoo.version 9.0 is not supported")));
    assertThat(status.getPhase()).isEqualTo(VpsPhase.Invalid);
  }
}
