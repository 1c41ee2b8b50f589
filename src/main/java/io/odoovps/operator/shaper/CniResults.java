package io.odoovps.operator.shaper;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The results the container runtime's CNI library caches for each pod sandbox
 * (`/var/lib/cni/results/<network>-<sandbox id>-<interface>`, kind `cniCacheV1`): they name the
 * host-side device of the pod's interface, which nothing in the Kubernetes API does.
 */
public final class CniResults {

  private CniResults() {}

  /**
   * The host-side interfaces (those without a sandbox: the pod's veth peer, and the bridge or IFB
   * devices the chain made) of a cached result that gave the pod this address; empty when the
   * result is for another address.
   */
  public static List<String> hostInterfaces(JsonNode cached, String podIp) {
    var result = cached.has("result") ? cached.get("result") : cached;
    boolean ours = false;
    for (var ip : result.path("ips")) {
      var address = ip.path("address").asText("");
      int slash = address.indexOf('/');
      if ((slash < 0 ? address : address.substring(0, slash)).equals(podIp)) {
        ours = true;
      }
    }
    var names = new ArrayList<String>();
    if (!ours) {
      return names;
    }
    for (var iface : result.path("interfaces")) {
      var sandbox = iface.path("sandbox").asText("");
      var name = iface.path("name").asText("");
      if (sandbox.isEmpty() && !name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * The gateway the result gave the pod's address (the node's address on the pod network, with a
   * bridge plugin that is the gateway), if any.
   */
  public static java.util.Optional<String> gateway(JsonNode cached, String podIp) {
    var result = cached.has("result") ? cached.get("result") : cached;
    for (var ip : result.path("ips")) {
      var address = ip.path("address").asText("");
      int slash = address.indexOf('/');
      if ((slash < 0 ? address : address.substring(0, slash)).equals(podIp)
          && !ip.path("gateway").asText("").isEmpty()) {
        return java.util.Optional.of(ip.path("gateway").asText());
      }
    }
    return java.util.Optional.empty();
  }
}
