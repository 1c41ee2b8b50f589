package io.odoovps.operator.shaper;

import java.util.List;
import java.util.TreeSet;

/**
 * The UDP and ICMP packet rates of every VPS pod of the node, as one nftables table that the shaper
 * owns ({@value #TABLE}, pure): for each pod address, each way, packets above the rate are dropped
 * ({@code limit rate over N/second}, one counter per rule, so per VPS and direction). The forward
 * hook sees a VPS's packets with its pod address, before kube-vip's egress SNAT and after the
 * Service's DNAT. NetworkPolicy cannot limit a rate; TBF limits bytes, not packets.
 */
public final class PacketLimits {

  public static final String TABLE = "odoovps-shaper";

  private PacketLimits() {}

  /**
   * The nft script that replaces the table in one transaction (create if missing, delete, create
   * again with the rules), or deletes it when there is nothing to limit.
   *
   * @param addresses the VPS pods' IPv4 addresses on this node
   * @param udpPps UDP packets per second each way per VPS; 0: not limited
   * @param icmpPps ICMP packets per second each way per VPS; 0: not limited
   */
  public static String script(List<String> addresses, int udpPps, int icmpPps) {
    var sorted = new TreeSet<>(addresses);
    var out = new StringBuilder();
    out.append("table inet ").append(TABLE).append('\n');
    out.append("delete table inet ").append(TABLE).append('\n');
    if (sorted.isEmpty() || (udpPps <= 0 && icmpPps <= 0)) {
      return out.toString();
    }
    out.append("table inet ").append(TABLE).append(" {\n");
    out.append("  chain forward {\n");
    out.append("    type filter hook forward priority -10; policy accept;\n");
    for (var ip : sorted) {
      if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        throw new IllegalArgumentException("not an IPv4 address: " + ip);
      }
      for (var way : List.of("saddr", "daddr")) {
        if (udpPps > 0) {
          rule(out, way, ip, "udp", udpPps);
        }
        if (icmpPps > 0) {
          rule(out, way, ip, "icmp", icmpPps);
        }
      }
    }
    out.append("  }\n}\n");
    return out.toString();
  }

  private static void rule(StringBuilder out, String way, String ip, String protocol, int pps) {
    out.append("    ip ")
        .append(way)
        .append(' ')
        .append(ip)
        .append(" meta l4proto ")
        .append(protocol)
        .append(" limit rate over ")
        .append(pps)
        .append("/second burst ")
        .append(Math.max(1, pps / 10))
        .append(" packets counter drop\n");
  }
}
