package io.odoovps.operator.traffic;

import java.util.List;
import java.util.Map;

/**
 * What a VPS's traffic filter must enforce right now (contract articles 3, 6, 7 and 9), decided
 * once and translated by each policy design (Kubernetes NetworkPolicy; Cilium when present).
 *
 * @param podSelector labels of the VPS's virt-launcher pod
 * @param adminCidrs the provider's networks: always allowed, both ways, on every port
 * @param deniedTcp TCP ports denied inbound and outbound (sensitive ports, row 17's uses)
 * @param allowedUdpEgress the only UDP ports the VPS may send to (DNS, NTP...)
 * @param allowedUdpIngress the only UDP ports the VPS may receive on
 * @param smtpBlocked outbound port {@code smtpPort} is blocked (spam, contract article 7)
 * @param smtpPort the SMTP port, 25
 * @param mitigationLevel 0 when DDoS mitigation is off, else 1 to 3 (contract article 9)
 * @param servicePorts the TCP ports the VPS serves; from mitigation level 2, the only inbound ports
 * @param scrubbingCidrs from mitigation level 3, the only sources of inbound traffic (besides the
 *     provider's networks): the scrubbing centre's return path
 * @param clusterCidrs the cluster's own networks, to which the VPS opens no connection (tenant
 *     isolation), apart from the cluster DNS
 * @param dns the cluster DNS pods, which the VPS may query on port 53 (TCP and UDP)
 */
public record FilterRules(
    Map<String, String> podSelector,
    List<String> adminCidrs,
    List<PortRange> deniedTcp,
    List<PortRange> allowedUdpEgress,
    List<PortRange> allowedUdpIngress,
    boolean smtpBlocked,
    int smtpPort,
    int mitigationLevel,
    List<Integer> servicePorts,
    List<String> scrubbingCidrs,
    List<String> clusterCidrs,
    DnsPeer dns) {

  /** Pods selected by namespace name and labels. */
  public record DnsPeer(String namespace, Map<String, String> podLabels) {}

  /** TCP ports denied outbound: the sensitive ports, plus SMTP while it is blocked. */
  public List<PortRange> deniedTcpEgress() {
    if (!smtpBlocked) {
      return PortRange.normalise(deniedTcp);
    }
    var all = new java.util.ArrayList<>(deniedTcp);
    all.add(PortRange.of(smtpPort));
    return PortRange.normalise(all);
  }
}
