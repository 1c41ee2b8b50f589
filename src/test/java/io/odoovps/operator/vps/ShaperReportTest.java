package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.odoovps.operator.api.v1alpha1.odoovps.AppliedBandwidth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShaperReportTest {

  private static Pod pod(String phase, boolean deleting, Map<String, String> annotations) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("virt-launcher-vps-x")
        .withAnnotations(annotations)
        .withDeletionTimestamp(deleting ? "2026-12-07T00:00:00Z" : null)
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  @Test
  void theRunningPodsReportIsTheStatusOneAndNoReportIsNull() {
    var shaped =
        Map.of(
            "odoovps.io/applied-ingress-bandwidth", "1M",
            "odoovps.io/applied-egress-bandwidth", "1M");
    assertThat(ShaperReport.of(List.of(pod("Running", false, shaped))))
        .isEqualTo(new AppliedBandwidth("1M", "1M", null));
    assertThat(
            ShaperReport.of(
                List.of(
                    pod("Running", true, Map.of("odoovps.io/applied-ingress-bandwidth", "100M")),
                    pod("Running", false, Map.of("odoovps.io/shaping-problem", "no veth")))))
        .isEqualTo(new AppliedBandwidth(null, null, "no veth"));
    assertThat(ShaperReport.of(List.of(pod("Pending", false, shaped)))).isNull();
    assertThat(ShaperReport.of(List.of(pod("Running", false, Map.of("a", "b"))))).isNull();
    assertThat(ShaperReport.of(List.of())).isNull();
  }
}
