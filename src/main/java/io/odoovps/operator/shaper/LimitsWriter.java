package io.odoovps.operator.shaper;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

/**
 * Keeps the node's packet-limit table in step with the VPS pods it runs (acts on a change only).
 */
final class LimitsWriter {

  private final HostNetwork net;
  private final int udpPps;
  private final int icmpPps;
  private final PrintStream log;
  private String written;

  LimitsWriter(HostNetwork net, int udpPps, int icmpPps, PrintStream log) {
    this.net = net;
    this.udpPps = udpPps;
    this.icmpPps = icmpPps;
    this.log = log;
  }

  /** Writes the table for these pods (those running with an address) if it changed. */
  synchronized void write(List<Pod> pods) {
    var addresses =
        pods.stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
            .map(p -> p.getStatus().getPodIP())
            .filter(ip -> !ip.isBlank() && !ip.contains(":"))
            .toList();
    var script = PacketLimits.script(addresses, udpPps, icmpPps);
    if (script.equals(written)) {
      return;
    }
    try {
      net.nft(script);
      written = script;
      log.println(
          Instant.now()
              + " packet limits: "
              + addresses.size()
              + " VPS pods, UDP "
              + udpPps
              + "/s, ICMP "
              + icmpPps
              + "/s each way");
    } catch (IOException e) {
      log.println(Instant.now() + " packet limits not written: " + e.getMessage());
    }
  }
}
