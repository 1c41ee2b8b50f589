package io.odoovps.operator.vps;

import static io.odoovps.operator.vps.OdooVpsConditions.*;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.status.ReconcileErrors;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Optional;

/**
 * The one place that computes an OdooVps status from an observation. Equal inputs give an equal
 * status (transition times are kept), which is what makes a quiet resync write nothing.
 */
public class OdooVpsStatusBuilder {

  private final Clock clock;

  public OdooVpsStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  public OdooVpsStatus build(VpsObservation o) {
    var vps = o.vps();
    var previous = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    var generation = vps.getMetadata().getGeneration();
    var c = new ConditionList(previous.getConditions(), generation, clock.instant());
    var vm = o.vm();
    boolean vmReady =
        vm.map(VirtualMachine::getStatus).map(s -> Boolean.TRUE.equals(s.ready())).orElse(false);
    boolean suspended = o.suspension() != null && Boolean.TRUE.equals(o.suspension().active());
    boolean terminated = o.termination() != null;

    if (terminated) {
      termination(c, o);
    } else {
      readiness(c, vm, vmReady, suspended);
      specValid(c, o);
      ipv4(c, o);
      accessCodes(c, o);
      planChange(c, o);
      identityCheck(c, o, suspended);
      suspension(c, o, suspended);
      isolation(c, o);
      progress(c, o, vm, vmReady, suspended);
    }

    var status = new OdooVpsStatus();
    status.setObservedGeneration(generation);
    status.setIpv4(terminated ? null : o.ipv4());
    status.setVirtualMachine(vm.map(v -> v.getMetadata().getName()).orElse(null));
    status.setAccessCodesSentAt(o.accessCodesSentAt());
    status.setIdentityDeadline(o.identityDeadline());
    status.setBilling(o.billing());
    status.setPlanChange(
        o.planChange() == null ? previous.getPlanChange() : o.planChange().status());
    status.setSuspension(o.suspension());
    status.setTermination(o.termination());
    status.setPhase(phase(o, vmReady, suspended));
    status.setConditions(new ArrayList<>(c.build()));
    return status;
  }

  /**
   * kstatus: Stalled while the spec cannot be realised without a person (an invalid spec, an
   * exhausted pool), Reconciling while the VM is on its way to ready; neither for a suspended VPS,
   * whose VM is stopped on purpose.
   */
  private static void progress(
      ConditionList c,
      VpsObservation o,
      Optional<VirtualMachine> vm,
      boolean vmReady,
      boolean suspended) {
    if (!o.validationErrors().isEmpty()) {
      c.stalled(REASON_INVALID, String.join("; ", o.validationErrors()));
    } else if (o.ipv4Problem() != null) {
      c.stalled("PoolExhausted", o.ipv4Problem());
    } else if (!vmReady && !suspended) {
      c.reconciling(
          vm.isEmpty() ? REASON_VM_MISSING : REASON_VM_NOT_READY,
          vm.isEmpty()
              ? "Creating the VirtualMachine."
              : "Waiting for the VirtualMachine to be ready (KubeVirt status: "
                  + Optional.ofNullable(vm.get().getStatus())
                      .map(s -> s.printableStatus())
                      .orElse("not reported yet")
                  + ").");
    }
  }

  /** Ready and Terminated once the contract ended: the only conditions then. */
  private static void termination(ConditionList c, VpsObservation o) {
    boolean done = o.termination().completedAt() != null;
    c.set(
        READY,
        false,
        done ? "Terminated" : "Terminating",
        "The contract ended: the VPS no longer runs.");
    c.set(
        TERMINATED,
        done,
        done ? "DataDeleted" : "Deleting",
        done
            ? "The VM, its disk, its IPv4 and its Secrets were deleted and verified gone."
            : "Deleting the VM, its disk, its IPv4 and its Secrets.");
    if (!done) {
      c.reconciling("Deleting", "Deleting the VM, its disk, its IPv4 and its Secrets.");
    }
  }

  private static void specValid(ConditionList c, VpsObservation o) {
    boolean valid = o.validationErrors().isEmpty();
    c.set(
        SPEC_VALID,
        valid,
        valid ? REASON_VALID : REASON_INVALID,
        valid
            ? "The spec passes every rule."
            : String.join("; ", o.validationErrors())
                + (o.vm().isPresent() ? ". The last valid configuration keeps running." : "."));
  }

  /** IPv4Allocated: the pool's problem, the address kept outside its pool, or the address. */
  private static void ipv4(ConditionList c, VpsObservation o) {
    if (o.ipv4Problem() != null) {
      c.set(IPV4_ALLOCATED, false, "PoolExhausted", o.ipv4Problem());
    } else if (o.ipv4() != null && o.ipv4Caution() != null) {
      c.set(
          IPV4_ALLOCATED,
          true,
          REASON_KEPT_OUTSIDE_POOL,
          "The VPS holds "
              + o.ipv4()
              + " for its whole life (contract article 3), although its pool no longer hands it"
              + " out: "
              + o.ipv4Caution()
              + ". New allocations skip it.");
    } else if (o.ipv4() != null) {
      c.set(
          IPV4_ALLOCATED, true, "Allocated", "The VPS holds " + o.ipv4() + " for its whole life.");
    }
  }

  /** IdentityVerified, only when the spec asks for an identity check. */
  private static void identityCheck(ConditionList c, VpsObservation o, boolean suspended) {
    var check = o.vps().getSpec().getIdentityCheck();
    if (check == null) {
      return;
    }
    boolean verified = Boolean.TRUE.equals(check.getVerified());
    c.set(
        IDENTITY_VERIFIED,
        verified,
        verified ? "Verified" : (suspended && o.identityDeadline() != null ? "Overdue" : "Pending"),
        verified
            ? "The customer's identity was verified."
            : "Proof of identity requested; the VPS is suspended at "
                + o.identityDeadline()
                + " unless verified.");
  }

  /** Suspended, once a suspension was ever recorded. */
  private static void suspension(ConditionList c, VpsObservation o, boolean suspended) {
    if (o.suspension() == null) {
      return;
    }
    c.set(
        SUSPENDED,
        suspended,
        suspended
            ? (Boolean.TRUE.equals(o.suspension().doNotResume()) ? "DoNotResume" : "Suspended")
            : "Resumed",
        suspended ? o.suspension().reason() : "The VPS was resumed.");
  }

  private static void isolation(ConditionList c, VpsObservation o) {
    c.set(
        ISOLATED,
        o.isolated(),
        o.isolated() ? "Isolated" : "Connected",
        o.isolated()
            ? "Cut off from the Internet; provider access kept."
            : "The VPS is connected to the Internet.");
  }

  /**
   * The status after a failed pass ({@code updateErrorStatus}): Ready False with reason {@link
   * OdooVpsConditions#REASON_RECONCILE_ERROR} and the failure, everything else as it was; empty
   * when Ready already tells this failure (a retry writes nothing).
   */
  public Optional<OdooVpsStatus> error(OdooVps vps, String message) {
    var previous = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    return ReconcileErrors.conditions(
            previous.getConditions(),
            READY,
            vps.getMetadata().getGeneration(),
            clock.instant(),
            message)
        .map(
            conditions -> {
              // a copy: the status in hand belongs to the informer's cache
              var next = StatusPatches.copyOf(previous);
              next.setConditions(new java.util.ArrayList<>(conditions));
              return next;
            });
  }

  /** The message of a failed pass: its root cause's. */
  public static String failure(Throwable e) {
    return ReconcileErrors.message(e);
  }

  private static VpsPhase phase(VpsObservation o, boolean vmReady, boolean suspended) {
    if (o.termination() != null) {
      return o.termination().completedAt() != null ? VpsPhase.Terminated : VpsPhase.Terminating;
    }
    if (o.vm().isEmpty() && !o.validationErrors().isEmpty()) {
      return VpsPhase.Invalid;
    }
    if (o.ipv4Problem() != null) {
      return VpsPhase.Pending;
    }
    if (suspended) {
      return VpsPhase.Suspended;
    }
    if (o.isolated()) {
      return VpsPhase.Isolated;
    }
    return vmReady ? VpsPhase.Running : VpsPhase.Provisioning;
  }

  private static void readiness(
      ConditionList c, Optional<VirtualMachine> vm, boolean vmReady, boolean suspended) {
    if (vm.isEmpty()) {
      c.set(READY, false, REASON_VM_MISSING, "The VirtualMachine has not been created yet.");
    } else if (vmReady) {
      c.set(READY, true, REASON_VM_READY, "The VirtualMachine is running and ready.");
    } else {
      var printable =
          Optional.ofNullable(vm.get().getStatus())
              .map(s -> s.printableStatus())
              .orElse("not reported yet");
      c.set(
          READY,
          false,
          suspended ? "Suspended" : REASON_VM_NOT_READY,
          "The VirtualMachine is not ready (KubeVirt status: " + printable + ").");
    }
  }

  private static void accessCodes(ConditionList c, VpsObservation o) {
    if (o.accessCodesSentAt() != null) {
      c.set(
          ACCESS_CODES_SENT,
          true,
          "Sent",
          "Access codes emailed to the customer at " + o.accessCodesSentAt() + ".");
    } else if (o.accessCodesProblem() != null) {
      c.set(ACCESS_CODES_SENT, false, "MailFailed", o.accessCodesProblem());
    } else {
      c.set(
          ACCESS_CODES_SENT,
          false,
          "WaitingForReady",
          "Access codes are emailed when the VPS is first ready.");
    }
  }

  private static void planChange(ConditionList c, VpsObservation o) {
    if (o.planChange() == null) {
      return;
    }
    var s = o.planChange().status();
    switch (o.planChange().state()) {
      case APPLIED ->
          c.set(
              PLAN_APPLIED,
              true,
              Boolean.FALSE.equals(s.deadlineMet()) ? "AppliedLate" : "Applied",
              "The VM runs "
                  + s.appliedPlan()
                  + (s.deadline() == null ? "." : " (deadline " + s.deadline() + ")."));
      case PENDING ->
          c.set(
              PLAN_APPLIED, false, "Pending", "Applying the plan change" + deadline(s.deadline()));
      case DEADLINE_APPROACHING ->
          c.set(
              PLAN_APPLIED,
              false,
              "DeadlineApproaching",
              "The plan change is not applied yet" + deadline(s.deadline()));
      case DEADLINE_MISSED ->
          c.set(
              PLAN_APPLIED,
              false,
              "DeadlineMissed",
              "The plan change missed its 48-hour deadline" + deadline(s.deadline()));
    }
  }

  private static String deadline(String deadline) {
    return deadline == null ? "." : " (deadline " + deadline + ").";
  }
}
