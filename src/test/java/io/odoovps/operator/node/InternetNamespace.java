package io.odoovps.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Internet as the VPS sees it, on this machine only: a network namespace joined to the node by
 * a veth pair, {@value #HOST}/30 on the node's side and {@value #ADDRESS} inside (the benchmarking
 * range of RFC 2544, outside the test's VPS pool 203.0.113.0/24; no real network), with a route
 * back to the pod network through the node. A TCP listener inside
 * (src/test/resources/node/listener.py) logs the source address of every connection, and iperf3
 * servers listen on {@value #IPERF_PORT} and {@value #IPERF_UDP_PORT}. Nothing is sent through the
 * machine's own interface: the VPS pools overlap its network.
 */
final class InternetNamespace implements AutoCloseable {

  static final String NAME = "odoovps-e2e-inet";
  static final String HOST = "198.18.0.1";
  static final String ADDRESS = "198.18.0.2";
  private static final String VETH = "ovinet0";

  /**
   * A second address inside, standing for a DDoS scrubbing centre's return path (the e2e operator's
   * `scrubbing-cidrs`), reached from the node on the same link.
   */
  static final String SCRUBBING = "198.18.0.6";

  /** The port of the iperf3 server inside. */
  static final int IPERF_PORT = 5201;

  /** A second iperf3 server, on NTP's port: the one UDP port out the filter allows but DNS. */
  static final int IPERF_UDP_PORT = 123;

  private final Path log;
  private final Process listener;
  private final List<Process> iperf;

  private InternetNamespace(Path log, Process listener, List<Process> iperf) {
    this.log = log;
    this.listener = listener;
    this.iperf = iperf;
  }

  /** The VPS pool of the e2e operator (InstalledChart), routed to the node like a provider's. */
  static final String VPS_POOL = "203.0.113.0/24";

  /**
   * The namespace, with the listener on {@code ports}; {@code podCidr} and the VPS pool are routed
   * via the node (as the provider's routers route its public ranges to the nodes that announce
   * them).
   */
  static InternetNamespace start(String podCidr, List<Integer> ports) throws Exception {
    cleanUp();
    run("ip", "netns", "add", NAME);
    run("ip", "link", "add", VETH, "type", "veth", "peer", "name", "eth0", "netns", NAME);
    run("ip", "addr", "add", HOST + "/30", "dev", VETH);
    run("ip", "link", "set", VETH, "up");
    run("ip", "-n", NAME, "addr", "add", ADDRESS + "/30", "dev", "eth0");
    run("ip", "-n", NAME, "link", "set", "eth0", "up");
    run("ip", "-n", NAME, "link", "set", "lo", "up");
    run("ip", "-n", NAME, "addr", "add", SCRUBBING + "/32", "dev", "eth0");
    run("ip", "route", "add", SCRUBBING + "/32", "dev", VETH);
    run("ip", "-n", NAME, "route", "add", podCidr, "via", HOST);
    run("ip", "-n", NAME, "route", "add", VPS_POOL, "via", HOST);
    var script = Files.createTempFile("odoovps-listener", ".py");
    try (var in = InternetNamespace.class.getResourceAsStream("/node/listener.py")) {
      Files.write(script, in.readAllBytes());
    }
    var log = Files.createTempFile("odoovps-listener", ".log");
    var command = new ArrayList<>(List.of("ip", "netns", "exec", NAME, "python3", "-u"));
    command.add(script.toString());
    command.add(log.toString());
    ports.forEach(p -> command.add(String.valueOf(p)));
    var listener = new ProcessBuilder(command).redirectErrorStream(true).start();
    var first = new String(listener.getInputStream().readNBytes("listening".length()));
    assertThat(first).as("the listener in " + NAME).isEqualTo("listening");
    // iperf3 servers (Debian's iperf3 on the machine), for the bandwidth and UDP probes
    var iperf = new ArrayList<Process>();
    for (int port : List.of(IPERF_PORT, IPERF_UDP_PORT)) {
      iperf.add(
          new ProcessBuilder(
                  "ip", "netns", "exec", NAME, "iperf3", "--server", "--port", String.valueOf(port))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start());
    }
    return new InternetNamespace(log, listener, iperf);
  }

  /** The source addresses the listener saw on {@code port}, oldest first. */
  List<String> sources(int port) throws IOException {
    return Files.readAllLines(log).stream()
        .map(line -> line.split(" "))
        .filter(f -> f.length == 2 && f[0].equals(String.valueOf(port)))
        .map(f -> f[1])
        .toList();
  }

  /** Whether a TCP connection from inside the namespace to {@code ip:port} opens within 5 s. */
  boolean connects(String ip, int port) throws Exception {
    return succeeds("timeout", "5", "bash", "-c", "</dev/tcp/" + ip + "/" + port);
  }

  /** Whether a TCP connection from {@code source} (an address inside) to {@code ip:port} opens. */
  boolean connectsFrom(String source, String ip, int port) throws Exception {
    return succeeds(
        "python3",
        "-c",
        "import socket,sys\n"
            + "s=socket.socket(); s.settimeout(5); s.bind((sys.argv[1], 0))\n"
            + "s.connect((sys.argv[2], int(sys.argv[3])))",
        source,
        ip,
        String.valueOf(port));
  }

  /** Whether the command, run inside the namespace, exits 0. */
  private static boolean succeeds(String... command) throws Exception {
    var argv = new ArrayList<>(List.of("ip", "netns", "exec", NAME));
    argv.addAll(List.of(command));
    var process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.exitValue() == 0;
  }

  @Override
  public void close() throws Exception {
    listener.destroyForcibly();
    listener.waitFor(10, TimeUnit.SECONDS);
    for (var server : iperf) {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }
    cleanUp();
    Files.deleteIfExists(log);
  }

  private static void cleanUp() throws Exception {
    new ProcessBuilder("ip", "netns", "del", NAME).start().waitFor();
    new ProcessBuilder("ip", "link", "del", VETH).start().waitFor();
  }

  private static void run(String... command) throws Exception {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
  }
}
