package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whether the VM runs the plan when the operator makes the disk (no CDI). */
class VpsGuestTest {

  private final OperatorConfig config =
      TestConfig.with(Map.of("odoovps.vm.disk-provisioning", "PersistentVolumeClaim"));

  private PersistentVolumeClaim bound(String planDiskAtCreation, String volume) {
    var vps = VpsFixtures.vps("shop", "alpha");
    vps.getSpec().getPlan().setDisk(planDiskAtCreation);
    var claim = new DiskClaimDesign(config).claim(vps);
    claim.setStatus(
        new PersistentVolumeClaimStatusBuilder()
            .withPhase("Bound")
            .withCapacity(Map.of("storage", new Quantity(volume)))
            .build());
    return claim;
  }

  @Test
  void aBiggerVolumeDoesNotMakeABiggerPlanAppliedTheClaimsSizeDoes() {
    var vps = VpsFixtures.vps("shop", "alpha");
    var vm = new VirtualMachineDesign(config).render(vps);
    var disk = vps.getSpec().getPlan().getDisk();
    // the claim was made at the plan's size on a 1Ti volume: the plan runs
    assertThat(
            VpsGuest.runsPlan(
                vm, vps, new DiskFill(true, Optional.of(bound(disk, "1Ti")), Optional.empty())))
        .isTrue();
    // the plan's disk grows: the volume is big enough, but the guest's disk is what was filled
    vps.getSpec().getPlan().setDisk("2Ti");
    var grown = new VirtualMachineDesign(config).render(vps);
    assertThat(
            VpsGuest.runsPlan(
                grown, vps, new DiskFill(true, Optional.of(bound(disk, "4Ti")), Optional.empty())))
        .isFalse();
    // no claim, or one not bound yet: not applied
    assertThat(
            VpsGuest.runsPlan(grown, vps, new DiskFill(true, Optional.empty(), Optional.empty())))
        .isFalse();
  }
}
