package io.odoovps.operator.shaper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The node's network devices, read and changed with iproute2's {@code ip} and {@code tc} (their
 * JSON output); {@code prefix} runs them elsewhere (tests: {@code ip netns exec NAME}).
 */
public final class HostNetwork {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<String> prefix;

  public HostNetwork(List<String> prefix) {
    this.prefix = List.copyOf(prefix);
  }

  /** Whether the device exists and is a veth. */
  public boolean isVeth(String device) throws IOException {
    var links = json("ip", "-j", "-d", "link", "show", "dev", device);
    return links.isPresent()
        && links.get().path(0).path("linkinfo").path("info_kind").asText("").equals("veth");
  }

  /** The device's root qdisc if it is a TBF (its rate read back in bytes per second). */
  public Optional<TokenBucket> rootTbf(String device) throws IOException {
    var qdiscs = json("tc", "-j", "qdisc", "show", "dev", device);
    if (qdiscs.isEmpty()) {
      return Optional.empty();
    }
    for (var q : qdiscs.get()) {
      if (q.path("root").asBoolean(false) && q.path("kind").asText("").equals("tbf")) {
        var options = q.path("options");
        return Optional.of(
            new TokenBucket(options.path("rate").asLong() * 8, options.path("burst").asLong()));
      }
    }
    return Optional.empty();
  }

  /** The device its ingress qdisc redirects to (a mirred action), if any. */
  public Optional<String> ingressRedirect(String device) throws IOException {
    var filters = json("tc", "-j", "filter", "show", "dev", device, "parent", "ffff:");
    if (filters.isEmpty()) {
      return Optional.empty();
    }
    for (var f : filters.get()) {
      for (var action : f.path("options").path("actions")) {
        if (action.path("kind").asText("").equals("mirred")
            && action.path("mirred_action").asText("").equals("redirect")
            && !action.path("to_dev").asText("").isEmpty()) {
          return Optional.of(action.path("to_dev").asText());
        }
      }
    }
    return Optional.empty();
  }

  /** The filters of the device's ingress qdisc, one per preference (its first u32 key). */
  public List<Exemptions.Filter> ingressFilters(String device) throws IOException {
    var filters = new ArrayList<Exemptions.Filter>();
    var listed = json("tc", "-j", "filter", "show", "dev", device, "parent", "ffff:");
    if (listed.isEmpty()) {
      return filters;
    }
    for (var f : listed.get()) {
      var options = f.path("options");
      if (!options.has("match")) {
        continue; // the preference's or the hash table's own line
      }
      var match = options.path("match");
      var redirect = "";
      for (var action : options.path("actions")) {
        if (action.path("kind").asText("").equals("mirred")
            && action.path("mirred_action").asText("").equals("redirect")) {
          redirect = action.path("to_dev").asText("");
        }
      }
      filters.add(
          new Exemptions.Filter(
              f.path("pref").asInt(),
              f.path("protocol").asText(""),
              match.path("value").asText("")
                  + "/"
                  + match.path("mask").asText("")
                  + "@"
                  + match.path("off").asInt(),
              redirect));
    }
    return filters;
  }

  /** Runs one {@code tc} command (an argv from {@link Exemptions#steps}). */
  public void tc(List<String> argv) throws IOException {
    run(argv, false);
  }

  /** The pod's devices as they are now. */
  public Shaping.Devices devices(String hostDevice) throws IOException {
    var ifb = ingressRedirect(hostDevice);
    return new Shaping.Devices(
        hostDevice,
        rootTbf(hostDevice),
        ifb,
        ifb.isPresent() ? rootTbf(ifb.get()) : Optional.empty());
  }

  /**
   * Puts a new root TBF on the device in one step: a fresh qdisc under the other of the handles
   * {@code 1:} and {@code 2:}, grafted in place of the old one, whose queue goes with it. A TBF
   * changed under its own handle keeps its queue, and a packet queued there that is larger than the
   * new, smaller bucket never leaves: seen on a running VPS throttled while it sent at 100 Mbit/s,
   * nine 48 KB segmentation-offload packets held the IFB's 1 Mbit/s bucket (32 KiB) for good, and
   * the pod sent nothing more, its ARP answers included. What the old queue held (its 25 ms and
   * burst) is dropped; TCP sends it again.
   */
  public void replace(Shaping.Change change) throws IOException {
    var argv =
        new ArrayList<>(
            List.of(
                "tc",
                "qdisc",
                "replace",
                "dev",
                change.device(),
                "root",
                "handle",
                otherHandle(rootHandle(change.device()))));
    argv.addAll(change.bucket().tcArguments());
    run(argv, false);
  }

  /** The handle that is not {@code current} among 1: and 2:. */
  static String otherHandle(Optional<String> current) {
    return current.map(h -> h.equals("1:") ? "2:" : "1:").orElse("1:");
  }

  /** The handle of the device's root qdisc, if it has one of its own. */
  Optional<String> rootHandle(String device) throws IOException {
    var qdiscs = json("tc", "-j", "qdisc", "show", "dev", device);
    if (qdiscs.isEmpty()) {
      return Optional.empty();
    }
    for (var q : qdiscs.get()) {
      if (q.path("root").asBoolean(false)) {
        return Optional.of(q.path("handle").asText(""));
      }
    }
    return Optional.empty();
  }

  /** Runs an nft script ({@code nft -f -}): one transaction, all of it or nothing. */
  public void nft(String script) throws IOException {
    var command = new ArrayList<>(prefix);
    command.addAll(List.of("nft", "-f", "-"));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = process.getOutputStream()) {
      in.write(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    var out = new String(process.getInputStream().readAllBytes()).strip();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("nft -f -: no answer in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("nft -f -: interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("nft -f -: exit " + process.exitValue() + ": " + out);
    }
  }

  /** The shaper's nftables table as nft lists it, or empty when there is none. */
  public String listLimits() throws IOException {
    var out = run(List.of("nft", "list", "table", "inet", PacketLimits.TABLE), true);
    return out == null ? "" : out;
  }

  private Optional<JsonNode> json(String... argv) throws IOException {
    var out = run(List.of(argv), true);
    if (out == null || out.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(JSON.readTree(out));
  }

  /**
   * Runs the command; a failure is an exception, or null when {@code absentOk} (no such device).
   */
  private String run(List<String> argv, boolean absentOk) throws IOException {
    var command = new ArrayList<>(prefix);
    command.addAll(argv);
    var process = new ProcessBuilder(command).redirectErrorStream(false).start();
    byte[] out;
    byte[] err;
    try {
      out = process.getInputStream().readAllBytes();
      err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", argv) + ": no answer in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", argv) + ": interrupted", e);
    }
    if (process.exitValue() != 0) {
      if (absentOk) {
        return null;
      }
      throw new IOException(
          String.join(" ", argv)
              + ": exit "
              + process.exitValue()
              + ": "
              + new String(err).strip());
    }
    return new String(out);
  }
}
