package io.odoovps.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A real Prometheus server, built from its Go module by `make monitoring-tools`, run as a separate
 * process on loopback with a temporary TSDB, scraping the given {@code host:port} targets every
 * second (with {@code honor_labels: true}, as KubeVirt's ServiceMonitor does).
 */
public final class PrometheusServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final int port;
  private final String routePrefix;
  private final String host;
  private final Path dir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The binary that `make monitoring-tools` builds. */
  public static Path binary() {
    return MonitoringTools.prometheus();
  }

  /** Starts Prometheus at the root path, scraping {@code targets} ({@code host:port}) every 1s. */
  public PrometheusServer(List<String> targets) {
    this(targets, "");
  }

  /**
   * Starts Prometheus serving under {@code routePrefix} (such as {@code /prometheus}, or empty for
   * the root), scraping {@code targets} ({@code host:port}) every 1s.
   */
  public PrometheusServer(List<String> targets, String routePrefix) {
    this(targets, routePrefix, "127.0.0.1", false, 1);
  }

  /**
   * Starts Prometheus on {@code host} (an address pods reach, for the node's cluster), scraping
   * {@code targets} every 5s over HTTPS without checking their certificates (virt-handler serves
   * its metrics with a self-signed one, which KubeVirt's ServiceMonitor does not check either). A
   * virt-handler beside an emulated guest at full speed often takes more than 1s to answer: with a
   * 1s timeout one scrape in five failed on the 2-core machine.
   */
  public static PrometheusServer onHostScrapingHttps(String host, List<String> targets) {
    return new PrometheusServer(targets, "", host, true, 5);
  }

  private PrometheusServer(
      List<String> targets, String routePrefix, String host, boolean https, int scrapeSeconds) {
    this.host = host;
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("Prometheus needs at least one target to scrape");
    }
    this.routePrefix = routePrefix.replaceAll("/+$", "");
    var binary = binary();
    try {
      dir = Files.createTempDirectory("prometheus-test");
      try (var socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
        port = socket.getLocalPort();
      }
      var config = dir.resolve("prometheus.yml");
      var lines = new ArrayList<String>();
      lines.addAll(
          List.of(
              "global:",
              "  scrape_interval: " + scrapeSeconds + "s",
              "  scrape_timeout: " + scrapeSeconds + "s",
              "  evaluation_interval: 1s",
              "scrape_configs:",
              "  - job_name: kubevirt",
              "    honor_labels: true"));
      if (https) {
        lines.addAll(
            List.of("    scheme: https", "    tls_config:", "      insecure_skip_verify: true"));
      }
      lines.addAll(List.of("    static_configs:", "      - targets:"));
      targets.forEach(t -> lines.add("          - '" + t + "'"));
      lines.add("");
      Files.writeString(config, String.join("\n", lines));
      var command = new ArrayList<String>();
      command.addAll(
          List.of(
              binary.toString(),
              "--config.file=" + config,
              "--storage.tsdb.path=" + dir.resolve("data"),
              "--web.listen-address=" + host + ":" + port,
              "--log.level=warn"));
      if (!this.routePrefix.isEmpty()) {
        command.add("--web.route-prefix=" + this.routePrefix);
        command.add("--web.external-url=" + base());
      }
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline && process.isAlive()) {
        try {
          var ready =
              http.send(
                  HttpRequest.newBuilder(URI.create(base() + "/-/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (ready.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      var log = log();
      close();
      throw new IllegalStateException("Prometheus did not become ready: " + log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Where Prometheus answers, with its route prefix: {@code http://<host>:<port>[/prefix]}. */
  public URI baseUri() {
    return URI.create(base());
  }

  private String base() {
    return "http://" + host + ":" + port + routePrefix;
  }

  /** Runs an instant query and returns its {@code data.result} array. */
  public JsonNode query(String promql) throws IOException, InterruptedException {
    var response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base()
                            + "/api/v1/query?query="
                            + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "query " + promql + " failed: " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body()).path("data").path("result");
  }

  /**
   * Waits until {@code promql} (which must give at most one sample) has the value {@code expected},
   * as Prometheus writes it ({@code "1234"}), or gives no sample when {@code expected} is null.
   */
  public void awaitValue(String promql, String expected, Duration timeout) {
    Awaitility.await("Prometheus: " + promql + " = " + expected)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(
            () -> {
              var result = query(promql);
              if (expected == null) {
                return result.isEmpty();
              }
              return result.size() == 1
                  && expected.equals(result.get(0).path("value").get(1).asText());
            });
  }

  public String log() throws IOException {
    var file = dir.resolve("prometheus.log");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  /** Stops Prometheus and deletes its TSDB and configuration. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (var file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
