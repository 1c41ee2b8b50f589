package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.GuestStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.config.OperatorNamespace;
import io.odoovps.operator.contract.MaintenanceWindow;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.ipv4.IPv4Allocator;
import io.odoovps.operator.monitoring.AlertRuleDesign;
import io.odoovps.operator.monitoring.MonitoringConfig;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.notification.CustomerNotices;
import io.odoovps.operator.notification.Notice;
import io.odoovps.operator.record.ContractRecords;
import io.odoovps.operator.record.VpsRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The act step of {@link OdooVpsReconciler}: what a pass writes besides the status. The owned
 * objects through the workflow (from the {@link VpsDecision.Plan}), the live bandwidth on the VM's
 * pods, the MitigationState an abuse alert calls for, the guest's restart, access codes and
 * maintenance reboot, and the contract record that mirrors the status.
 */
final class VpsActions {

  /** What sending the access codes gave: when they went out, or why they could not. */
  record AccessCodes(String sentAt, String problem) {}

  private final OperatorConfig config;
  private final Clock clock;
  private final CustomerNotices notices;
  private final VpsGuest guest;
  private final VirtualMachineDesign vmDesign;
  private final DiskClaimDesign diskDesign;
  private final GuestDesign guestDesign;
  private final NetworkDesign networkDesign;
  private final AlertRuleDesign alertRuleDesign;
  private final Map<String, String> liveAnnotations;
  private final VpsGuestCommands guestCommands;
  private final VpsDiskGrowth diskGrowth;

  VpsActions(
      OperatorConfig config, MonitoringConfig monitoring, Clock clock, CustomerNotices notices) {
    this.config = config;
    this.clock = clock;
    this.notices = notices;
    this.guest = new VpsGuest(notices);
    this.vmDesign = new VirtualMachineDesign(config);
    this.guestDesign = new GuestDesign(config);
    this.diskDesign = new DiskClaimDesign(config);
    this.networkDesign = new NetworkDesign(config);
    this.alertRuleDesign = new AlertRuleDesign(monitoring);
    this.liveAnnotations = new TreeMap<>(config.traffic().liveAnnotations());
    this.guestCommands = new VpsGuestCommands(config);
    this.diskGrowth = new VpsDiskGrowth(diskDesign, guest);
  }

  boolean livePods() {
    return !liveAnnotations.isEmpty();
  }

  ContractRecords records(KubernetesClient client) {
    return new ContractRecords(OperatorNamespace.of(config, client));
  }

  /**
   * The VPS as this pass starts from it: when its status lost the contract state (new, recreated,
   * or wiped), a copy whose status is seeded from the contract record, if there is one.
   */
  OdooVps seeded(OdooVps vps, KubernetesClient client) {
    if (!VpsRecord.lost(vps.getStatus())) {
      return vps;
    }
    var kept =
        records(client)
            .read(
                client,
                vps.getMetadata().getNamespace(),
                vps.getMetadata().getName(),
                ContractRecords.VPS_KEY,
                VpsRecord.class);
    if (kept.isEmpty()) {
      return vps;
    }
    new EventRecorder(client, clock)
        .normal(
            vps,
            "ContractStateRestored",
            "The status held no contract state: suspensions, traffic and downtime restored from"
                + " the contract record");
    return StatusPatches.withSeed(vps, kept.get().seed());
  }

  /** The contract record follows the status it mirrors: written when that part changed. */
  void keepRecord(OdooVps vps, UpdateControl<OdooVps> control, KubernetesClient client) {
    if (!control.isPatchStatus()) {
      return;
    }
    var next = VpsRecord.of(control.getResource().orElseThrow().getStatus());
    if (next != null && !next.sameAs(VpsRecord.of(vps.getStatus()))) {
      records(client)
          .write(
              client,
              vps.getMetadata().getNamespace(),
              vps.getMetadata().getName(),
              ContractRecords.VPS_KEY,
              next);
    }
  }

  /**
   * Hands the plan to the dependents, reconciles the owned objects, then marks a disk claim whose
   * fill Job succeeded.
   */
  void enforce(
      Context<OdooVps> context,
      String ipv4,
      VpsDecision.Plan plan,
      int bandwidthMbps,
      VpsFacts facts,
      EventRecorder events) {
    var disk = facts.disk();
    new Enforcement(
            ipv4,
            plan.confinement().halted(),
            plan.confinement().isolated(),
            vmDesign,
            guestDesign,
            networkDesign,
            alertRuleDesign,
            plan.filter(),
            bandwidthMbps,
            plan.serviceAnnotations(),
            diskDesign,
            disk)
        .putInto(context);
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    markDiskFilled(facts.vps(), disk, context.getClient(), events, facts.now());
  }

  /**
   * Live bandwidth: the configured annotations, which the CNI applies on the running pod, patched
   * onto the VM's virt-launcher pods when they differ (a merge patch of those keys only).
   */
  void liveBandwidth(KubernetesClient client, List<Pod> pods, int mbps) {
    if (liveAnnotations.isEmpty()) {
      return;
    }
    var desired = new TreeMap<String, String>();
    liveAnnotations.forEach((k, v) -> desired.put(k, v.replace("{mbps}", Integer.toString(mbps))));
    var patch = Serialization.asJson(Map.of("metadata", Map.of("annotations", desired)));
    for (var p : pods) {
      var current = p.getMetadata().getAnnotations();
      if (p.getMetadata().getDeletionTimestamp() != null
          || desired.entrySet().stream()
              .noneMatch(e -> current == null || !e.getValue().equals(current.get(e.getKey())))) {
        continue;
      }
      try {
        client
            .pods()
            .inNamespace(p.getMetadata().getNamespace())
            .withName(p.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
  }

  /**
   * A spam or attack alert fires on a VPS that has no MitigationState yet: create it (owned by the
   * VPS), for the mitigation reconciler to act on. It is never deleted but with the VPS.
   */
  void createMitigationState(
      OdooVps vps, KubernetesClient client, String alert, EventRecorder events) {
    var state = new MitigationState();
    state.setMetadata(
        new ObjectMetaBuilder()
            .withName(vps.getMetadata().getName())
            .withNamespace(vps.getMetadata().getNamespace())
            .withLabels(VpsLabels.of(vps))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(vps.getApiVersion())
                    .withKind(vps.getKind())
                    .withName(vps.getMetadata().getName())
                    .withUid(vps.getMetadata().getUid())
                    .build())
            .build());
    var spec = new MitigationStateSpec();
    spec.setVps(vps.getMetadata().getName());
    state.setSpec(spec);
    try {
      client.resource(state).create();
      events.warning(
          vps, "MitigationStateCreated", "Alert " + alert + " fires: MitigationState created");
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /**
   * The fill Job of the VPS's disk succeeded: mark the claim filled (a merge patch of that one
   * annotation), so that the VM boots from it and no Job ever fills it again.
   */
  private void markDiskFilled(
      OdooVps vps, DiskFill disk, KubernetesClient client, EventRecorder events, Instant now) {
    if (!disk.justFilled()) {
      return;
    }
    var claim = disk.claim().orElseThrow();
    DiskClaimDesign.annotate(
        client,
        claim,
        Map.of(
            DiskClaimDesign.FILLED,
            Timestamps.format(now),
            DiskClaimDesign.SIZE,
            String.valueOf(DiskClaimDesign.diskBytes(claim))));
    events.normal(
        vps,
        "DiskFilled",
        "The disk claim "
            + claim.getMetadata().getName()
            + " was filled from the provider image; the VM boots from it");
  }

  void restart(OdooVps vps, KubernetesClient client, EventRecorder events) {
    guest.restart(vps, client, events);
  }

  /** Emails the access codes when they are due ({@link VpsDecision#accessCodesDue}). */
  AccessCodes accessCodes(
      VpsFacts facts, Context<OdooVps> context, String ipv4, EventRecorder events) {
    if (!VpsDecision.accessCodesDue(facts)) {
      return new AccessCodes(facts.previous().getAccessCodesSentAt(), null);
    }
    var vps = facts.vps();
    var problem = guest.sendAccessCodes(vps, context, ipv4);
    if (problem.isPresent()) {
      return new AccessCodes(null, problem.get());
    }
    events.normal(
        vps,
        "AccessCodesSent",
        "Odoo access codes emailed to " + vps.getSpec().getCustomer().getEmail());
    return new AccessCodes(Timestamps.format(facts.now()), null);
  }

  /**
   * What a pass does to the guest, on the VM as the workflow left it: the restart KubeVirt needs,
   * the access codes, the guest command due ({@link GuestCommands}), the maintenance step.
   */
  VpsDecision.Acts onGuest(
      VpsFacts observed,
      VpsDecision.Plan plan,
      MaintenanceWindow.Step step,
      IPv4Allocator.Result.Allocated allocated,
      TrafficStatus traffic,
      Context<OdooVps> context,
      EventRecorder events) {
    var vps = observed.vps();
    var client = context.getClient();
    if (VpsDecision.restartDue(observed, plan)) {
      restart(vps, client, events);
    }
    var access = accessCodes(observed, context, allocated.address(), events);
    var commands =
        guestCommands.run(
            observed, step, plan.confinement().halted(), access.sentAt() != null, client, events);
    var maintenance =
        maintain(vps, step, plan.confinement().halted(), commands, client, events, observed.now());
    var disk = diskGrowth.run(observed, client, events);
    var guestStatus =
        disk == null
            ? commands.status()
            : (commands.status() == null
                    ? new GuestStatus(null, null, null, null, null)
                    : commands.status())
                .withDisk(disk);
    return new VpsDecision.Acts(
        allocated,
        traffic,
        access,
        maintenance,
        guestStatus,
        DiskGrowth.awaitingGuest(observed.disk(), vps.getSpec().getPlan().getDisk(), disk));
  }

  /**
   * Carries out the maintenance step due: the customer's notice first; the reboot once the notice
   * period has passed ({@link MaintenanceReboot} gates it) and the guest installed its security
   * updates (when its VM was ready to run them).
   */
  MaintenanceStatus maintain(
      OdooVps vps,
      MaintenanceWindow.Step step,
      boolean halted,
      GuestCommands.Outcome commands,
      KubernetesClient client,
      EventRecorder events,
      Instant now) {
    var request = vps.getSpec().getMaintenance();
    var status = step.status();
    switch (step.action()) {
      case SEND_NOTICE -> {
        var rebootAt =
            MaintenanceWindow.rebootTime(request, now, config.deadlines().maintenanceNotice());
        var problem =
            notices.send(
                vps,
                Notice.MAINTENANCE_SCHEDULED,
                Map.of(
                    "vpsName", vps.getMetadata().getName(),
                    "rebootTime", Timestamps.format(rebootAt)));
        if (problem.isPresent()) {
          if (MaintenanceReboot.newProblem(status, problem.get())) {
            events.warning(
                vps,
                "MaintenanceNoticeFailed",
                "spec.maintenance: the reboot waits for the customer's notice (contract article 3),"
                    + " which could not be sent: "
                    + problem.get()
                    + " (retried)");
          }
          return MaintenanceReboot.noticeFailed(status, problem.get());
        }
        events.normal(
            vps,
            "MaintenanceScheduled",
            "Customer emailed: reboot at "
                + Timestamps.format(rebootAt)
                + " ("
                + request.getReason()
                + ")");
        return MaintenanceReboot.noticeSent(status, now, rebootAt);
      }
      case REBOOT -> {
        if (commands.updatesPending()) {
          return status;
        }
        var rebooted = MaintenanceReboot.mayReboot(halted) && guest.reboot(vps, client);
        events.normal(
            vps,
            "MaintenanceDone",
            rebooted
                ? "VM rebooted for maintenance (" + request.getReason() + ")"
                : "Maintenance due; the VM was not running, nothing to reboot");
        return MaintenanceReboot.done(status, rebooted, now);
      }
      default -> {
        return status;
      }
    }
  }
}
