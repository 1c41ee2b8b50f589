package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.api.v1alpha1.odoovps.GuestDiskStatus;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.kubevirt.GuestAgent;
import io.odoovps.operator.kubevirt.VirtualMachineInstance;
import java.util.Map;
import java.util.Optional;

/**
 * The act of {@link DiskGrowth}: creates the growth Job, records its success on the claim, restarts
 * the VM's instance that still runs the smaller disk, and reads what the guest sees.
 */
final class VpsDiskGrowth {

  private final DiskClaimDesign design;
  private final VpsGuest guest;

  VpsDiskGrowth(DiskClaimDesign design, VpsGuest guest) {
    this.design = design;
    this.guest = guest;
  }

  /** The guest's disk section after this pass (the previous one when nothing happened). */
  GuestDiskStatus run(VpsFacts facts, KubernetesClient client, EventRecorder events) {
    var vps = facts.vps();
    var last = facts.previous().getGuest();
    var previous = last == null ? null : last.disk();
    var disk = facts.disk();
    var planDisk = vps.getSpec().getPlan().getDisk();
    long plan = DiskClaimDesign.bytes(planDisk);
    var jobName = DiskClaimDesign.growJobName(vps, plan);
    var job = facts.commandJob(jobName);
    var namespace = vps.getMetadata().getNamespace();
    var name = vps.getMetadata().getName();
    var instance = new Lazy(client, namespace, name);
    var action = DiskGrowth.next(disk, planDisk, job, previous, instance.read());
    switch (action) {
      case TOO_SMALL -> {
        return tooSmall(facts, client, events, previous);
      }
      case GROW -> {
        try {
          client.resource(design.growJob(vps, plan, instance.get().map(Lazy.Read::node))).create();
          events.normal(
              vps, "DiskGrowing", "Job " + jobName + " grows the disk to the plan's " + planDisk);
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
        }
        return DiskGrowth.cleared(previous);
      }
      case MARK_GROWN -> {
        var claim = disk.claim().orElseThrow();
        // the instance that runs still has the old disk open: its agent tells the baseline
        long rootBefore =
            instance
                .get()
                .filter(Lazy.Read::agentConnected)
                .flatMap(i -> GuestAgent.rootFileSystemBytes(client, namespace, name))
                .orElse(0L);
        DiskClaimDesign.annotate(
            client,
            claim,
            Map.of(
                DiskClaimDesign.GROWN_FROM,
                new DiskClaimDesign.Before(DiskClaimDesign.diskBytes(claim), rootBefore)
                    .annotation(),
                DiskClaimDesign.SIZE,
                String.valueOf(plan),
                DiskClaimDesign.GROWN,
                Timestamps.format(facts.now()),
                DiskClaimDesign.GROWN_UNDER,
                instance.get().map(Lazy.Read::uid).orElse("")));
        // as the fill Job once the claim is marked: its finished pod would hold the claim (its
        // pvc-protection finalizer) until the Job's TTL, and the mark is what counts now
        client
            .resource(job.orElseThrow())
            .withPropagationPolicy(DeletionPropagation.BACKGROUND)
            .delete();
        events.normal(
            vps,
            "DiskGrown",
            "The disk grew to the plan's "
                + planDisk
                + "; the guest grows its file system when its VM instance restarts");
        return DiskGrowth.cleared(previous);
      }
      case FAILED -> {
        var problem =
            "the growth of the disk to "
                + planDisk
                + " failed (Job "
                + jobName
                + ", see its log); delete the Job to retry";
        if (previous == null || !problem.equals(previous.problem())) {
          events.warning(vps, "DiskGrowthFailed", problem);
        }
        return DiskGrowth.problem(previous, problem);
      }
      case RESTART -> {
        guest.reboot(vps, client);
        events.normal(
            vps,
            "Restarted",
            "The disk grew to " + planDisk + ": the VM instance was restarted to use it");
        return previous;
      }
      case READ_GUEST -> {
        return GuestAgent.rootFileSystemBytes(client, namespace, name)
            .map(bytes -> DiskGrowth.seen(bytes, facts.now()))
            .orElse(previous);
      }
      default -> {
        return previous;
      }
    }
  }

  /**
   * The claim's volume holds less than the plan's disk: asks for the claim's expansion once per
   * plan size (a StorageClass with `allowVolumeExpansion` grows the volume, the growth follows),
   * and says on the VPS what is missing.
   */
  private static GuestDiskStatus tooSmall(
      VpsFacts facts, KubernetesClient client, EventRecorder events, GuestDiskStatus previous) {
    var vps = facts.vps();
    var planDisk = vps.getSpec().getPlan().getDisk();
    var claim = facts.disk().claim().orElseThrow();
    var claimName = claim.getMetadata().getName();
    var said = "spec.plan.disk: the plan's disk is " + planDisk + " but the volume of claim ";
    String outcome;
    if (previous != null && previous.problem() != null && previous.problem().startsWith(said)) {
      return previous; // asked and said for this size already: nothing new to write
    }
    if (DiskClaimDesign.requestBytes(claim) >= DiskClaimDesign.bytes(planDisk)) {
      outcome = "the claim asks for it: waiting for the volume's expansion";
    } else {
      try {
        DiskClaimDesign.patch(
            client,
            claim,
            Map.of(
                "metadata",
                Map.of(
                    "annotations",
                    Map.of(DiskClaimDesign.SIZE, String.valueOf(DiskClaimDesign.diskBytes(claim)))),
                "spec",
                Map.of("resources", Map.of("requests", Map.of("storage", planDisk)))));
        outcome = "its expansion was asked for: waiting for the volume";
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403 && e.getCode() != 422) {
          throw e;
        }
        outcome =
            "its expansion was refused ("
                + (e.getStatus() == null ? "HTTP " + e.getCode() : e.getStatus().getMessage())
                + "): use a StorageClass with allowVolumeExpansion or bind it to a bigger volume";
      }
    }
    var problem =
        said
            + claimName
            + " holds "
            + DiskClaimDesign.capacityBytes(claim)
            + " bytes; "
            + outcome
            + "; the disk keeps its size";
    events.warning(vps, "DiskTooSmall", problem);
    return DiskGrowth.problem(previous, problem);
  }

  /** The VM's instance, read once and only when a decision needs it. */
  private static final class Lazy {
    record Read(String uid, boolean agentConnected, String node) {}

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private Optional<Read> read;

    Lazy(KubernetesClient client, String namespace, String name) {
      this.client = client;
      this.namespace = namespace;
      this.name = name;
    }

    Optional<Read> get() {
      if (read == null) {
        var vmi =
            client
                .resources(VirtualMachineInstance.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
        read =
            Optional.ofNullable(vmi)
                .filter(v -> v.getMetadata().getDeletionTimestamp() == null)
                .map(
                    v ->
                        new Read(
                            v.getMetadata().getUid(),
                            v.getStatus() != null && v.getStatus().agentConnected(),
                            v.getStatus() == null ? null : v.getStatus().nodeName()));
      }
      return read;
    }

    java.util.function.Supplier<Optional<DiskGrowth.Instance>> read() {
      return () -> get().map(r -> new DiskGrowth.Instance(r.uid(), r.agentConnected()));
    }
  }
}
