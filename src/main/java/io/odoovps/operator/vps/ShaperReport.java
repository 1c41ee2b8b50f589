package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Pod;
import io.odoovps.operator.api.v1alpha1.odoovps.AppliedBandwidth;
import io.odoovps.operator.shaper.Shaping;
import java.util.List;

/** What the node's shaper wrote on the VM's running pod, for `status.traffic.applied` (pure). */
final class ShaperReport {

  private ShaperReport() {}

  /** The report of the running pod that carries one; null when no pod does (no shaper). */
  static AppliedBandwidth of(List<Pod> pods) {
    for (var pod : pods) {
      var annotations = pod.getMetadata().getAnnotations();
      if (pod.getMetadata().getDeletionTimestamp() != null
          || annotations == null
          || pod.getStatus() == null
          || !"Running".equals(pod.getStatus().getPhase())) {
        continue;
      }
      var ingress = annotations.get(Shaping.APPLIED_INGRESS);
      var egress = annotations.get(Shaping.APPLIED_EGRESS);
      var problem = annotations.get(Shaping.PROBLEM);
      if (ingress != null || egress != null || problem != null) {
        return new AppliedBandwidth(ingress, egress, problem);
      }
    }
    return null;
  }
}
