package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.kubevirt.VirtualMachineStatus;
import io.odoovps.operator.kubevirt.VirtualMachineStatus.VmCondition;
import io.odoovps.operator.monitoring.AlertRuleDesign;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestMailbox;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.traffic.FilterPolicyDesign;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plan changes within 48 hours, billing cycles, fixed terms and termination, with a moving clock.
 */
class OdooVpsContractApiServerTest extends VpsOperatorTestBase {

  @Override
  protected boolean guardedNamespace() {
    return true;
  }

  @Test
  void aPaidPlanChangeIsAppliedAndJudgedAgainstItsFortyEightHourDeadline() {
    create(VpsFixtures.vps(namespace, "upgrade"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("upgrade") != null);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(vps("upgrade").getStatus().getPlanChange().appliedPlan())
                    .isEqualTo("2 vCPU, 4Gi, 40Gi disk"));

    var paidAt = clock.instant().minus(Duration.ofHours(1));
    editSpec(
        "upgrade",
        v -> {
          v.getSpec().getPlan().setVcpu(4);
          v.getSpec().getPlan().setMemory("8Gi");
          v.getSpec().getPlan().setPaidAt(Timestamps.format(paidAt));
        });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var change = vps("upgrade").getStatus().getPlanChange();
              assertThat(change.appliedPlan()).isEqualTo("4 vCPU, 8Gi, 40Gi disk");
              assertThat(change.paidAt()).isEqualTo("2026-03-01T09:00:00Z");
              assertThat(change.deadline()).isEqualTo("2026-03-03T09:00:00Z");
              assertThat(change.appliedAt()).isEqualTo("2026-03-01T10:00:00Z");
              assertThat(change.deadlineMet()).isTrue();
            });
    assertThat(vm("upgrade").getSpec().template().spec().domain().cpu().sockets()).isEqualTo(4);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventReasons("upgrade").contains("PlanChanged"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                mailbox.received().stream()
                    .anyMatch(m -> m.body().contains("4 vCPU, 8Gi, 40Gi disk")));
  }

  @Test
  void aChangeThatNeedsARestartIsRestartedAndWarnedAboutBeforeItsDeadline() {
    create(VpsFixtures.vps(namespace, "late"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("late") != null);
    createVmInstance("late");
    // KubeVirt cannot apply this change live: it asks for a restart until the new instance runs.
    setVmStatus(
        "late",
        new VirtualMachineStatus(
            true, true, "Running", List.of(new VmCondition("RestartRequired", "True", "", ""))));

    var paidAt =
        clock.instant().minus(Duration.ofHours(43)); // deadline in 5 h, inside the 6 h warning
    editSpec(
        "late",
        v -> {
          v.getSpec().getPlan().setMemory("16Gi");
          v.getSpec().getPlan().setPaidAt(Timestamps.format(paidAt));
        });

    await().atMost(Duration.ofSeconds(30)).until(() -> vmInstance("late") == null);
    assertThat(eventReasons("late")).contains("Restarted");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(conditionReason(vps("late"), "PlanChangeApplied"))
                    .isEqualTo("DeadlineApproaching"));
    assertThat(eventReasons("late")).contains("PlanChangeDeadlineApproaching");

    clock.advance(Duration.ofHours(6));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(conditionReason(vps("late"), "PlanChangeApplied"))
                    .isEqualTo("DeadlineMissed"));
    assertThat(eventReasons("late")).contains("PlanChangeDeadlineMissed");
    assertThat(vps("late").getStatus().getPlanChange().deadlineMet()).isFalse();

    setVmStatus("late", new VirtualMachineStatus(true, true, "Running"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(conditionReason(vps("late"), "PlanChangeApplied"))
                  .isEqualTo("AppliedLate");
              assertThat(vps("late").getStatus().getPlanChange().deadlineMet()).isFalse();
            });
  }

  @Test
  void aSubscriptionRenewsEachMonthOnItsAnniversary() {
    create(VpsFixtures.vps(namespace, "monthly")); // started 2026-01-15T09:00Z, clock at 2026-03-01
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var billing = vps("monthly").getStatus().getBilling();
              assertThat(billing.periodStart()).isEqualTo("2026-02-15T09:00:00Z");
              assertThat(billing.periodEnd()).isEqualTo("2026-03-15T09:00:00Z");
              assertThat(billing.renewals()).isEqualTo(1);
            });

    clock.advance(Duration.ofDays(20));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var billing = vps("monthly").getStatus().getBilling();
              assertThat(billing.periodStart()).isEqualTo("2026-03-15T09:00:00Z");
              assertThat(billing.periodEnd()).isEqualTo("2026-04-15T09:00:00Z");
              assertThat(billing.renewals()).isEqualTo(2);
            });
    assertThat(eventReasons("monthly")).contains("SubscriptionRenewed");
    assertThat(vm("monthly")).as("a renewal changes nothing of the VPS").isNotNull();
  }

  @Test
  void aFixedTermThatEndsSuspendsTheVpsTellsTheCustomerAndDeletesOnlyAfterTheGrace() {
    var vps = VpsFixtures.vps(namespace, "term");
    vps.getSpec()
        .setBilling(
            new BillingSpec(
                BillingSpec.BillingMode.FixedTerm, "2026-02-01T00:00:00Z", "2026-03-02T00:00:00Z"));
    create(vps);
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("term") != null);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(vps("term").getStatus().getBilling().periodEnd())
                    .isEqualTo("2026-03-02T00:00:00Z"));

    // the end: suspended (the VM halted), the customer told when the data goes, nothing deleted
    clock.advance(Duration.ofHours(14)); // 2026-03-02T00:00Z
    awaitPhase("term", VpsPhase.Suspended);
    var end = vps("term").getStatus().getContractEnd();
    assertThat(end.endedAt()).isEqualTo("2026-03-02T00:00:00Z");
    assertThat(end.deleteAt()).isEqualTo("2026-04-01T00:00:00Z");
    assertThat(end.held()).isNull();
    assertThat(conditionReason(vps("term"), "TermEnded")).isEqualTo("FixedTermEnded");
    assertThat(vm("term").getSpec().runStrategy()).isEqualTo("Halted");
    assertThat(vps("term").getStatus().getTermination()).isNull();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(mailbox.receivedBy("term@customer.example"))
                    .extracting(TestMailbox.Mail::subject)
                    .contains("La durée de votre VPS Odoo term est arrivée à son terme"));
    assertThat(eventReasons("term")).contains("FixedTermEnded");

    // a day before the grace is over: still kept
    clock.advance(Duration.ofDays(29));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vps("term").getStatus().getTermination()).isNull();
    assertThat(vm("term")).isNotNull();

    // the grace is over: the termination path deletes it, as for a requested one
    clock.advance(Duration.ofDays(1));
    awaitPhase("term", VpsPhase.Terminated);
    var termination = vps("term").getStatus().getTermination();
    assertThat(termination.cause()).isEqualTo("FixedTermEnded");
    assertThat(vm("term")).isNull();
  }

  @Test
  void aFixedTermAlreadyPastWhenWrittenIsHeldNotDeletedAndAnExtensionResumesIt() {
    var vps = VpsFixtures.vps(namespace, "late");
    vps.getSpec()
        .setBilling(
            new BillingSpec(
                BillingSpec.BillingMode.FixedTerm, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"));
    create(vps);
    awaitPhase("late", VpsPhase.Suspended);
    var end = vps("late").getStatus().getContractEnd();
    assertThat(end.held()).isTrue();
    assertThat(end.endedAt())
        .as("the grace counts from now, not from the past end")
        .isEqualTo("2026-03-01T10:00:00Z");
    assertThat(end.deleteAt()).isEqualTo("2026-03-31T10:00:00Z");
    assertThat(conditionReason(vps("late"), "TermEnded")).isEqualTo("EndAlreadyPast");
    assertThat(eventReasons("late")).contains("FixedTermEndedHeld");
    assertThat(vm("late")).as("held: the VM exists, halted").isNotNull();

    // extended: resumed, nothing planned for deletion any more
    editSpec(
        "late",
        v ->
            v.getSpec()
                .setBilling(
                    new BillingSpec(
                        BillingSpec.BillingMode.FixedTerm,
                        "2026-01-01T00:00:00Z",
                        "2026-06-01T00:00:00Z")));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(vps("late").getStatus().getContractEnd()).isNull();
              assertThat(vps("late").getStatus().getSuspension().active()).isFalse();
              assertThat(conditionReason(vps("late"), "TermEnded")).isEqualTo("Extended");
            });
    assertThat(eventReasons("late")).contains("FixedTermExtended", "Resumed");
    clock.advance(Duration.ofDays(31));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vps("late").getStatus().getTermination()).isNull();
  }

  @Test
  void terminationDeletesTheVmDiskIpv4AndSecretsThenLetsTheObjectGo() {
    ControlPlane.get().requireControllerManager(); // its pvc-protection controller frees the PVC
    create(VpsFixtures.vps(namespace, "bye"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> vps("bye").getStatus() != null && vps("bye").getStatus().getIpv4() != null);
    var address = vps("bye").getStatus().getIpv4();
    var uid = vps("bye").getMetadata().getUid();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                        .secrets()
                        .inNamespace(namespace)
                        .withLabel(VpsLabels.VPS, "bye")
                        .list()
                        .getItems()
                        .size()
                    == 4);

    // The disk as CDI makes it (no CDI runs here): the DataVolume and its PVC, under the VM's disk
    // name; and the traffic filter and alert rules the operator wrote.
    var disk = VirtualMachineDesign.diskName(vps("bye"));
    var dataVolume = new GenericKubernetesResource();
    dataVolume.setApiVersion("cdi.kubevirt.io/v1beta1");
    dataVolume.setKind("DataVolume");
    dataVolume.setMetadata(new ObjectMetaBuilder().withName(disk).withNamespace(namespace).build());
    dataVolume.setAdditionalProperty(
        "spec",
        Map.of(
            "source", Map.of("blank", Map.of()),
            "storage", Map.of("resources", Map.of("requests", Map.of("storage", "10Gi")))));
    client.resource(dataVolume).create();
    client
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(disk)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity("10Gi")))
                .endResources()
                .endSpec()
                .build())
        .create();
    var rules = AlertRuleDesign.ruleName(vps("bye"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                            .genericKubernetesResources(
                                "monitoring.coreos.com/v1", "PrometheusRule")
                            .inNamespace(namespace)
                            .withName(rules)
                            .get()
                        != null
                    && client
                            .network()
                            .networkPolicies()
                            .inNamespace(namespace)
                            .withName(FilterPolicyDesign.name("bye"))
                            .get()
                        != null);

    // The API server refuses a plain delete (deletion-guard admission policy), naming the way out.
    assertThatThrownBy(
            () -> client.resources(OdooVps.class).inNamespace(namespace).withName("bye").delete())
        .hasMessageContaining("is not terminated")
        .hasMessageContaining("spec.termination.confirm: bye");
    // ... and a confirmation that does not repeat the name (CEL).
    assertThatThrownBy(() -> editSpecOnce("bye", new TerminationSpec("by")))
        .hasMessageContaining("spec.termination.confirm must repeat metadata.name");

    editSpec("bye", v -> v.getSpec().setTermination(new TerminationSpec("bye")));
    awaitPhase("bye", VpsPhase.Terminated);
    var termination = vps("bye").getStatus().getTermination();
    assertThat(termination.cause()).isEqualTo("Requested");
    assertThat(termination.completedAt()).isNotNull();
    assertThat(termination.deleted())
        .contains(
            "VirtualMachine/bye",
            "Secret/bye-odoo-admin",
            "Secret/bye-provider-ssh",
            "Secret/bye-cloud-init",
            "Secret/bye-guest-command-key",
            "Service/bye",
            "DataVolume/" + disk,
            "PersistentVolumeClaim/" + disk,
            "NetworkPolicy/" + FilterPolicyDesign.name("bye"),
            "PrometheusRule/" + rules,
            "IPv4Allocation/" + address);
    assertThat(vm("bye")).isNull();
    assertThat(
            client
                .genericKubernetesResources("cdi.kubevirt.io/v1beta1", "DataVolume")
                .inNamespace(namespace)
                .withName(disk)
                .get())
        .isNull();
    assertThat(client.persistentVolumeClaims().inNamespace(namespace).withName(disk).get())
        .isNull();
    assertThat(
            client
                .genericKubernetesResources("monitoring.coreos.com/v1", "PrometheusRule")
                .inNamespace(namespace)
                .withName(rules)
                .get())
        .as("a terminated VPS must not open tickets: its alert rules go")
        .isNull();
    assertThat(client.network().networkPolicies().inNamespace(namespace).list().getItems())
        .isEmpty();
    assertThat(
            client
                .secrets()
                .inNamespace(namespace)
                .withLabel(VpsLabels.VPS, "bye")
                .list()
                .getItems())
        .isEmpty();
    assertThat(client.services().inNamespace(namespace).withName("bye").get()).isNull();
    assertThat(
            client
                .resources(IPv4Allocation.class)
                .withLabel("odoovps.io/vps-uid", uid)
                .list()
                .getItems())
        .isEmpty();
    assertThat(vps("bye").getStatus().getIpv4()).isNull();
    assertThat(eventReasons("bye")).contains("TerminationStarted", "Terminated");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                mailbox.received().stream().anyMatch(m -> m.to().contains("bye@customer.example")));

    // Terminated: the guard lets the record go, and the finalizer is released.
    client.resources(OdooVps.class).inNamespace(namespace).withName("bye").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> vps("bye") == null);
  }

  private void editSpecOnce(String name, TerminationSpec termination) {
    client
        .resources(OdooVps.class)
        .inNamespace(namespace)
        .withName(name)
        .edit(
            v -> {
              v.getSpec().setTermination(termination);
              return v;
            });
  }
}
