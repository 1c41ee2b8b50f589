package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionSpec;
import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.kubevirt.VirtualMachineStatus;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Maintenance reboots with notice, and the month's availability, on the real API server. */
class SupervisionApiServerTest extends VpsOperatorTestBase {

  private SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Override
  protected TestOperator newOperator() {
    return TestOperator.start(
        namespace, new OdooVpsReconciler(config(), clock, mailbox.mailer(), registry));
  }

  private double gauge(String name, String vps) {
    var gauge = registry.find(name).tag("vps", vps).tag("namespace", namespace).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  @Test
  void aMaintenanceRebootIsAnnouncedByEmailAndHappensOnlyAfterTheNoticePeriod() {
    create(VpsFixtures.vps(namespace, "alpha"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("alpha") != null);
    markVmReady("alpha");
    createVmInstance("alpha");
    editSpec(
        "alpha",
        v ->
            v.getSpec()
                .setMaintenance(
                    new MaintenanceSpec("2026-03-01T10:00:00Z", null, "kernel security update")));

    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var m = vps("alpha").getStatus().getMaintenance();
              assertThat(m.noticeSentAt()).isEqualTo("2026-03-01T10:00:00Z");
              assertThat(m.scheduledFor()).isEqualTo("2026-03-02T10:00:00Z");
            });
    var mail = mailbox.receivedBy("alpha@customer.example");
    assertThat(mail).anySatisfy(m -> assertThat(m.body()).contains("2026-03-02T10:00:00Z"));
    assertThat(eventReasons("alpha")).contains("MaintenanceScheduled");

    clock.advance(Duration.ofHours(23));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vmInstance("alpha")).as("no reboot before the notice period").isNotNull();

    clock.advance(Duration.ofHours(1));
    // due: the guest installs its security updates first, the reboot waits for them
    var updates =
        "alpha-updates-" + java.time.Instant.parse("2026-03-01T10:00:00Z").getEpochSecond();
    await().atMost(Duration.ofSeconds(30)).until(() -> job(updates) != null);
    assertThat(job(updates).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .endsWith("root@alpha." + namespace + ".svc", "maintenance");
    assertThat(eventReasons("alpha")).contains("GuestCommandStarted");
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vmInstance("alpha")).as("no reboot while the updates run").isNotNull();
    assertThat(vps("alpha").getStatus().getMaintenance().doneAt()).isNull();

    finishJob(updates, true);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(vmInstance("alpha")).as("rebooted").isNull();
              var guest = vps("alpha").getStatus().getGuest();
              assertThat(guest.updatedAt()).isEqualTo("2026-03-02T10:00:00Z");
              assertThat(guest.lastCommand()).isEqualTo(updates);
              var m = vps("alpha").getStatus().getMaintenance();
              assertThat(m.rebootedAt()).isEqualTo("2026-03-02T10:00:00Z");
              assertThat(m.doneAt()).isEqualTo("2026-03-02T10:00:00Z");
            });
    assertThat(eventReasons("alpha")).contains("MaintenanceDone");

    // the announced reboot does not count against availability for its grace period
    setVmStatus("alpha", new VirtualMachineStatus(false, false, "Starting"));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vps("alpha").getStatus().getAvailability().downSince()).isNull();
    clock.advance(Duration.ofMinutes(16));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(vps("alpha").getStatus().getAvailability().downSince())
                    .isEqualTo("2026-03-02T10:16:00Z"));
    assertThat(
            mailbox.receivedBy("alpha@customer.example").stream()
                .filter(m -> m.body().contains("2026-03-02T10:00:00Z")))
        .as("one notice per request")
        .hasSize(1);
  }

  @Test
  void aVersionChangeRunsTheUpgradeInTheGuestAndTheStatusFollowsItsJob() {
    // with the Job controller running, as in the whole suite (its pod never runs: no kubelet)
    ControlPlane.get().requireControllerManager();
    create(VpsFixtures.vps(namespace, "alpha"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("alpha") != null);
    markVmReady("alpha");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(vps("alpha").getStatus().getGuest().odooVersion()).isEqualTo("17.0"));
    assertThat(job("alpha-upgrade-18-0")).isNull();

    editSpec("alpha", v -> v.getSpec().getOdoo().setVersion("18.0"));
    await().atMost(Duration.ofSeconds(30)).until(() -> job("alpha-upgrade-18-0") != null);
    assertThat(job("alpha-upgrade-18-0").getMetadata().getAnnotations())
        .containsEntry("odoovps.io/guest-command", "upgrade-odoo 18.0");

    // it fails in the guest: the VPS keeps 17.0, says why, and does not run it again by itself
    finishJob("alpha-upgrade-18-0", false);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var guest = vps("alpha").getStatus().getGuest();
              assertThat(guest.odooVersion()).isEqualTo("17.0");
              assertThat(guest.problem()).startsWith("upgrade-odoo 18.0 failed in the guest");
            });
    assertThat(eventReasons("alpha")).contains("GuestCommandFailed");
    var failed = job("alpha-upgrade-18-0").getMetadata().getUid();

    // support deletes the Job: the upgrade runs again, and succeeds
    client
        .resource(job("alpha-upgrade-18-0"))
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
        .delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                job("alpha-upgrade-18-0") != null
                    && !failed.equals(job("alpha-upgrade-18-0").getMetadata().getUid()));
    finishJob("alpha-upgrade-18-0", true);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(vps("alpha").getStatus().getGuest())
                    .isEqualTo(
                        new io.odoovps.operator.api.v1alpha1.odoovps.GuestStatus(
                            "18.0", null, "alpha-upgrade-18-0", null, null)));
    assertThat(eventReasons("alpha")).contains("GuestCommandDone");
  }

  @Test
  void aMaintenanceDueWhileTheVmIsHaltedIsCarriedOutWithoutARebootAndNotRepeated() {
    create(VpsFixtures.vps(namespace, "halted"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("halted") != null);
    markVmReady("halted");
    editSpec(
        "halted",
        v -> {
          v.getSpec().setSuspension(new SuspensionSpec("Unpaid invoice (article 11)"));
          v.getSpec()
              .setMaintenance(
                  new MaintenanceSpec("2026-03-01T10:00:00Z", null, "kernel security update"));
        });
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(vm("halted").getSpec().runStrategy())
                  .isEqualTo(VirtualMachineSpec.RUN_HALTED);
              assertThat(vps("halted").getStatus().getMaintenance().scheduledFor())
                  .isEqualTo("2026-03-02T10:00:00Z");
            });

    clock.advance(Duration.ofHours(24));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var m = vps("halted").getStatus().getMaintenance();
              assertThat(m.doneAt()).isEqualTo("2026-03-02T10:00:00Z");
              assertThat(m.rebootedAt()).as("nothing was rebooted").isNull();
            });
    clock.advance(Duration.ofHours(1));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(eventReasons("halted").stream().filter("MaintenanceDone"::equals))
        .as("carried out once")
        .hasSize(1);
  }

  @Test
  void availabilityCountsDowntimeWhileTheVpsIsMeantToRunAndKeepsItInStatusAndMetrics() {
    create(VpsFixtures.vps(namespace, "alpha"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("alpha") != null);
    markVmReady("alpha");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(vps("alpha").getStatus().getAvailability().month()).isEqualTo("2026-03");
              assertThat(gauge("odoovps.vps.ready", "alpha")).isEqualTo(1.0);
            });

    setVmStatus("alpha", new VirtualMachineStatus(false, false, "Stopped"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(vps("alpha").getStatus().getAvailability().downSince())
                    .isEqualTo("2026-03-01T10:00:00Z"));
    clock.advance(Duration.ofHours(1));
    // the ongoing outage shows in the metric between writes: 31-day budget 13392 s - 3600 s
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(gauge("odoovps.vps.error.budget.remaining.seconds", "alpha"))
                    .isEqualTo(9792.0));
    markVmReady("alpha");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var a = vps("alpha").getStatus().getAvailability();
              assertThat(a.downSeconds()).isEqualTo(3600);
              assertThat(a.downSince()).isNull();
              assertThat(a.budgetLeftSeconds()).isEqualTo(9792);
              assertThat(a.percent()).isEqualTo("99.865");
            });

    // an operator restart (a new process: new metrics) keeps it: it lives in the status
    operator.close();
    registry = new SimpleMeterRegistry();
    operator = newOperator();
    clock.advance(Duration.ofMinutes(5));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              // 3600 s down out of March's 2,678,400 s
              assertThat(gauge("odoovps.vps.availability.ratio", "alpha"))
                  .isCloseTo(1.0 - 3600.0 / 2_678_400, org.assertj.core.data.Offset.offset(1e-9));
              assertThat(vps("alpha").getStatus().getAvailability().downSeconds()).isEqualTo(3600);
            });
  }
}
