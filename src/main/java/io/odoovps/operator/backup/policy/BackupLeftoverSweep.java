package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.backup.VirtualMachineExportMethod;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.naming.VpsLabels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deletes the VM snapshots and exports a backup pod left behind (killed before it could clean up):
 * ours by label, and older than a run may last, so no running backup still uses them. At most once
 * per {@link #EVERY} and namespace.
 */
final class BackupLeftoverSweep {

  static final Duration EVERY = Duration.ofMinutes(10);

  private final Duration runDeadline;
  private final Map<String, Instant> swept = new ConcurrentHashMap<>();

  BackupLeftoverSweep(Duration runDeadline) {
    this.runDeadline = runDeadline;
  }

  void sweep(KubernetesClient client, HasMetadata policy, Instant now, EventRecorder events) {
    var namespace = policy.getMetadata().getNamespace();
    var last = swept.get(namespace);
    if (last != null && last.plus(EVERY).isAfter(now)) {
      return;
    }
    swept.put(namespace, now);
    var cutoff = now.minus(runDeadline).minus(Duration.ofHours(1));
    for (var kind :
        List.of(VirtualMachineExportMethod.EXPORTS, VirtualMachineExportMethod.SNAPSHOTS)) {
      try {
        for (var leftover :
            client
                .genericKubernetesResources(kind)
                .inNamespace(namespace)
                .withLabel(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR)
                .list()
                .getItems()) {
          var created = leftover.getMetadata().getCreationTimestamp();
          if (created != null && Instant.parse(created).isBefore(cutoff)) {
            client.resource(leftover).delete();
            events.normal(
                policy,
                "LeftoverDeleted",
                kind.getKind()
                    + " "
                    + leftover.getMetadata().getName()
                    + " outlived any backup run; deleted");
          }
        }
      } catch (KubernetesClientException e) {
        // KubeVirt's snapshot or export API absent here: nothing of ours to sweep
      }
    }
  }
}
