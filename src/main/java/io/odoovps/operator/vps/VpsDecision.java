package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.BillingStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.ContractEndStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.GuestStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.contract.Availability;
import io.odoovps.operator.contract.BillingCycle;
import io.odoovps.operator.contract.FixedTermEnd;
import io.odoovps.operator.contract.IdentityCheckDeadline;
import io.odoovps.operator.contract.MaintenanceWindow;
import io.odoovps.operator.contract.PlanChangeTracker;
import io.odoovps.operator.contract.SupportMinutes;
import io.odoovps.operator.contract.SuspensionPolicy;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.ipv4.IPv4Allocator;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.notification.NoticeOutbox;
import io.odoovps.operator.traffic.FilterRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The decide step of {@link OdooVpsReconciler}: pure (no Kubernetes client), from the {@link
 * VpsFacts} of a pass. First the {@link Plan}, what the contract requires before anything is
 * applied (suspension, confinement, network rules); then, from the plan and what the acts reported,
 * the {@link Pass} (observation, measured sections, next deadline); last the {@link Verdict}: the
 * status and the Events to record.
 */
final class VpsDecision {

  private final OperatorConfig.Deadlines deadlines;
  private final OperatorConfig.SuspensionMode mode;
  private final Duration backupStaleAfter;
  private final FilterPolicy filter;
  private final Set<String> abuseAlerts;
  private final OdooVpsStatusBuilder statusBuilder;
  private final Clock clock;

  VpsDecision(OperatorConfig config, OdooVpsStatusBuilder statusBuilder, Clock clock) {
    this.deadlines = config.deadlines();
    this.mode = config.suspension().mode();
    this.backupStaleAfter = config.backup().staleAfter();
    this.filter = FilterPolicy.of(config);
    var abuse = new HashSet<String>(config.traffic().smtp().spamAlerts());
    abuse.addAll(config.traffic().mitigation().attackAlerts());
    this.abuseAlerts = Set.copyOf(abuse);
    this.statusBuilder = statusBuilder;
    this.clock = clock;
  }

  /**
   * What the contract requires of a VPS before anything is applied.
   *
   * @param mitigationAlert the abuse alert that calls for a MitigationState the VPS lacks
   */
  record Plan(
      ContractEndStatus contractEnd,
      Optional<Instant> identityDue,
      SuspensionStatus suspension,
      boolean suspended,
      Confinement confinement,
      BillingCycle.Period period,
      FilterRules filter,
      Map<String, String> serviceAnnotations,
      Optional<String> mitigationAlert) {}

  /** What the acts of a pass reported, which the status shows. */
  record Acts(
      IPv4Allocator.Result.Allocated allocated,
      TrafficStatus traffic,
      VpsActions.AccessCodes accessCodes,
      MaintenanceStatus maintenance,
      GuestStatus guest,
      boolean awaitingGuestDisk) {

    String accessCodesSentAt() {
      return accessCodes.sentAt();
    }

    String accessCodesProblem() {
      return accessCodes.problem();
    }
  }

  /** A pass's observation and measured sections, and its next contract deadline (or null). */
  record Pass(VpsObservation observation, Duration wake, VpsSections sections, boolean down) {}

  /** The status of a pass, and the Events its transitions record. */
  record Verdict(OdooVpsStatus status, PendingEvents events) {}

  Plan plan(VpsFacts facts, NoticeOutbox outbox) {
    var vps = facts.vps();
    var now = facts.now();
    var previous = facts.previous();
    var contractEnd =
        FixedTermEnd.next(
            vps.getSpec().getBilling(), previous.getContractEnd(), now, deadlines.fixedTermGrace());
    // the 72 hours count from when the customer was emailed (the notice is retried until it is)
    var identityDue =
        IdentityCheckDeadline.pending(
            vps.getSpec().getIdentityCheck(),
            NoticeDelivery.identityNoticeSentAt(vps, outbox).orElse(null));
    var suspension =
        SuspensionPolicy.decide(
            vps.getSpec(), previous.getSuspension(), now, identityDue, contractEnd != null);
    boolean suspended = suspension != null && Boolean.TRUE.equals(suspension.active());
    var confinement =
        Confinement.of(
            suspended,
            mode,
            facts.restoring(),
            facts.disk().pending(),
            vps.getSpec().getIsolation() != null);
    var mitigation = NetworkMitigation.of(facts.mitigation(), now);
    return new Plan(
        contractEnd,
        identityDue,
        suspension,
        suspended,
        confinement,
        BillingCycle.current(vps.getSpec().getBilling(), now),
        filter.rules(vps, mitigation),
        filter.serviceAnnotations(mitigation),
        NetworkMitigation.alertWithoutState(
            facts.mitigation().isPresent(), facts.tickets(), abuseAlerts));
  }

  /** KubeVirt needs a restart to run the VM's new spec, and the VM is meant to run. */
  static boolean restartDue(VpsFacts facts, Plan plan) {
    return facts
            .vm()
            .map(v -> v.getStatus() != null && v.getStatus().restartRequired())
            .orElse(false)
        && !plan.confinement().halted();
  }

  /** The access codes go out once, when the VM is first ready. */
  static boolean accessCodesDue(VpsFacts facts) {
    return facts.previous().getAccessCodesSentAt() == null && facts.vmReady();
  }

  MaintenanceWindow.Step maintenance(VpsFacts facts) {
    return MaintenanceWindow.next(
        facts.vps().getSpec().getMaintenance(),
        facts.previous().getMaintenance(),
        facts.now(),
        deadlines.maintenanceNotice());
  }

  /** The observation of a pass that ran the workflow, its sections and its next deadline. */
  Pass measured(VpsFacts facts, Plan plan, Acts acts) {
    var vps = facts.vps();
    var now = facts.now();
    var previous = facts.previous();
    var period = plan.period();
    var planChange =
        PlanChangeTracker.next(
            previous.getPlanChange(),
            vps.getSpec().getPlan(),
            facts.vm().map(v -> VpsGuest.runsPlan(v, vps, facts.disk())).orElse(false)
                && DiskGrowth.guestSees(
                    facts.disk(), acts.guest() == null ? null : acts.guest().disk()),
            now,
            deadlines.planChangeWarning());
    var observation = observation(facts, plan, acts, planChange);
    var wake = wake(now, plan, acts, planChange);
    var downtime =
        Downtime.of(
            acts.accessCodesSentAt(),
            plan.suspended(),
            plan.confinement().isolated(),
            facts.restoring(),
            acts.maintenance(),
            facts.vmReady(),
            now,
            deadlines.maintenanceGrace());
    var sections =
        new VpsSections(
            true,
            facts.restoring() && !plan.suspended(),
            SupportMinutes.of(facts.tickets(), period.start(), period.end()),
            Availability.next(previous.getAvailability(), downtime.down(), now),
            acts.maintenance(),
            acts.guest(),
            acts.traffic(),
            plan.contractEnd(),
            BackupCoverage.of(
                vps,
                facts.policies(),
                facts.backupRecords(),
                previous.getBackup(),
                now,
                backupStaleAfter));
    return new Pass(observation, wake, sections, downtime.down());
  }

  private static VpsObservation observation(
      VpsFacts facts, Plan plan, Acts acts, PlanChangeTracker.Outcome planChange) {
    var period = plan.period();
    return new VpsObservation(
        facts.vps(),
        List.of(),
        acts.allocated().address(),
        null,
        facts.vm(),
        plan.suspension(),
        plan.confinement().isolated(),
        planChange,
        new BillingStatus(
            Timestamps.format(period.start()), Timestamps.format(period.end()), period.renewals()),
        plan.identityDue().map(Timestamps::format).orElse(null),
        acts.accessCodesSentAt(),
        acts.accessCodesProblem(),
        null,
        acts.allocated().caution());
  }

  /** The next contract deadline of a run: plan change, identity, term, cycle, mail retries. */
  private static Duration wake(
      Instant now, Plan plan, Acts acts, PlanChangeTracker.Outcome planChange) {
    return WakeUp.untilEarliest(
            now,
            Optional.ofNullable(planChange.nextCheck()),
            plan.identityDue(),
            Optional.ofNullable(plan.contractEnd()).map(e -> Timestamps.parse(e.deleteAt())),
            Optional.of(plan.period().end()),
            Optional.ofNullable(acts.accessCodesProblem())
                .map(p -> now.plus(Duration.ofMinutes(5))),
            MaintenanceReboot.wake(acts.maintenance(), now),
            Optional.of(now.plus(DiskGrowth.RECHECK)).filter(t -> acts.awaitingGuestDisk()))
        .orElse(null);
  }

  /** A pass on the termination path: it comes back until the data is verified gone. */
  static Pass terminating(VpsObservation observation) {
    var wait = observation.termination().completedAt() == null ? Duration.ofSeconds(5) : null;
    return new Pass(observation, wait, VpsSections.KEPT, false);
  }

  /** A pass on an invalid spec: the last valid state keeps running, nothing is applied. */
  static Pass invalid(OdooVps vps, List<String> errors, Optional<VirtualMachine> vm) {
    return new Pass(VpsObservation.invalid(vps, errors, vm), null, VpsSections.KEPT, false);
  }

  /** A pass that found no address for the VPS: nothing was created, it is retried. */
  static Pass unallocated(OdooVps vps, IPv4Allocator.Result allocation) {
    String problem;
    if (allocation instanceof IPv4Allocator.Result.Exhausted e) {
      problem =
          "The IPv4 pool of "
              + e.location()
              + " is exhausted ("
              + e.size()
              + " addresses, all held); nothing was created";
    } else if (allocation instanceof IPv4Allocator.Result.NoPool p) {
      problem = "Location " + p.location() + ": " + p.why();
    } else {
      problem = "IPv4 allocation failed";
    }
    var observation =
        new VpsObservation(
            vps,
            List.of(),
            null,
            problem,
            Optional.empty(),
            null,
            false,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    return new Pass(observation, Duration.ofMinutes(1), VpsSections.KEPT, false);
  }

  /**
   * The status of a pass, before its notices are delivered; the transitions it makes queue their
   * notices in {@code outbox} and their Events in the verdict.
   */
  Verdict status(Pass pass, NoticeOutbox outbox, Instant now) {
    var vps = pass.observation().vps();
    var sections = pass.sections();
    var status = statusBuilder.build(pass.observation());
    if (sections.restoring()) {
      status.setPhase(VpsPhase.Restoring);
    }
    // paths that do not measure them (invalid spec, no address, termination) keep the last values
    var before = vps.getStatus();
    status.setSupport(kept(sections.support(), before, OdooVpsStatus::getSupport));
    status.setAvailability(kept(sections.availability(), before, OdooVpsStatus::getAvailability));
    status.setMaintenance(kept(sections.maintenance(), before, OdooVpsStatus::getMaintenance));
    status.setGuest(kept(sections.guest(), before, OdooVpsStatus::getGuest));
    status.setTraffic(kept(sections.traffic(), before, OdooVpsStatus::getTraffic));
    ContractSections.apply(vps, status, sections, now);
    var events = new PendingEvents(clock);
    new VpsTransitions(events, outbox).record(vps, status);
    return new Verdict(status, events);
  }

  /** The notices section once the outbox was delivered, and its NoticesDelivered condition. */
  static void settle(OdooVps vps, OdooVpsStatus status, NoticeOutbox outbox, Instant now) {
    status.setNotices(outbox.build());
    ContractSections.notices(vps, status, now);
  }

  private static <T> T kept(T measured, OdooVpsStatus before, Function<OdooVpsStatus, T> last) {
    return measured != null || before == null ? measured : last.apply(before);
  }
}
