package io.odoovps.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Alertmanager, built from its Go module by `make monitoring-tools`, run as a separate
 * process on loopback with a configuration whose only receiver is the operator's webhook.
 */
public final class AlertmanagerServer implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  /** The binary that `make monitoring-tools` builds. */
  public static Path binary() {
    return MonitoringTools.alertmanager();
  }

  /**
   * Starts Alertmanager sending every alert, grouped per alert, to {@code webhookUrl} with the
   * bearer {@code token}; repeats every {@code repeat}.
   */
  public AlertmanagerServer(String webhookUrl, String token, Duration repeat) {
    this(webhookUrl, token, repeat, "");
  }

  /** The same, with more top-level configuration appended (inhibit rules, say). */
  public AlertmanagerServer(String webhookUrl, String token, Duration repeat, String extraConfig) {
    this(webhookUrl, token, repeat, extraConfig, "['...']", 0);
  }

  /**
   * Starts Alertmanager grouping alerts by {@code groupBy} (a YAML list of label names) into one
   * notification of at most {@code maxAlerts} alerts (the receiver's `max_alerts`; 0: no limit).
   */
  public AlertmanagerServer(
      String webhookUrl, String token, Duration repeat, String groupBy, int maxAlerts) {
    this(webhookUrl, token, repeat, "", groupBy, maxAlerts);
  }

  private AlertmanagerServer(
      String webhookUrl,
      String token,
      Duration repeat,
      String extraConfig,
      String groupBy,
      int maxAlerts) {
    var binary = binary();
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: run `make monitoring-tools`");
    }
    try {
      dir = Files.createTempDirectory("alertmanager");
      try (var socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      var config = dir.resolve("alertmanager.yml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "route:",
              "  receiver: odoovps",
              "  group_by: " + groupBy,
              "  group_wait: 200ms",
              "  group_interval: 1s",
              "  repeat_interval: " + repeat.toMillis() + "ms",
              "receivers:",
              "  - name: odoovps",
              "    webhook_configs:",
              "      - url: " + webhookUrl,
              "        send_resolved: true",
              "        max_alerts: " + maxAlerts,
              "        http_config:",
              "          authorization:",
              "            type: Bearer",
              "            credentials: " + token,
              extraConfig));
      process =
          new ProcessBuilder(
                  binary.toString(),
                  "--config.file=" + config,
                  "--storage.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--cluster.listen-address=",
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("alertmanager.log").toFile())
              .start();
      var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        try {
          var ready =
              http.send(
                  HttpRequest.newBuilder(URI.create(base() + "/-/ready")).build(),
                  HttpResponse.BodyHandlers.discarding());
          if (ready.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException(
          "Alertmanager did not become ready: "
              + Files.readString(dir.resolve("alertmanager.log")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  /** Posts alerts (a JSON array in API v2 form) as Prometheus would. */
  public void post(String alertsJson) throws IOException, InterruptedException {
    var response =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v2/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(alertsJson))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "Alertmanager refused the alerts: " + response.statusCode() + " " + response.body());
    }
  }

  public String log() throws IOException {
    return Files.readString(dir.resolve("alertmanager.log"));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
