package io.odoovps.operator.traffic;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.odoovps.operator.naming.VpsLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The VPS's traffic filter as a Kubernetes NetworkPolicy (contract articles 3, 6, 7 and 9).
 * NetworkPolicy only allows, and allows the union of all policies that select a pod; so the filter
 * is one policy per VPS whose allow rules are the complement of what is denied:
 *
 * <ul>
 *   <li>the provider's networks: everything, both ways;
 *   <li>inbound: TCP on every port but the denied ones, UDP only on the allowed ingress ports; with
 *       DDoS mitigation from level 2, TCP on the service ports only, and from level 3 only from the
 *       scrubbing centre;
 *   <li>outbound: TCP on every port but the denied ones (and port 25 while it is blocked), UDP only
 *       to the allowed ports, to anywhere but the cluster's own networks (tenant isolation: no
 *       other VPS, no webhook, no API server by its cluster address); DNS to the cluster DNS pods.
 * </ul>
 *
 * <p>NetworkPolicy names TCP, UDP and SCTP only: ICMP is therefore not allowed by this policy
 * (except to and from the provider's networks), and SCTP neither. It cannot rate-limit anything.
 */
public final class FilterPolicyDesign {

  public static final String SUFFIX = "-traffic";

  private FilterPolicyDesign() {}

  public static String name(String vps) {
    return vps + SUFFIX;
  }

  public static NetworkPolicy policy(
      String namespace, String vps, Map<String, String> labels, FilterRules rules) {
    var admins = peers(rules.adminCidrs());
    var builder =
        new NetworkPolicyBuilder()
            .withNewMetadata()
            .withName(name(vps))
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withNewPodSelector()
            .withMatchLabels(rules.podSelector())
            .endPodSelector()
            .withPolicyTypes("Ingress", "Egress");
    if (!admins.isEmpty()) {
      builder.addToIngress(new NetworkPolicyIngressRuleBuilder().withFrom(admins).build());
    }
    builder.addToIngress(guestCommands(vps));
    var inbound = new ArrayList<NetworkPolicyPort>();
    if (rules.mitigationLevel() >= 2) {
      var services = PortRange.normalise(rules.servicePorts().stream().map(PortRange::of).toList());
      inbound.addAll(ports("TCP", intersect(services, PortRange.complement(rules.deniedTcp()))));
    } else {
      inbound.addAll(ports("TCP", PortRange.complement(rules.deniedTcp())));
      inbound.addAll(ports("UDP", rules.allowedUdpIngress()));
    }
    if (!inbound.isEmpty()) {
      var rule = new NetworkPolicyIngressRuleBuilder().withPorts(inbound);
      if (rules.mitigationLevel() >= 3) {
        rule.withFrom(peers(rules.scrubbingCidrs()));
      }
      builder.addToIngress(rule.build());
    }
    if (!admins.isEmpty()) {
      builder.addToEgress(new NetworkPolicyEgressRuleBuilder().withTo(admins).build());
    }
    var dns = rules.dns();
    if (dns != null && !dns.podLabels().isEmpty()) {
      builder.addToEgress(
          new NetworkPolicyEgressRuleBuilder()
              .addNewTo()
              .withNewNamespaceSelector()
              .addToMatchLabels(NAMESPACE_NAME, dns.namespace())
              .endNamespaceSelector()
              .withNewPodSelector()
              .withMatchLabels(dns.podLabels())
              .endPodSelector()
              .endTo()
              .withPorts(namedPort("UDP", DNS_PORT), namedPort("TCP", DNS_TCP_PORT))
              .build());
    }
    var outbound = new ArrayList<NetworkPolicyPort>();
    outbound.addAll(ports("TCP", PortRange.complement(rules.deniedTcpEgress())));
    outbound.addAll(ports("UDP", rules.allowedUdpEgress()));
    builder.addToEgress(
        new NetworkPolicyEgressRuleBuilder()
            .withTo(outside(rules.clusterCidrs()))
            .withPorts(outbound)
            .build());
    return builder.endSpec().build();
  }

  /**
   * The DNS pods' port names, as kubeadm's CoreDNS names them: a policy sees the port after the
   * Service's translation (53 on the Service may be 1053 in the pod), so it names the pod's port.
   */
  static final String DNS_PORT = "dns";

  static final String DNS_TCP_PORT = "dns-tcp";

  private static NetworkPolicyPort namedPort(String protocol, String name) {
    return new NetworkPolicyPortBuilder()
        .withProtocol(protocol)
        .withPort(new IntOrString(name))
        .build();
  }

  /** The label every namespace carries with its own name (Kubernetes 1.21 and later). */
  static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

  /**
   * Every address but the cluster's networks, one block per address family; no peer at all (that
   * is, anywhere) when the list is empty.
   */
  static List<NetworkPolicyPeer> outside(List<String> clusterCidrs) {
    if (clusterCidrs.isEmpty()) {
      return List.of();
    }
    var v4 = clusterCidrs.stream().filter(c -> !c.contains(":")).sorted().toList();
    var v6 = clusterCidrs.stream().filter(c -> c.contains(":")).sorted().toList();
    return List.of(
        new NetworkPolicyPeerBuilder()
            .withNewIpBlock()
            .withCidr("0.0.0.0/0")
            .withExcept(v4)
            .endIpBlock()
            .build(),
        new NetworkPolicyPeerBuilder()
            .withNewIpBlock()
            .withCidr("::/0")
            .withExcept(v6)
            .endIpBlock()
            .build());
  }

  /** The operator's guest-command pods of the VPS, on SSH only (also while it is isolated). */
  public static NetworkPolicyIngressRule guestCommands(String vps) {
    return new NetworkPolicyIngressRuleBuilder()
        .addNewFrom()
        .withNewPodSelector()
        .withMatchLabels(VpsLabels.guestCommandPods(vps))
        .endPodSelector()
        .endFrom()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(22))
        .endPort()
        .build();
  }

  private static List<NetworkPolicyPeer> peers(List<String> cidrs) {
    return cidrs.stream()
        .map(
            cidr ->
                new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock().build())
        .toList();
  }

  private static List<NetworkPolicyPort> ports(String protocol, List<PortRange> ranges) {
    return ranges.stream()
        .map(
            r ->
                new NetworkPolicyPortBuilder()
                    .withProtocol(protocol)
                    .withPort(new IntOrString(r.from()))
                    .withEndPort(r.single() ? null : r.to())
                    .build())
        .toList();
  }

  /** The ports in both lists. */
  static List<PortRange> intersect(List<PortRange> a, List<PortRange> b) {
    var result = new ArrayList<PortRange>();
    for (var x : a) {
      for (var y : b) {
        int from = Math.max(x.from(), y.from());
        int to = Math.min(x.to(), y.to());
        if (from <= to) {
          result.add(new PortRange(from, to));
        }
      }
    }
    return PortRange.normalise(result);
  }
}
