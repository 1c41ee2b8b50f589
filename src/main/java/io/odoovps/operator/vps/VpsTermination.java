package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.guard.DeletionApproval;
import io.odoovps.operator.ipv4.IPv4Allocator;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.monitoring.AlertRuleDesign;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.record.ContractRecords;
import io.odoovps.operator.traffic.CiliumNetworkPolicy;
import io.odoovps.operator.traffic.CiliumPolicyDesign;
import io.odoovps.operator.traffic.FilterPolicyDesign;
import java.util.ArrayList;
import java.util.List;

/**
 * The only code path that deletes customer data (article 12): the VM, its disk (DataVolume and PVC)
 * and the safety copies restores kept of it, its Secrets, its Service, its network policies
 * (isolation, traffic filter, Cilium), its alert rules, its MitigationState, its contract record
 * and its IPv4 allocation. It deletes, then verifies everything is gone; the reconciler calls it
 * until {@link #allGone} holds.
 */
public class VpsTermination {

  private final KubernetesClient client;
  private final ContractRecords records;

  public VpsTermination(KubernetesClient client, ContractRecords records) {
    this.client = client;
    this.records = records;
  }

  private List<Target> targets(OdooVps vps) {
    var ns = vps.getMetadata().getNamespace();
    var name = vps.getMetadata().getName();
    var targets = new ArrayList<Target>();
    addDiskTargets(targets, vps, ns, name);
    addSecretTargets(targets, vps, ns);
    addNetworkTargets(targets, vps, ns, name);
    addContractTargets(targets, vps, ns, name);
    return targets;
  }

  /** The VM, its disk (DataVolume and PVC) and the safety copies restores kept of it. */
  private static final String DATA_VOLUME_API = "cdi.kubevirt.io/v1beta1";

  private static final String DATA_VOLUME = "DataVolume";

  private void addDiskTargets(List<Target> targets, OdooVps vps, String ns, String name) {
    var disk = VirtualMachineDesign.diskName(vps);
    targets.add(
        new Target(
            "VirtualMachine/" + name,
            () -> client.resources(VirtualMachine.class).inNamespace(ns).withName(name)));
    // without CDI the kind is not served (the operator then makes the claim itself): nothing of
    // it to delete, and asking for it would fail the whole termination
    if (client.supports(DATA_VOLUME_API, DATA_VOLUME)) {
      targets.add(
          new Target(
              "DataVolume/" + disk,
              () ->
                  client
                      .genericKubernetesResources(DATA_VOLUME_API, DATA_VOLUME)
                      .inNamespace(ns)
                      .withName(disk)));
    }
    // the disk Jobs left (a failed growth, a fill cut short): a pod that mounted the claim, even
    // finished, holds it through the claim's kubernetes.io/pvc-protection finalizer
    for (var job :
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns)
            .withLabelSelector(
                VpsLabels.MANAGED_BY_SELECTOR
                    + ","
                    + VpsLabels.VPS
                    + "="
                    + name
                    + ","
                    + VpsLabels.COMPONENT
                    + " in ("
                    + DiskClaimDesign.FILL_COMPONENT
                    + ","
                    + DiskClaimDesign.GROW_COMPONENT
                    + ")")
            .list()
            .getItems()) {
      var jobName = job.getMetadata().getName();
      targets.add(
          new Target(
              "Job/" + jobName,
              () -> client.batch().v1().jobs().inNamespace(ns).withName(jobName)));
    }
    targets.add(
        new Target(
            "PersistentVolumeClaim/" + disk,
            () -> client.resources(PersistentVolumeClaim.class).inNamespace(ns).withName(disk)));
    // the previous disks that restores kept (a restore deleted before its VM was ready leaves one)
    for (var copy :
        client
            .resources(PersistentVolumeClaim.class)
            .inNamespace(ns)
            .withLabelSelector(VpsLabels.safetyCopiesOf(name))
            .list()
            .getItems()) {
      var claim = copy.getMetadata().getName();
      targets.add(
          new Target(
              "PersistentVolumeClaim/" + claim,
              () -> client.resources(PersistentVolumeClaim.class).inNamespace(ns).withName(claim)));
    }
  }

  private void addSecretTargets(List<Target> targets, OdooVps vps, String ns) {
    for (var secret :
        List.of(
            GuestDesign.adminSecretName(vps),
            GuestDesign.providerSshSecretName(vps),
            GuestDesign.cloudInitSecretName(vps),
            GuestDesign.commandKeySecretName(vps))) {
      targets.add(
          new Target(
              "Secret/" + secret,
              () -> client.resources(Secret.class).inNamespace(ns).withName(secret)));
    }
  }

  /** Its Service and its network policies (isolation, traffic filter, Cilium). */
  private void addNetworkTargets(List<Target> targets, OdooVps vps, String ns, String name) {
    targets.add(
        new Target(
            "Service/" + name,
            () -> client.resources(Service.class).inNamespace(ns).withName(name)));
    var policy = NetworkDesign.isolationPolicyName(vps);
    targets.add(
        new Target(
            "NetworkPolicy/" + policy,
            () -> client.resources(NetworkPolicy.class).inNamespace(ns).withName(policy)));
    var filter = FilterPolicyDesign.name(name);
    targets.add(
        new Target(
            "NetworkPolicy/" + filter,
            () -> client.resources(NetworkPolicy.class).inNamespace(ns).withName(filter)));
    var cilium = CiliumPolicyDesign.policyName(name);
    targets.add(
        new Target(
            "CiliumNetworkPolicy/" + cilium,
            () -> client.resources(CiliumNetworkPolicy.class).inNamespace(ns).withName(cilium)));
  }

  /** Its MitigationState, its contract record and its alert rules. */
  private void addContractTargets(List<Target> targets, OdooVps vps, String ns, String name) {
    // its contract state (port-25 blocks, DDoS window): it would be orphaned, as the guard refuses
    // the garbage collector's deletion of an unapproved MitigationState
    targets.add(
        new Target(
            "MitigationState/" + name,
            () -> client.resources(MitigationState.class).inNamespace(ns).withName(name)));
    // its contract record, in the operator's namespace
    var record = ContractRecords.name(ns, name);
    targets.add(
        new Target(
            "ConfigMap/" + record,
            () -> client.configMaps().inNamespace(records.namespace()).withName(record)));
    // the alert rules too: a terminated VPS must not open tickets
    var rules = AlertRuleDesign.ruleName(vps);
    targets.add(
        new Target(
            "PrometheusRule/" + rules,
            () ->
                client
                    .genericKubernetesResources("monitoring.coreos.com/v1", "PrometheusRule")
                    .inNamespace(ns)
                    .withName(rules)));
  }

  /**
   * Deletes what exists, each object approved first (the customer-data guard refuses the deletion
   * of a VPS's data without {@link DeletionApproval#KEY}); returns what it deleted, as Kind/name.
   */
  public List<String> deleteAll(OdooVps vps) {
    var deleted = new ArrayList<String>();
    for (var target : targets(vps)) {
      if (target.exists()) {
        DeletionApproval.delete(target.resource(), DeletionApproval.TERMINATION);
        deleted.add(target.label());
      }
    }
    var uid = vps.getMetadata().getUid();
    for (var allocation :
        client
            .resources(IPv4Allocation.class)
            .withLabel(IPv4Allocator.VPS_UID_LABEL, uid)
            .list()
            .getItems()) {
      DeletionApproval.delete(client.resource(allocation), DeletionApproval.TERMINATION);
      deleted.add("IPv4Allocation/" + allocation.getMetadata().getName());
    }
    return deleted;
  }

  /** Whether every object of the VPS is gone (a deleting object still counts as present). */
  public boolean allGone(OdooVps vps) {
    return targets(vps).stream().noneMatch(Target::exists)
        && client
            .resources(IPv4Allocation.class)
            .withLabel(IPv4Allocator.VPS_UID_LABEL, vps.getMetadata().getUid())
            .list()
            .getItems()
            .isEmpty();
  }

  private record Target(
      String label, java.util.function.Supplier<? extends Resource<? extends HasMetadata>> handle) {
    Resource<? extends HasMetadata> resource() {
      return handle.get();
    }

    boolean exists() {
      try {
        return resource().get() != null;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return false; // the kind itself is not installed (no CDI): nothing of it to delete
        }
        throw e;
      }
    }
  }
}
