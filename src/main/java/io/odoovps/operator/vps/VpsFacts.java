package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.traffic.PrometheusTraffic;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one pass knows about a VPS, read from the caches by {@link VpsGatherer} at one instant: the
 * VPS (its status seeded from the contract record when it lost it), its VirtualMachine, its
 * MitigationState, its SupportTickets, whether a restore holds its VM, the BackupPolicies of its
 * namespace and its BackupRecords, its traffic counter reading and its virt-launcher pods.
 *
 * @param vm the VM as the cache holds it; {@link #withVm} after the workflow applied it
 * @param reading empty when no traffic meter is configured or Prometheus has no series
 * @param pods empty unless live bandwidth annotations are configured
 * @param disk the disk claim and its fill Job, when the operator (not CDI) makes the disk
 * @param commandJobs the VPS's guest-command Jobs ({@link GuestCommands}) and disk growth Jobs
 *     ({@link DiskGrowth})
 */
record VpsFacts(
    OdooVps vps,
    Instant now,
    Optional<VirtualMachine> vm,
    Optional<MitigationState> mitigation,
    List<SupportTicket> tickets,
    boolean restoring,
    List<BackupPolicy> policies,
    List<BackupRecord> backupRecords,
    Optional<PrometheusTraffic.Reading> reading,
    List<Pod> pods,
    DiskFill disk,
    List<Job> commandJobs) {

  /** The status the pass starts from (an empty one for a new VPS). */
  OdooVpsStatus previous() {
    return vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
  }

  boolean vmReady() {
    return vm.map(v -> v.getStatus() != null && Boolean.TRUE.equals(v.getStatus().ready()))
        .orElse(false);
  }

  /** The guest-command Job of that name, as the cache holds it. */
  Optional<Job> commandJob(String name) {
    return commandJobs.stream().filter(j -> name.equals(j.getMetadata().getName())).findFirst();
  }

  /** The same facts with the VM as the workflow left it. */
  VpsFacts withVm(Optional<VirtualMachine> current) {
    return new VpsFacts(
        vps,
        now,
        current,
        mitigation,
        tickets,
        restoring,
        policies,
        backupRecords,
        reading,
        pods,
        disk,
        commandJobs);
  }
}
