package io.odoovps.operator.shaper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the pod sends that its egress bucket must not hold back (pure). The bandwidth CNI plugin
 * redirects everything the pod sends into the IFB whose TBF is the egress bucket: one filter,
 * preference 1, protocol all. A throttled guest that fills its 1 Mbit/s bucket then loses its ARP
 * answers with the rest (25 ms of queue), the node stops reaching the pod ("No route to host"), and
 * kubelet's readiness probe, whose answers go the same way, counts a running VM as down. The shaper
 * lays the pod's host device's ingress filters out so:
 *
 * <ol>
 *   <li>preference 1, protocol arp: passes (a u32 filter without action ends classification);
 *   <li>preference 2, protocol ip, destination the pod's gateway (the node's address on the pod
 *       network, where kubelet's probes come from): passes;
 *   <li>preference 3, protocol all: the plugin's redirect into the IFB.
 * </ol>
 *
 * The redirect is added at 3 before the plugin's one at 1 is deleted, so nothing leaves unshaped
 * while the layout changes. The Internet is never a pod's gateway: the exemption lets through only
 * what the pod sends to its own node.
 */
public final class Exemptions {

  static final int ARP = 1;
  static final int GATEWAY = 2;
  static final int REDIRECT = 3;

  private Exemptions() {}

  /**
   * A filter of the host device's ingress qdisc as {@code tc -j filter show} reads it: its
   * preference, protocol, first u32 key ({@code value/mask@offset}) and the device it redirects to
   * ({@code ""}: none).
   */
  public record Filter(int pref, String protocol, String key, String redirectTo) {

    static Filter arp() {
      return new Filter(ARP, "arp", "0/0@0", "");
    }

    static Filter gateway(String ipv4) {
      return new Filter(GATEWAY, "ip", hex(ipv4) + "/ffffffff@16", "");
    }

    static Filter redirect(String ifb) {
      return new Filter(REDIRECT, "all", "0/0@0", ifb);
    }
  }

  /**
   * The {@code tc} commands (each an argv) that bring the device's ingress filters to the layout
   * above; none when they have it. Nothing is changed on a device whose filters redirect to no IFB
   * (the bandwidth plugin did not shape the pod's egress), nor for a gateway that is not an IPv4.
   */
  public static List<List<String>> steps(
      String device, Optional<String> ifb, List<Filter> filters, Optional<String> gateway) {
    var steps = new ArrayList<List<String>>();
    if (ifb.isEmpty()) {
      return steps;
    }
    Map<Integer, Filter> byPref = new TreeMap<>();
    for (var f : filters) {
      byPref.putIfAbsent(f.pref(), f);
    }
    ensure(steps, device, byPref, Filter.redirect(ifb.get()));
    ensure(steps, device, byPref, Filter.arp());
    gateway
        .filter(Exemptions::isIpv4)
        .ifPresent(gw -> ensure(steps, device, byPref, Filter.gateway(gw)));
    return steps;
  }

  private static void ensure(
      List<List<String>> steps, String device, Map<Integer, Filter> byPref, Filter wanted) {
    var current = byPref.get(wanted.pref());
    if (wanted.equals(current)) {
      return;
    }
    if (current != null) {
      steps.add(
          List.of(
              "tc",
              "filter",
              "del",
              "dev",
              device,
              "parent",
              "ffff:",
              "prio",
              Integer.toString(wanted.pref())));
    }
    var add =
        new ArrayList<>(
            List.of(
                "tc",
                "filter",
                "add",
                "dev",
                device,
                "parent",
                "ffff:",
                "protocol",
                wanted.protocol(),
                "prio",
                Integer.toString(wanted.pref()),
                "u32"));
    if (wanted.pref() == GATEWAY) {
      add.addAll(List.of("match", "ip", "dst", ipOf(wanted) + "/32"));
    } else {
      add.addAll(List.of("match", "u32", "0", "0"));
    }
    add.addAll(List.of("flowid", "1:1"));
    if (!wanted.redirectTo().isEmpty()) {
      add.addAll(List.of("action", "mirred", "egress", "redirect", "dev", wanted.redirectTo()));
    }
    steps.add(List.copyOf(add));
  }

  private static String ipOf(Filter gateway) {
    long v = Long.parseLong(gateway.key().substring(0, gateway.key().indexOf('/')), 16);
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }

  static boolean isIpv4(String s) {
    var parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (var p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        return false;
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** The address as tc prints a u32 key: lower-case hex without leading zeros. */
  static String hex(String ipv4) {
    long v = 0;
    for (var p : ipv4.split("\\.")) {
      v = (v << 8) | Integer.parseInt(p);
    }
    return Long.toHexString(v);
  }
}
