package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionStatus;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.kubevirt.VirtualMachineStatus;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.testing.Kstatus;
import io.odoovps.operator.testing.MovableClock;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What Flux and kstatus make of an OdooVps's status, computed by the real kstatus library: in
 * progress while the VM comes up or the spec is not yet observed, failed at once (not after a
 * timeout) for what needs a person, current when it runs.
 */
class OdooVpsKstatusTest {

  private final MovableClock clock = MovableClock.at("2026-03-01T10:00:00Z");
  private final OdooVpsStatusBuilder builder = new OdooVpsStatusBuilder(clock);

  @Test
  void inProgressWhileTheVmComesUpCurrentOnceReady() throws Exception {
    var vps = vps();
    vps.setStatus(builder.build(seen(vps, vm(false, "Provisioning"), List.of(), null, null)));
    var provisioning = Kstatus.of(vps);
    assertThat(provisioning.status()).isEqualTo("InProgress");
    assertThat(provisioning.message()).contains("Waiting for the VirtualMachine", "Provisioning");

    vps.setStatus(builder.build(seen(vps, vm(true, "Running"), List.of(), null, null)));
    assertThat(Kstatus.of(vps).status()).isEqualTo("Current");

    // a new spec the operator has not answered yet
    vps.getMetadata().setGeneration(4L);
    assertThat(Kstatus.of(vps).status()).isEqualTo("InProgress");
  }

  @Test
  void failedAtOnceForAnInvalidSpecOrAnExhaustedPool() throws Exception {
    var vps = vps();
    vps.setStatus(
        builder.build(
            seen(
                vps,
                Optional.empty(),
                List.of("spec.odoo.version 9.0 is not supported"),
                null,
                null)));
    var invalid = Kstatus.of(vps);
    assertThat(invalid.status()).isEqualTo("Failed");
    assertThat(invalid.message()).contains("spec.odoo.version 9.0 is not supported");

    vps.setStatus(
        builder.build(
            seen(vps, Optional.empty(), List.of(), "pool paris-1 has no free address", null)));
    var exhausted = Kstatus.of(vps);
    assertThat(exhausted.status()).isEqualTo("Failed");
    assertThat(exhausted.message()).contains("no free address");
  }

  /**
   * Neither Reconciling nor Stalled while suspended (the VM is stopped on purpose), but Ready is
   * False, and kstatus reads a Ready False as in progress: a Flux health check waits on a suspended
   * VPS until its timeout (docs/operations.md says so).
   */
  @Test
  void aSuspendedVpsIsNeitherReconcilingNorStalledButKstatusReadsItsReadyFalse() throws Exception {
    var vps = vps();
    var suspension = new SuspensionStatus(true, "unpaid", null, "2026-03-01T09:00:00Z", 1, false);
    vps.setStatus(builder.build(seen(vps, vm(false, "Stopped"), List.of(), null, suspension)));
    assertThat(vps.getStatus().getConditions())
        .extracting(c -> c.getType())
        .doesNotContain(ConditionList.RECONCILING, ConditionList.STALLED);
    var suspended = Kstatus.of(vps);
    assertThat(suspended.status()).isEqualTo("InProgress");
    assertThat(suspended.message()).contains("Stopped");
  }

  @Test
  void aFailedPassIsInProgressItIsRetried() throws Exception {
    var vps = vps();
    vps.setStatus(builder.build(seen(vps, vm(true, "Running"), List.of(), null, null)));
    vps.setStatus(builder.error(vps, "Reconcile failed: connection refused").orElseThrow());
    var failed = Kstatus.of(vps);
    assertThat(failed.status()).isEqualTo("InProgress");
    assertThat(failed.message()).contains("connection refused");
    // the next good pass takes Reconciling away
    vps.setStatus(builder.build(seen(vps, vm(true, "Running"), List.of(), null, null)));
    assertThat(Kstatus.of(vps).status()).isEqualTo("Current");
  }

  private static OdooVps vps() {
    var vps = VpsFixtures.vps("ns", "acme");
    vps.getMetadata().setGeneration(3L);
    return vps;
  }

  private static VpsObservation seen(
      OdooVps vps,
      Optional<VirtualMachine> vm,
      List<String> errors,
      String ipv4Problem,
      SuspensionStatus suspension) {
    return new VpsObservation(
        vps,
        errors,
        ipv4Problem == null ? "192.0.2.7" : null,
        ipv4Problem,
        vm,
        suspension,
        false,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static Optional<VirtualMachine> vm(Boolean ready, String printable) {
    var vm = new VirtualMachine();
    vm.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("acme").build());
    vm.setStatus(new VirtualMachineStatus(true, ready, printable));
    return Optional.of(vm);
  }
}
