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
    Map<String, String> scrubbingAnnotations) {

  static FilterPolicy of(OperatorConfig config) {
    var traffic = config.traffic();
    return new FilterPolicy(
        config.provider().adminCidrs(),
        PortRange.parseList(traffic.filter().deniedTcpPorts()),
        PortRange.parseList(traffic.filter().allowedUdpEgressPorts()),
        PortRange.parseList(traffic.filter().allowedUdpIngressPorts().orElse(List.of())),
        traffic.smtp().port(),
        config.service().ports(),
        traffic.mitigation().scrubbingCidrs().orElse(List.of()),
        new TreeMap<>(traffic.mitigation().serviceAnnotations()));
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
        scrubbingCidrs);
  }

  /**
   * The Service's annotations that route it through the scrubbing centre, while mitigation runs.
   */
  Map<String, String> serviceAnnotations(NetworkMitigation mitigation) {
    return mitigation.scrubbing() ? new TreeMap<>(scrubbingAnnotations) : Map.of();
  }
}
