package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.odoovps.operator.api.v1alpha1.odoovps.IdentityCheckSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.IsolationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Access codes, identity check, suspension and isolation, with a moving clock. */
class OdooVpsLifecycleApiServerTest extends VpsOperatorTestBase {

  private String runStrategy(String name) {
    return vm(name).getSpec().runStrategy();
  }

  @Test
  void accessCodesAreEmailedOnceWhenTheVpsIsFirstReadyAndNeverShownElsewhere() {
    create(VpsFixtures.vps(namespace, "codes"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("codes") != null);
    assertThat(mailbox.received()).as("nothing before the VPS is ready").isEmpty();

    markVmReady("codes");
    awaitPhase("codes", VpsPhase.Running);
    await().atMost(Duration.ofSeconds(10)).until(() -> mailbox.received().size() == 1);

    var secret = client.secrets().inNamespace(namespace).withName("codes-odoo-admin").get();
    var password = GuestDesign.decoded(secret, GuestDesign.PASSWORD_KEY);
    assertThat(password).hasSize(24);
    var mail = mailbox.received().get(0);
    assertThat(mail.to()).containsExactly("codes@customer.example");
    assertThat(mail.body())
        .contains(password)
        .contains("codes@customer.example")
        .contains("https://" + vps("codes").getStatus().getIpv4());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(condition(vps("codes"), "AccessCodesSent")).isEqualTo("True"));

    // The password is nowhere but in the Secret and the one email.
    var yaml = client.getKubernetesSerialization().asYaml(vps("codes"));
    assertThat(yaml).doesNotContain(password);
    assertThat(events("codes")).noneMatch(e -> e.getMessage().contains(password));
    assertThat(client.getKubernetesSerialization().asYaml(vm("codes"))).doesNotContain(password);

    // Ready again after a restart: no second email.
    setVmStatus(
        "codes", new io.odoovps.operator.kubevirt.VirtualMachineStatus(true, false, "Starting"));
    awaitPhase("codes", VpsPhase.Provisioning);
    markVmReady("codes");
    awaitPhase("codes", VpsPhase.Running);
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(mailbox.received()).hasSize(1);
  }

  @Test
  void anUnverifiedIdentitySuspendsTheVpsAfter72HoursAndVerificationResumesIt() {
    var vps = VpsFixtures.vps(namespace, "identity");
    vps.getSpec()
        .setIdentityCheck(new IdentityCheckSpec(Timestamps.format(clock.instant()), false));
    create(vps);
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("identity") != null);
    markVmReady("identity");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              // the VM can be applied before the pass writes the status: not there yet is a retry
              assertThat(vps("identity").getStatus()).isNotNull();
              assertThat(vps("identity").getStatus().getIdentityDeadline())
                  .isEqualTo("2026-03-04T10:00:00Z");
              assertThat(conditionReason(vps("identity"), "IdentityVerified")).isEqualTo("Pending");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                mailbox.received().stream()
                    .anyMatch(m -> m.body().contains("2026-03-04T10:00:00Z")));

    clock.advance(Duration.ofHours(71));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vps("identity").getStatus().getPhase()).isEqualTo(VpsPhase.Running);
    assertThat(runStrategy("identity")).isEqualTo(VirtualMachineSpec.RUN_ALWAYS);

    clock.advance(Duration.ofHours(1));
    awaitPhase("identity", VpsPhase.Suspended);
    assertThat(runStrategy("identity"))
        .as("suspension halts the VM")
        .isEqualTo(VirtualMachineSpec.RUN_HALTED);
    var suspension = vps("identity").getStatus().getSuspension();
    assertThat(suspension.count()).isEqualTo(1);
    assertThat(suspension.reason()).contains("72 hours");
    assertThat(suspension.since()).isEqualTo("2026-03-04T10:00:00Z");
    assertThat(eventReasons("identity")).contains("Suspended");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> mailbox.received().stream().anyMatch(m -> m.body().contains("72 hours")));

    editSpec("identity", v -> v.getSpec().getIdentityCheck().setVerified(true));
    awaitPhase("identity", VpsPhase.Running);
    assertThat(runStrategy("identity")).isEqualTo(VirtualMachineSpec.RUN_ALWAYS);
    assertThat(vps("identity").getStatus().getSuspension().active()).isFalse();
    assertThat(vps("identity").getStatus().getSuspension().count()).isEqualTo(1);
    assertThat(eventReasons("identity")).contains("Resumed");
  }

  @Test
  void doNotResumeKeepsTheVpsSuspendedAfterTheSuspensionIsLifted() {
    create(VpsFixtures.vps(namespace, "breach"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("breach") != null);

    editSpec(
        "breach",
        v -> {
          var suspension = new SuspensionSpec("Compromised: spam relay");
          suspension.setAuthorityReference("CERT-FR 2026-113");
          suspension.setDoNotResume(true);
          v.getSpec().setSuspension(suspension);
        });
    awaitPhase("breach", VpsPhase.Suspended);
    assertThat(vps("breach").getStatus().getSuspension().authorityReference())
        .isEqualTo("CERT-FR 2026-113");

    editSpec("breach", v -> v.getSpec().setSuspension(null));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    var status = vps("breach").getStatus();
    assertThat(status.getPhase()).isEqualTo(VpsPhase.Suspended);
    assertThat(status.getSuspension().doNotResume()).isTrue();
    assertThat(conditionReason(vps("breach"), "Suspended")).isEqualTo("DoNotResume");
    assertThat(runStrategy("breach")).isEqualTo(VirtualMachineSpec.RUN_HALTED);
  }

  @Test
  void securityIsolationCutsOffTheInternetButKeepsProviderAccess() {
    create(VpsFixtures.vps(namespace, "hacked"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("hacked") != null);

    editSpec(
        "hacked",
        v -> v.getSpec().setIsolation(new IsolationSpec("Outdated Odoo module exploited")));
    awaitPhase("hacked", VpsPhase.Isolated);
    var policy =
        client
            .resources(NetworkPolicy.class)
            .inNamespace(namespace)
            .withName("hacked-isolation")
            .get();
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsEntry(VpsLabels.VPS, "hacked");
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    // no provider network configured (the default): the operator's guest-command pods of this VPS
    // on SSH, and nothing out (an ingress or egress rule without peers would allow everyone)
    var commands = policy.getSpec().getIngress().get(0);
    assertThat(policy.getSpec().getIngress()).hasSize(1);
    assertThat(commands.getFrom())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getPodSelector().getMatchLabels())
                    .isEqualTo(VpsLabels.guestCommandPods("hacked")));
    assertThat(commands.getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(22));
    assertThat(policy.getSpec().getEgress()).isEmpty();
    assertThat(runStrategy("hacked"))
        .as("isolation keeps the VM running")
        .isEqualTo(VirtualMachineSpec.RUN_ALWAYS);

    editSpec("hacked", v -> v.getSpec().setIsolation(null));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                        .resources(NetworkPolicy.class)
                        .inNamespace(namespace)
                        .withName("hacked-isolation")
                        .get()
                    == null);
    awaitPhase("hacked", VpsPhase.Provisioning);
  }
}
