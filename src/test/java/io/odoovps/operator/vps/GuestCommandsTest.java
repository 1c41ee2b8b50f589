package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.odoovps.GuestStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.contract.MaintenanceWindow;
import io.odoovps.operator.testing.JobFixtures;
import io.odoovps.operator.testing.VpsFixtures;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the guest owes (upgrade, updates before a reboot) and what its Jobs tell. */
class GuestCommandsTest {

  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  private static final MaintenanceWindow.Step NO_MAINTENANCE =
      new MaintenanceWindow.Step(MaintenanceWindow.Action.NONE, null);
  private static final MaintenanceWindow.Step REBOOT_DUE =
      new MaintenanceWindow.Step(
          MaintenanceWindow.Action.REBOOT,
          new MaintenanceStatus(
              "2026-03-09T08:00:00Z",
              "2026-03-09T08:00:00Z",
              "2026-03-10T08:00:00Z",
              null,
              null,
              null));

  private static OdooVps vps(String version) {
    var vps = VpsFixtures.vps("shop", "alpha");
    vps.getSpec().getOdoo().setVersion(version);
    return vps;
  }

  private static GuestStatus runs(String version) {
    return new GuestStatus(version, null, null, null, null);
  }

  private static Job job(String name, String condition) {
    return JobFixtures.job(name, condition);
  }

  @Test
  void theGuestRunsTheSpecsVersionOnceProvisionedAndNothingIsOwedUntilTheSpecMoves() {
    var vps = vps("17.0");
    assertThat(GuestCommands.initial(null, vps, false)).isNull();
    var base = GuestCommands.initial(null, vps, true);
    assertThat(base).isEqualTo(runs("17.0"));
    assertThat(GuestCommands.wanted(vps, base, NO_MAINTENANCE)).isEmpty();
    // a later pass keeps what the guest runs, whatever the spec says now
    assertThat(GuestCommands.initial(base, vps("18.0"), true)).isEqualTo(base);
  }

  @Test
  void aVersionChangeIsAnUpgradeCommandWithOneJobPerVersion() {
    var wanted = GuestCommands.wanted(vps("18.0"), runs("17.0"), NO_MAINTENANCE).orElseThrow();
    assertThat(wanted.kind()).isEqualTo(GuestCommands.Kind.UPGRADE);
    assertThat(wanted.request()).containsExactly("upgrade-odoo", "18.0");
    assertThat(wanted.job()).isEqualTo("alpha-upgrade-18-0");
    // nothing is known of the guest yet (not provisioned): nothing to upgrade
    assertThat(GuestCommands.wanted(vps("18.0"), null, NO_MAINTENANCE)).isEmpty();
  }

  @Test
  void aDueMaintenanceRebootFirstOwesTheUpdatesNamedAfterItsRequest() {
    var wanted = GuestCommands.wanted(vps("18.0"), runs("17.0"), REBOOT_DUE).orElseThrow();
    assertThat(wanted.kind()).isEqualTo(GuestCommands.Kind.UPDATES);
    assertThat(wanted.request()).containsExactly("maintenance");
    assertThat(wanted.job())
        .isEqualTo("alpha-updates-" + Instant.parse("2026-03-09T08:00:00Z").getEpochSecond());
  }

  @Test
  void aJobStartsOnlyWhenAbsentAndTheVmReady() {
    var wanted = GuestCommands.wanted(vps("18.0"), runs("17.0"), NO_MAINTENANCE);
    assertThat(GuestCommands.startNow(wanted, Optional.empty(), true)).isTrue();
    assertThat(GuestCommands.startNow(wanted, Optional.empty(), false)).isFalse();
    assertThat(GuestCommands.startNow(wanted, Optional.of(job("alpha-upgrade-18-0", null)), true))
        .isFalse();
    assertThat(GuestCommands.startNow(Optional.empty(), Optional.empty(), true)).isFalse();
  }

  @Test
  void theRebootWaitsForUpdatesStartedOrRunningNotForUpdatesThatCouldNotStart() {
    var wanted = GuestCommands.wanted(vps("17.0"), runs("17.0"), REBOOT_DUE);
    var name = wanted.orElseThrow().job();
    assertThat(
            GuestCommands.next(runs("17.0"), wanted, Optional.empty(), true, NOW).updatesPending())
        .isTrue();
    assertThat(
            GuestCommands.next(runs("17.0"), wanted, Optional.empty(), false, NOW).updatesPending())
        .as("the VM is not ready: the reboot does not wait")
        .isFalse();
    assertThat(
            GuestCommands.next(runs("17.0"), wanted, Optional.of(job(name, null)), false, NOW)
                .updatesPending())
        .as("running, even while Odoo restarts in the guest")
        .isTrue();
    var done =
        GuestCommands.next(runs("17.0"), wanted, Optional.of(job(name, "Complete")), false, NOW);
    assertThat(done.updatesPending()).isFalse();
    assertThat(done.status())
        .isEqualTo(new GuestStatus("17.0", "2026-03-10T12:00:00Z", name, null, null));
    assertThat(done.finished()).contains("maintenance");
  }

  @Test
  void aSucceededUpgradeMovesTheVersionOnceAndAFailedOneKeepsItWithTheProblem() {
    var wanted = GuestCommands.wanted(vps("18.0"), runs("17.0"), NO_MAINTENANCE);
    var running =
        GuestCommands.next(
            runs("17.0"), wanted, Optional.of(job("alpha-upgrade-18-0", null)), false, NOW);
    assertThat(running.status()).isEqualTo(runs("17.0"));
    assertThat(running.updatesPending()).isFalse();

    var upgraded =
        GuestCommands.next(
            runs("17.0"), wanted, Optional.of(job("alpha-upgrade-18-0", "Complete")), false, NOW);
    assertThat(upgraded.status())
        .isEqualTo(new GuestStatus("18.0", null, "alpha-upgrade-18-0", null, null));
    assertThat(upgraded.finished()).contains("upgrade-odoo 18.0");
    // the spec and the guest agree: nothing owed, nothing told again
    assertThat(GuestCommands.wanted(vps("18.0"), upgraded.status(), NO_MAINTENANCE)).isEmpty();

    var failed =
        GuestCommands.next(
            runs("17.0"), wanted, Optional.of(job("alpha-upgrade-18-0", "Failed")), false, NOW);
    assertThat(failed.status().odooVersion()).isEqualTo("17.0");
    assertThat(failed.status().problem())
        .isEqualTo("upgrade-odoo 18.0 failed in the guest (Job alpha-upgrade-18-0, see its log)");
    assertThat(failed.finished()).isPresent();
    // told once: the next pass finds it recorded
    var again =
        GuestCommands.next(
            failed.status(), wanted, Optional.of(job("alpha-upgrade-18-0", "Failed")), false, NOW);
    assertThat(again.status()).isEqualTo(failed.status());
    assertThat(again.finished()).isEmpty();
  }

  @Test
  void jobNamesStayWithinTheLabelLimit() {
    var vps = vps("18.0");
    vps.getMetadata().setName("a".repeat(60));
    var wanted = GuestCommands.wanted(vps, runs("17.0"), NO_MAINTENANCE).orElseThrow();
    assertThat(wanted.job()).hasSizeLessThanOrEqualTo(63).startsWith("aaaa");
    assertThat(List.of(wanted.job().split(""))).doesNotContain(".");
  }
}
