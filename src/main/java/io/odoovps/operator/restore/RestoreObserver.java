package io.odoovps.operator.restore;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.backup.policy.BackupRuns;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.kubevirt.VirtualMachineInstance;
import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.restore.RestoreProgress.JobRun;
import io.odoovps.operator.restore.RestoreProgress.Observation;
import io.odoovps.operator.restore.RestoreProgress.RunState;
import java.util.List;
import java.util.Set;

/**
 * Reads what {@link RestoreProgress} decides from: the VM and its instance, the restore and
 * rollback Jobs (from the cache, else from the API server, so that a Job the cache does not show
 * yet never counts as gone) with their pods' reports, and whether a pod of the restore is still
 * running.
 */
final class RestoreObserver {

  private static final Set<String> ENDED = Set.of("Succeeded", "Failed");

  private RestoreObserver() {}

  static Observation observe(
      OdooVpsRestore restore, OdooVps vps, Context<OdooVpsRestore> context, boolean deleting) {
    var client = context.getClient();
    var namespace = restore.getMetadata().getNamespace();
    var name = vps.getMetadata().getName();
    var vm = client.resources(VirtualMachine.class).inNamespace(namespace).withName(name).get();
    var vmi =
        client.resources(VirtualMachineInstance.class).inNamespace(namespace).withName(name).get();
    boolean halted =
        vm != null
            && vm.getSpec() != null
            && VirtualMachineSpec.RUN_HALTED.equals(vm.getSpec().runStrategy());
    // the instance was gone when the restore Job started: one that exists now booted the new disk
    boolean booted =
        vm != null
            && vmi != null
            && vm.getStatus() != null
            && Boolean.TRUE.equals(vm.getStatus().ready());
    var jobs = context.getSecondaryResources(Job.class).stream().toList();
    var pods = context.getSecondaryResources(Pod.class).stream().toList();
    var status = restore.getStatus();
    var phase = status == null || status.phase() == null ? Phase.Pending : status.phase();
    var restoreJob =
        status != null && status.job() != null
            ? status.job()
            : BackupJobDesign.restoreJobName(restore.getMetadata().getName());
    var rollbackJob = BackupJobDesign.rollbackJobName(restore.getMetadata().getName());
    return new Observation(
        phase,
        deleting,
        halted && vmi == null,
        booted,
        run(restoreJob, namespace, jobs, pods, client),
        run(rollbackJob, namespace, jobs, pods, client),
        active(pods),
        status != null && status.safetyCopyClaim() != null);
  }

  /** Whether a pod of the restore may still run (and write the disk). */
  static boolean active(List<Pod> pods) {
    return pods.stream()
        .anyMatch(p -> p.getStatus() == null || !ENDED.contains(p.getStatus().getPhase()));
  }

  private static JobRun run(
      String name, String namespace, List<Job> jobs, List<Pod> pods, KubernetesClient client) {
    var job =
        jobs.stream()
            .filter(j -> j.getMetadata().getName().equals(name))
            .findFirst()
            .orElseGet(
                () -> client.batch().v1().jobs().inNamespace(namespace).withName(name).get());
    if (job == null) {
      return JobRun.ABSENT;
    }
    var finished = BackupRuns.finished(List.of(job), pods);
    if (finished.isEmpty()) {
      return JobRun.RUNNING;
    }
    var run = finished.get(0);
    if (run.succeeded()) {
      return new JobRun(RunState.SUCCEEDED, null, run.report());
    }
    boolean completed =
        job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() > 0;
    if (completed && pods.stream().noneMatch(p -> ownedBy(p, name) && succeeded(p))) {
      return JobRun.RUNNING; // its pod, with the report, is not in the cache yet
    }
    return new JobRun(RunState.FAILED, run.failure().reason(), null);
  }

  private static boolean ownedBy(Pod pod, String job) {
    var labels = pod.getMetadata().getLabels();
    return labels != null
        && (job.equals(labels.get("batch.kubernetes.io/job-name"))
            || job.equals(labels.get("job-name")));
  }

  private static boolean succeeded(Pod pod) {
    return pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
  }
}
