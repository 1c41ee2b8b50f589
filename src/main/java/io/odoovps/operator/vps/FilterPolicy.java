package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.traffic.FilterRules;
import io.odoovps.operator.traffic.PortRange;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator's traffic filter settings (parsed once), and how a VPS's {@link NetworkMitigation}
 * turns them into its network rules: SMTP denied while blocked, inbound narrowed by the DDoS level,
 * the scrubbing annotations on its Service while mitigation runs.
 */
record FilterPolicy(
    List<String> adminCidrs,
    List<PortRange> deniedTcp,
    List<PortRange> allowedUdpEgress,
    List<PortRange> allowedUdpIngress,
    int smtpPort,
    List<Integer> servicePorts,
    List<String> scrubbingCidrs,
    Map<String, String> scrubbingAnnotations,
    List<String> clusterCidrs,
    FilterRules.DnsPeer dns) {

  static FilterPolicy of(OperatorConfig config) {
    var traffic = config.traffic();
    return new FilterPolicy(
        config.provider().adminCidrs().orElse(List.of()),
        PortRange.parseList(traffic.filter().deniedTcpPorts()),
        PortRange.parseList(traffic.filter().allowedUdpEgressPorts()),
        PortRange.parseList(traffic.filter().allowedUdpIngressPorts().orElse(List.of())),
        traffic.smtp().port(),
        config.service().ports(),
        traffic.mitigation().scrubbingCidrs().orElse(List.of()),
        new TreeMap<>(traffic.mitigation().serviceAnnotations()),
        List.copyOf(traffic.filter().clusterCidrs()),
        new FilterRules.DnsPeer(
            traffic.filter().dnsNamespace(), labels(traffic.filter().dnsPodLabels())));
  }

  /** {@code key=value} entries as labels; an entry without {@code =} is refused, naming it. */
  static Map<String, String> labels(List<String> entries) {
    var labels = new TreeMap<String, String>();
    for (var entry : entries) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "odoovps.traffic.filter.dns-pod-labels: '" + entry + "' is not key=value");
      }
      labels.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
    }
    return labels;
  }

  FilterRules rules(OdooVps vps, NetworkMitigation mitigation) {
    return new FilterRules(
        NetworkDesign.podSelector(vps),
        adminCidrs,
        deniedTcp,
        allowedUdpEgress,
        allowedUdpIngress,
        mitigation.smtpBlocked(),
        smtpPort,
        mitigation.ddosLevel(),
        servicePorts,
        scrubbingCidrs,
        clusterCidrs,
        dns);
  }

  /**
   * The Service's annotations that route it through the scrubbing centre, while mitigation runs.
   */
  Map<String, String> serviceAnnotations(NetworkMitigation mitigation) {
    return mitigation.scrubbing() ? new TreeMap<>(scrubbingAnnotations) : Map.of();
  }
}
