package io.odoovps.operator.traffic;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.odoovps.operator.naming.KubeNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The part of a VPS's traffic filter that a Kubernetes NetworkPolicy cannot express, as a Cilium
 * {@code CiliumNetworkPolicy} ({@code cilium.io/v2}) named {@code <vps>-cilium-filter}, written
 * next to the NetworkPolicy when the Cilium CRDs are installed. Checked against the CRD of Cilium
 * 1.18.6 and 1.20.2 ({@code hack/fetch-cni-crds.sh}).
 *
 * <p>How it composes with the NetworkPolicy: Cilium enforces both. Allow rules of all policies
 * selecting the pod add up; a deny rule wins over every allow rule of every policy (NetworkPolicy,
 * CiliumNetworkPolicy, clusterwide), on new connections only: replies to a connection that was
 * allowed pass through connection tracking and are not checked again. This policy sets {@code
 * enableDefaultDeny} to false both ways, so on its own it never cuts the VPS off: the NetworkPolicy
 * keeps the pod in default deny; this policy only opens ICMP and adds explicit denies.
 *
 * <ul>
 *   <li><b>ICMP, limited.</b> The NetworkPolicy can only name TCP, UDP and SCTP ports, so its port
 *       allow-lists drop ICMP (besides errors related to an allowed connection). This policy allows
 *       {@link #ICMPV4_TYPES} and {@link #ICMPV6_TYPES} (echo request and reply, destination
 *       unreachable and packet too big for path-MTU discovery, time exceeded for traceroute), from
 *       and to the {@code world} entity. At mitigation level 3 inbound ICMP comes only from the
 *       scrubbing networks, like every other inbound packet. No ICMP rate limit: Cilium policies
 *       cannot express one.
 *   <li><b>Explicit denies.</b> {@code ingressDeny} of TCP {@link FilterRules#deniedTcp()} and
 *       {@code egressDeny} of TCP {@link FilterRules#deniedTcpEgress()} (which holds SMTP while it
 *       is blocked), so that no other allow rule (an operator's mistake, a clusterwide policy) can
 *       reopen them. From mitigation level 2, also an {@code ingressDeny} of every UDP port but
 *       {@link FilterRules#allowedUdpIngress()}: a deny rule cannot say "all but", so it lists the
 *       complement ranges. Port ranges use {@code endPort} (in the CRD's {@code PortProtocol} of
 *       both versions); at most {@link #MAX_PORTS_PER_RULE} ports per {@code toPorts} entry (the
 *       agent rejects more), so longer lists are split over several entries.
 *   <li><b>The provider's networks are exempt from the denies.</b> Because a deny wins over the
 *       NetworkPolicy's "admin CIDRs on every port", the denies do not name {@code world} when
 *       there are admin CIDRs, but {@code 0.0.0.0/0} and {@code ::/0} with the admin CIDRs of that
 *       family as {@code except} (Cilium: a {@code /0} CIDR selects the world identity; Cilium 1.18
 *       allocates an identity to every prefix a policy names, except-prefixes included, and {@code
 *       except} excludes those identities). Caveats: (1) a report against Cilium 1.12
 *       (cilium/cilium#20914) saw an except-prefix denied anyway; the exemption should be checked
 *       once on the real datapath (Hubble) before it is relied on; (2) admin CIDRs inside the
 *       cluster (node or pod addresses) are not {@code world} and CIDR rules do not select them by
 *       default ({@code policy-cidr-match-mode} unset): the denies never touch them, exempt or not.
 * </ul>
 *
 * <p>The object is deterministic: maps in a fixed key order, labels and selectors sorted, ports and
 * CIDRs sorted, so that hashing or diffing the desired state is stable.
 */
public final class CiliumPolicyDesign {

  public static final String GROUP = "cilium.io";
  public static final String API_VERSION = GROUP + "/v2";
  public static final String KIND = "CiliumNetworkPolicy";

  /** The CRD whose presence switches this design on. */
  public static final String CRD_NAME = "ciliumnetworkpolicies.cilium.io";

  /** Appended to the VPS's name: {@code <vps>-cilium-filter}. */
  public static final String NAME_SUFFIX = "-cilium-filter";

  /** Cilium's entity for everything outside the cluster. */
  public static final String WORLD = "world";

  /**
   * ICMPv4 types allowed both ways: echo reply (0), destination unreachable (3, path-MTU
   * discovery), echo request (8), time exceeded (11).
   */
  public static final List<Integer> ICMPV4_TYPES = List.of(0, 3, 8, 11);

  /**
   * ICMPv6 types allowed both ways: destination unreachable (1), packet too big (2, path-MTU
   * discovery), time exceeded (3), echo request (128), echo reply (129). Neighbour discovery is
   * answered by Cilium itself.
   */
  public static final List<Integer> ICMPV6_TYPES = List.of(1, 2, 3, 128, 129);

  /** The Cilium agent rejects a {@code toPorts} entry with more ports ({@code maxPorts}). */
  public static final int MAX_PORTS_PER_RULE = 40;

  static final String ANY_IPV4 = "0.0.0.0/0";
  static final String ANY_IPV6 = "::/0";
  static final String TCP = "TCP";
  static final String UDP = "UDP";
  static final String DESCRIPTION =
      "Odoo VPS traffic filter, the part a NetworkPolicy cannot express: limited ICMP and"
          + " explicit denies. Written by the odoovps operator.";

  /** The policy's name for the VPS {@code vpsName}, within the 253 characters of a name. */
  public static String policyName(String vpsName) {
    return KubeNames.bounded(vpsName + NAME_SUFFIX, 253);
  }

  /**
   * The CiliumNetworkPolicy of one VPS.
   *
   * @param namespace the VPS's namespace
   * @param name the VPS's name; the policy is named {@link #policyName(String)}
   * @param labels labels of the policy object (the managed-by label and the VPS's labels)
   * @param rules what the filter must enforce
   */
  public GenericKubernetesResource policy(
      String namespace, String name, Map<String, String> labels, FilterRules rules) {
    var policy = new GenericKubernetesResource();
    policy.setApiVersion(API_VERSION);
    policy.setKind(KIND);
    policy.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(policyName(name))
            .withLabels(new TreeMap<>(labels))
            .build());
    policy.setAdditionalProperty("spec", spec(rules));
    return policy;
  }

  Map<String, Object> spec(FilterRules rules) {
    var spec = new LinkedHashMap<String, Object>();
    spec.put("description", DESCRIPTION);
    spec.put("endpointSelector", Map.of("matchLabels", new TreeMap<>(rules.podSelector())));
    spec.put("enableDefaultDeny", ordered("ingress", false, "egress", false));

    var icmpSources = icmpSources(rules);
    if (icmpSources != null) {
      spec.put("ingress", List.of(with(icmpSources, "icmps", icmps())));
    }

    var ingressPorts = new ArrayList<Map<String, Object>>();
    for (var range : PortRange.normalise(rules.deniedTcp())) {
      ingressPorts.add(port(range, TCP));
    }
    if (rules.mitigationLevel() >= 2) {
      for (var range : PortRange.complement(rules.allowedUdpIngress())) {
        ingressPorts.add(port(range, UDP));
      }
    }
    if (!ingressPorts.isEmpty()) {
      spec.put(
          "ingressDeny",
          List.of(with(world("from", rules.adminCidrs()), "toPorts", toPorts(ingressPorts))));
    }

    spec.put("egress", List.of(ordered("toEntities", List.of(WORLD), "icmps", icmps())));

    var egressPorts = new ArrayList<Map<String, Object>>();
    for (var range : rules.deniedTcpEgress()) {
      egressPorts.add(port(range, TCP));
    }
    if (!egressPorts.isEmpty()) {
      spec.put(
          "egressDeny",
          List.of(with(world("to", rules.adminCidrs()), "toPorts", toPorts(egressPorts))));
    }
    return spec;
  }

  /**
   * Who may send ICMP to the VPS: the world, or from mitigation level 3 only the scrubbing networks
   * (null when there are none: no inbound ICMP then).
   */
  private static Map<String, Object> icmpSources(FilterRules rules) {
    if (rules.mitigationLevel() < 3) {
      return ordered("fromEntities", List.of(WORLD));
    }
    var cidrs = sortedCidrs(rules.scrubbingCidrs());
    if (cidrs.isEmpty()) {
      return null;
    }
    var set = new ArrayList<Map<String, Object>>();
    for (var cidr : cidrs) {
      set.add(ordered("cidr", cidr));
    }
    return ordered("fromCIDRSet", set);
  }

  /**
   * The world as the peer of a deny rule ({@code side} is "from" or "to"): the {@code world}
   * entity, or when there are admin CIDRs, {@code 0.0.0.0/0} and {@code ::/0} with them excepted.
   */
  private static Map<String, Object> world(String side, List<String> adminCidrs) {
    var cidrs = sortedCidrs(adminCidrs);
    if (cidrs.isEmpty()) {
      return ordered(side + "Entities", List.of(WORLD));
    }
    var v4 = cidrs.stream().filter(c -> !c.contains(":")).toList();
    var v6 = cidrs.stream().filter(c -> c.contains(":")).toList();
    return ordered(side + "CIDRSet", List.of(cidrRule(ANY_IPV4, v4), cidrRule(ANY_IPV6, v6)));
  }

  private static Map<String, Object> cidrRule(String cidr, List<String> except) {
    return except.isEmpty() ? ordered("cidr", cidr) : ordered("cidr", cidr, "except", except);
  }

  /** Sorted, without duplicates, single addresses written as /32 or /128 (the CRD wants CIDRs). */
  static List<String> sortedCidrs(List<String> cidrs) {
    var sorted = new TreeSet<String>();
    for (var cidr : cidrs) {
      var text = cidr.trim();
      if (text.isEmpty()) {
        continue;
      }
      sorted.add(text.contains("/") ? text : text + (text.contains(":") ? "/128" : "/32"));
    }
    return List.copyOf(sorted);
  }

  private static List<Map<String, Object>> icmps() {
    var fields = new ArrayList<Map<String, Object>>();
    for (var type : ICMPV4_TYPES) {
      fields.add(ordered("family", "IPv4", "type", type));
    }
    for (var type : ICMPV6_TYPES) {
      fields.add(ordered("family", "IPv6", "type", type));
    }
    return List.of(ordered("fields", fields));
  }

  private static Map<String, Object> port(PortRange range, String protocol) {
    return range.single()
        ? ordered("port", Integer.toString(range.from()), "protocol", protocol)
        : ordered(
            "port", Integer.toString(range.from()), "endPort", range.to(), "protocol", protocol);
  }

  /** Ports in entries of at most {@link #MAX_PORTS_PER_RULE}. */
  private static List<Map<String, Object>> toPorts(List<Map<String, Object>> ports) {
    var entries = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < ports.size(); i += MAX_PORTS_PER_RULE) {
      entries.add(
          ordered(
              "ports",
              List.copyOf(ports.subList(i, Math.min(ports.size(), i + MAX_PORTS_PER_RULE)))));
    }
    return entries;
  }

  private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
    var copy = new LinkedHashMap<>(map);
    copy.put(key, value);
    return copy;
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    var map = new LinkedHashMap<String, Object>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
