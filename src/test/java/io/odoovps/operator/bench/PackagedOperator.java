package io.odoovps.operator.bench;

import io.odoovps.operator.testing.ControlPlane;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged operator (the image's entrypoint) as a process, with its metrics endpoint. */
final class PackagedOperator implements AutoCloseable {

  private final Process process;
  private final int httpPort;
  private final HttpClient http = HttpClient.newHttpClient();

  PackagedOperator(Map<String, String> properties, Path log) throws IOException {
    try (var socket = new ServerSocket(0)) {
      httpPort = socket.getLocalPort();
    }
    var command =
        new ArrayList<>(
            List.of(
                "java",
                "-Xmx" + System.getProperty("bench.operator.xmx", "1g"),
                "-Dquarkus.http.port=" + httpPort));
    // e.g. -XX:StartFlightRecording=filename=target/bench/operator.jfr, to profile a run
    var options = System.getProperty("bench.operator.jvm.options", "").trim();
    if (!options.isEmpty()) {
      command.addAll(List.of(options.split("\\s+")));
    }
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()));
    var builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", ControlPlane.get().kubeconfig().toString());
    process = builder.start();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The Prometheus exposition of the operator, or "" while it is not serving yet. */
  String metrics() {
    try {
      var response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Sum of the samples of the metric families whose names start with the prefix. */
  double metric(String prefix) {
    return metrics()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Whether the operator exports a series whose line starts with {@code prefix}. */
  boolean hasMetric(String prefix) {
    return metrics().lines().anyMatch(l -> l.startsWith(prefix));
  }

  /**
   * The heap still in use after a full collection (jcmd GC.run, then the heap metric): the live
   * set, what a memory limit must hold, unlike the heap in use at a random moment.
   */
  double liveHeapBytes() throws IOException, InterruptedException {
    var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    var gc =
        new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
      return -1;
    }
    return metric("jvm_memory_used_bytes{area=\"heap\"");
  }

  /**
   * The live objects by class (jcmd GC.class_histogram, which collects first), as jcmd prints it:
   * rank, instances, bytes, class; the largest first.
   */
  String classHistogram() throws IOException, InterruptedException {
    var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    var histogram =
        new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    var text = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return histogram.waitFor(120, TimeUnit.SECONDS) ? text : "";
  }

  /** Resident set size of the process, from /proc. */
  long rssBytes() throws IOException {
    for (var line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** SIGKILL, as a node failure or an OOM kill would: no shutdown hook, no graceful stop. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
