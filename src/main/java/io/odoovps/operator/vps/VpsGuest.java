package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.kubevirt.VirtualMachineInstance;
import io.odoovps.operator.notification.CustomerNotices;
import io.odoovps.operator.notification.Notice;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What the operator does about the guest: access codes, whether it runs the plan, restarts. */
class VpsGuest {

  private final CustomerNotices notices;

  VpsGuest(CustomerNotices notices) {
    this.notices = notices;
  }

  /** Emails the access codes; returns why it could not. */
  Optional<String> sendAccessCodes(OdooVps vps, Context<OdooVps> context, String ipv4) {
    var admin =
        context.getSecondaryResource(Secret.class, OdooVpsAdminSecretDependentResource.NAME);
    if (admin.isEmpty()) {
      return Optional.of("the Odoo admin Secret is not in the cache yet");
    }
    return notices.send(
        vps,
        Notice.ACCESS_CODES,
        Map.of(
            "odooUrl", "https://" + ipv4,
            "login", GuestDesign.decoded(admin.get(), GuestDesign.USERNAME_KEY),
            "password", GuestDesign.decoded(admin.get(), GuestDesign.PASSWORD_KEY)));
  }

  /**
   * Whether the VM's spec carries the plan (and KubeVirt needs no restart to run it), and its disk
   * has the plan's size: the DataVolume template's request, or, when the operator makes the disk,
   * the size its claim asked for (and got) when it was made and filled.
   */
  static boolean runsPlan(VirtualMachine vm, OdooVps vps, DiskFill disk) {
    var plan = vps.getSpec().getPlan();
    var domain = vm.getSpec().template().spec().domain();
    return Objects.equals(domain.cpu().sockets(), plan.getVcpu())
        && Objects.equals(domain.memory().guest(), plan.getMemory())
        && diskOfPlan(vm, plan.getDisk(), disk)
        && (vm.getStatus() == null || !vm.getStatus().restartRequired());
  }

  private static boolean diskOfPlan(VirtualMachine vm, String planDisk, DiskFill disk) {
    if (disk.byOperator()) {
      // the disk is what `disk.img` was made or last grown for (the claim's annotation, else its
      // request), on a volume that holds it: a volume bigger than that (a hostPath volume, a
      // pool's fixed size) does not make the guest's disk bigger; whether the guest sees it is
      // DiskGrowth's
      return disk.claim()
          .map(
              c -> {
                long plan = DiskClaimDesign.bytes(planDisk);
                return DiskClaimDesign.diskBytes(c) >= plan
                    && DiskClaimDesign.capacityBytes(c) >= plan;
              })
          .orElse(false);
    }
    var templates = vm.getSpec().dataVolumeTemplates();
    if (templates == null || templates.isEmpty()) {
      return false;
    }
    var requested = templates.get(0).spec().storage().resources().requests().get("storage");
    return Objects.equals(requested, planDisk);
  }

  /** Restarts the VM's instance (virt-controller starts a new one with the new spec). */
  void restart(OdooVps vps, KubernetesClient client, EventRecorder events) {
    var instance =
        client
            .resources(VirtualMachineInstance.class)
            .inNamespace(vps.getMetadata().getNamespace())
            .withName(vps.getMetadata().getName());
    if (instance.get() != null) {
      instance.delete();
      events.normal(
          vps,
          "Restarted",
          "KubeVirt needs a restart to apply the plan: the VM instance was restarted");
    }
  }

  /** Reboots the VM's instance; false when no instance runs. */
  boolean reboot(OdooVps vps, KubernetesClient client) {
    var instance =
        client
            .resources(VirtualMachineInstance.class)
            .inNamespace(vps.getMetadata().getNamespace())
            .withName(vps.getMetadata().getName());
    if (instance.get() == null) {
      return false;
    }
    instance.delete();
    return true;
  }
}
