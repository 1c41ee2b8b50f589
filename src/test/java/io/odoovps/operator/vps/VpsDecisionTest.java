package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.IsolationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.ipv4.IPv4Allocator;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.kubevirt.VirtualMachineStatus;
import io.odoovps.operator.notification.NoticeOutbox;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.testing.MovableClock;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure decide step: plans, one-shot actions due, measured sections, status and Events. */
class VpsDecisionTest {

  private static final String NOW_TEXT = "2026-03-10T12:00:00Z";
  private static final Instant NOW = Instant.parse(NOW_TEXT);

  private final MovableClock clock = MovableClock.at(NOW_TEXT);

  private VpsDecision decision(String mode) {
    var config = TestConfig.with(Map.of("odoovps.suspension.mode", mode));
    return new VpsDecision(config, new OdooVpsStatusBuilder(clock), clock);
  }

  private static OdooVps vps() {
    var vps = VpsFixtures.vps("shop", "alpha");
    vps.getMetadata().setUid("uid-alpha");
    vps.getMetadata().setGeneration(1L);
    vps.getMetadata().setCreationTimestamp("2026-01-15T09:00:00Z");
    return vps;
  }

  private static VpsFacts facts(
      OdooVps vps,
      Optional<VirtualMachine> vm,
      Optional<MitigationState> mitigation,
      List<SupportTicket> tickets,
      boolean restoring) {
    return new VpsFacts(
        vps,
        NOW,
        vm,
        mitigation,
        tickets,
        restoring,
        List.of(),
        List.of(),
        Optional.empty(),
        List.of(),
        DiskFill.BY_CDI,
        List.of());
  }

  private static VpsFacts facts(OdooVps vps, Optional<VirtualMachine> vm) {
    return facts(vps, vm, Optional.empty(), List.of(), false);
  }

  private static NoticeOutbox outbox() {
    return new NoticeOutbox(null, NOW, Duration.ofHours(24));
  }

  private static VirtualMachine vm(boolean ready, boolean restartRequired) {
    var vm = new VirtualMachine();
    vm.setMetadata(new ObjectMetaBuilder().withName("alpha").withNamespace("shop").build());
    var conditions =
        restartRequired
            ? List.of(
                new VirtualMachineStatus.VmCondition(
                    VirtualMachineStatus.RESTART_REQUIRED, "True", null, null))
            : List.<VirtualMachineStatus.VmCondition>of();
    vm.setStatus(new VirtualMachineStatus(true, ready, ready ? "Running" : "Stopped", conditions));
    return vm;
  }

  @ParameterizedTest(name = "mode={0} suspended={1} restoring={2} isolation={3}")
  @CsvSource({
    // mode, spec.suspension, restoring, spec.isolation, -> suspended, halted, isolated
    "halt,    false, false, false, false, false, false",
    "halt,    true,  false, false, true,  true,  false",
    "isolate, true,  false, false, true,  false, true",
    "halt,    false, true,  false, false, true,  false",
    "halt,    false, false, true,  false, false, true",
  })
  void thePlanHaltsOrIsolates(
      String mode,
      boolean suspend,
      boolean restoring,
      boolean isolate,
      boolean suspended,
      boolean halted,
      boolean isolated) {
    var vps = vps();
    if (suspend) {
      vps.getSpec().setSuspension(new SuspensionSpec("unpaid invoice"));
    }
    if (isolate) {
      vps.getSpec().setIsolation(new IsolationSpec("malware"));
    }
    var plan =
        decision(mode)
            .plan(facts(vps, Optional.empty(), Optional.empty(), List.of(), restoring), outbox());
    assertThat(plan.suspended()).isEqualTo(suspended);
    assertThat(plan.confinement()).isEqualTo(new Confinement(halted, isolated));
  }

  @Test
  void thePlanBlocksSmtpAndAsksForAMitigationStateOnlyWhenNoneExists() {
    var vps = vps();
    var ticket = new SupportTicket();
    ticket.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("shop").build());
    var spec = new SupportTicketSpec();
    spec.setVps("alpha");
    spec.setAlert(
        new SupportTicketSpec.Alert(
            "OdooVpsSpamSuspected", "f", "network", "critical", null, null));
    ticket.setSpec(spec);
    ticket.setStatus(
        new io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus(
            1L,
            io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase.Open,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    var none =
        decision("halt")
            .plan(facts(vps, Optional.empty(), Optional.empty(), List.of(ticket), false), outbox());
    assertThat(none.mitigationAlert()).contains("OdooVpsSpamSuspected");
    assertThat(none.filter().smtpBlocked()).isFalse();

    var state = new MitigationState();
    state.setStatus(
        new MitigationStateStatus(
            null,
            new MitigationStateStatus.SmtpStatus(
                true, 1, null, "2026-03-11T00:00:00Z", null, null, null, null, null, null),
            List.of(),
            1L));
    var blocked =
        decision("halt")
            .plan(
                facts(vps, Optional.empty(), Optional.of(state), List.of(ticket), false), outbox());
    assertThat(blocked.mitigationAlert()).isEmpty();
    assertThat(blocked.filter().smtpBlocked()).isTrue();
    assertThat(blocked.serviceAnnotations()).isEmpty();
  }

  @ParameterizedTest(name = "vm={0} restartRequired={1} suspended={2}")
  @CsvSource({
    // vm present, restart required, suspended (halt), -> restart due
    "false, false, false, false",
    "true,  false, false, false",
    "true,  true,  false, true",
    "true,  true,  true,  false",
  })
  void aRestartIsDueWhenKubeVirtNeedsOneAndTheVmMayRun(
      boolean present, boolean restartRequired, boolean suspended, boolean due) {
    var vps = vps();
    if (suspended) {
      vps.getSpec().setSuspension(new SuspensionSpec("unpaid invoice"));
    }
    var facts = facts(vps, present ? Optional.of(vm(true, restartRequired)) : Optional.empty());
    var plan = decision("halt").plan(facts, outbox());
    assertThat(VpsDecision.restartDue(facts, plan)).isEqualTo(due);
  }

  @ParameterizedTest(name = "sent before={0} ready={1}")
  @CsvSource({
    // sent before, vm ready, -> due
    "false, false, false",
    "false, true,  true",
    "true,  true,  false",
  })
  void theAccessCodesGoOutOnceWhenTheVmIsFirstReady(boolean sent, boolean ready, boolean due) {
    var vps = vps();
    if (sent) {
      var status = new OdooVpsStatus();
      status.setAccessCodesSentAt("2026-03-01T00:00:00Z");
      vps.setStatus(status);
    }
    assertThat(VpsDecision.accessCodesDue(facts(vps, Optional.of(vm(ready, false)))))
        .isEqualTo(due);
  }

  @Test
  void withoutAnAddressThePoolSaysWhyAndThePassComesBackInAMinute() {
    var exhausted =
        VpsDecision.unallocated(vps(), new IPv4Allocator.Result.Exhausted("paris-1", 254));
    assertThat(exhausted.observation().ipv4Problem())
        .isEqualTo(
            "The IPv4 pool of paris-1 is exhausted (254 addresses, all held); nothing was created");
    assertThat(exhausted.wake()).isEqualTo(Duration.ofMinutes(1));
    assertThat(exhausted.sections()).isEqualTo(VpsSections.KEPT);
    var noPool =
        VpsDecision.unallocated(vps(), new IPv4Allocator.Result.NoPool("mars-1", "no pool"));
    assertThat(noPool.observation().ipv4Problem()).isEqualTo("Location mars-1: no pool");
  }

  @Test
  void aRunMeasuresSupportDowntimeAndTheNextDeadline() {
    var vps = vps();
    var status = new OdooVpsStatus();
    status.setAccessCodesSentAt("2026-03-01T00:00:00Z");
    vps.setStatus(status);
    // no VM yet: not ready
    var facts = facts(vps, Optional.empty());
    var decision = decision("halt");
    var plan = decision.plan(facts, outbox());
    var acts =
        new VpsDecision.Acts(
            new IPv4Allocator.Result.Allocated("192.0.2.7", null),
            null,
            new VpsActions.AccessCodes("2026-03-01T00:00:00Z", null),
            null,
            null,
            false);
    var pass = decision.measured(facts, plan, acts);
    assertThat(pass.down()).isTrue();
    assertThat(pass.sections().measured()).isTrue();
    assertThat(pass.sections().support()).isNotNull();
    assertThat(pass.sections().availability()).isNotNull();
    // the billing cycle ends 2026-03-15T09:00:00Z: the next contract deadline
    assertThat(pass.wake())
        .isEqualTo(Duration.between(NOW, Instant.parse("2026-03-15T09:00:00Z")).plusSeconds(1));
    assertThat(pass.observation().ipv4()).isEqualTo("192.0.2.7");
    // a grown disk the guest has not reported yet: the guest is asked again within 30 s
    var awaiting =
        new VpsDecision.Acts(acts.allocated(), null, acts.accessCodes(), null, null, true);
    assertThat(decision.measured(facts, plan, awaiting).wake())
        .isPositive()
        .isLessThanOrEqualTo(DiskGrowth.RECHECK.plusSeconds(1));
  }

  @Test
  void theFirstPassOfANewVpsRecordsOneEvent() {
    var vps = vps();
    var facts = facts(vps, Optional.empty());
    var decision = decision("halt");
    var plan = decision.plan(facts, outbox());
    var acts = allocated("192.0.2.7");
    var verdict = decision.status(decision.measured(facts, plan, acts), outbox(), NOW);
    assertThat(verdict.status().getPhase()).isEqualTo(VpsPhase.Provisioning);
    assertThat(verdict.events().reasons()).containsExactly("Provisioning");
  }

  @Test
  void theStatusOfARunWhileRestoredShowsRestoringAndHoldsItsEvents() {
    var vps = vps();
    var facts = facts(vps, Optional.empty(), Optional.empty(), List.of(), true);
    var decision = decision("halt");
    var plan = decision.plan(facts, outbox());
    var acts = allocated("192.0.2.7");
    var outbox = outbox();
    var verdict = decision.status(decision.measured(facts, plan, acts), outbox, NOW);
    assertThat(verdict.status().getPhase()).isEqualTo(VpsPhase.Restoring);
    assertThat(verdict.events().reasons()).contains("Restoring");
    VpsDecision.settle(vps, verdict.status(), outbox, NOW);
    assertThat(ConditionList.find(verdict.status().getConditions(), OdooVpsConditions.READY))
        .isPresent();
  }

  /** What a first pass did: the address allocated, nothing else acted on. */
  private static VpsDecision.Acts allocated(String address) {
    return new VpsDecision.Acts(
        new IPv4Allocator.Result.Allocated(address, null),
        null,
        new VpsActions.AccessCodes(null, null),
        null,
        null,
        false);
  }
}
