package io.odoovps.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.odoovps.operator.testing.PrometheusServer;
import io.odoovps.operator.testing.SyntheticExporter;
import io.odoovps.operator.traffic.PrometheusTraffic.Reading;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PrometheusTraffic} against a real Prometheus (built from its Go module by `make
 * monitoring-tools`) scraping a synthetic KubeVirt exporter every second. Each test uses VMs of its
 * own, so they share one Prometheus.
 */
class PrometheusTrafficTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SCRAPED = Duration.ofSeconds(20);

  private static SyntheticExporter exporter;
  private static PrometheusServer prometheus;
  private static PrometheusTraffic traffic;

  @BeforeAll
  static void start() {
    exporter = new SyntheticExporter();
    prometheus = new PrometheusServer(List.of(exporter.target()));
    traffic = new PrometheusTraffic(prometheus.baseUri(), TIMEOUT, Optional.empty());
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  @Test
  void readsOneSumPerVmAcrossNamespacesAndInterfaces() throws IOException {
    exporter.set("shop-a", "odoo-sum", "default", 1_000);
    exporter.set("shop-a", "odoo-sum", "net1", 234);
    exporter.set("shop-b", "odoo-sum", "default", 10_000_000_000_000L); // 10 TB, exact in a double
    var a = new ResourceID("odoo-sum", "shop-a");
    var b = new ResourceID("odoo-sum", "shop-b");

    awaitBytes(a, 1_234);
    awaitBytes(b, 10_000_000_000_000L);
    var before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    var readings = traffic.transmitBytes();
    var after = Instant.now();

    assertThat(readings.get(a).bytes()).isEqualTo(1_234);
    assertThat(readings.get(b).bytes()).isEqualTo(10_000_000_000_000L);
    // An instant query stamps every result with its evaluation time (millisecond precision), not
    // with the scrape time of the samples it summed.
    assertThat(readings.get(a).at()).isBetween(before, after);
    assertThat(readings.get(b).at()).isEqualTo(readings.get(a).at());
    assertThat(readings.get(a).at().getNano() % 1_000_000).isZero();
  }

  @Test
  void aCounterThatDropsIsReportedAsTheLowerValue() {
    exporter.set("shop-reset", "odoo-reset", "default", 5_000);
    var vm = new ResourceID("odoo-reset", "shop-reset");
    awaitBytes(vm, 5_000);

    exporter.set("shop-reset", "odoo-reset", "default", 700); // the VMI restarted
    awaitBytes(vm, 700);
  }

  @Test
  void anUnpluggedInterfaceLowersTheSumLikeAReset() {
    exporter.set("shop-nic", "odoo-nic", "default", 4_000);
    exporter.set("shop-nic", "odoo-nic", "net1", 6_000);
    var vm = new ResourceID("odoo-nic", "shop-nic");
    awaitBytes(vm, 10_000);

    exporter.remove("shop-nic", "odoo-nic", "net1");
    awaitBytes(vm, 4_000);
  }

  @Test
  void aVmGoneFromTheExporterDisappearsAtTheNextScrapeNotAfterTheLookback() throws IOException {
    exporter.set("shop-gone", "odoo-gone", "default", 100);
    exporter.set("shop-gone", "odoo-stays", "default", 200);
    var gone = new ResourceID("odoo-gone", "shop-gone");
    var stays = new ResourceID("odoo-stays", "shop-gone");
    awaitBytes(gone, 100);
    awaitBytes(stays, 200);

    exporter.remove("shop-gone", "odoo-gone");
    var removed = System.nanoTime();
    // Prometheus writes a staleness marker for a series missing from a successful scrape, so the
    // VM drops out within a scrape or two (1s apart), not after the 5 min lookback delta.
    await("odoo-gone stale")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !traffic.transmitBytes().containsKey(gone));
    assertThat(Duration.ofNanos(System.nanoTime() - removed)).isLessThan(Duration.ofSeconds(10));
    assertThat(traffic.transmitBytes().get(stays).bytes()).isEqualTo(200);
  }

  @Test
  void answersUnderARoutePrefixWithOrWithoutATrailingSlash() throws IOException {
    exporter.set("shop-prefix", "odoo-prefix", "default", 42);
    try (var prefixed = new PrometheusServer(List.of(exporter.target()), "/prometheus")) {
      var base = prefixed.baseUri();
      assertThat(base.getPath()).isEqualTo("/prometheus");
      var vm = new ResourceID("odoo-prefix", "shop-prefix");
      for (var uri : List.of(base, URI.create(base + "/"))) {
        var client = new PrometheusTraffic(uri, TIMEOUT, Optional.of("not-checked-by-prometheus"));
        await("42 bytes through " + uri)
            .atMost(SCRAPED)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> bytes(client.transmitBytes(), vm) == 42);
      }
      // the same server without the prefix answers 404
      var root = URI.create("http://" + base.getAuthority());
      assertThatThrownBy(
              () -> new PrometheusTraffic(root, TIMEOUT, Optional.empty()).transmitBytes())
          .isInstanceOf(IOException.class)
          .hasMessageContaining(root + "/api/v1/query")
          .hasMessageContaining("HTTP 404");
    }
  }

  @Test
  void aStoppedPrometheusFailsNamingTheUrlButNotTheToken() {
    URI base;
    try (var stopped = new PrometheusServer(List.of(exporter.target()))) {
      base = stopped.baseUri();
    }
    var secret = "s3cret-token-value";
    var client = new PrometheusTraffic(base, TIMEOUT, Optional.of(secret));

    assertThatThrownBy(client::transmitBytes)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot query Prometheus at " + base + "/api/v1/query")
        .hasMessageContaining("ConnectException")
        .hasMessageNotContaining(secret);
  }

  @Test
  void aWrongPathFailsWithTheStatusAndTheUrlWithoutItsUserInfo() {
    var wrong =
        URI.create(
            "http://odoovps:pa55word@" + prometheus.baseUri().getAuthority() + "/not-prometheus");
    var client = new PrometheusTraffic(wrong, TIMEOUT, Optional.of("s3cret-token-value"));

    assertThatThrownBy(client::transmitBytes)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "Prometheus at http://" + prometheus.baseUri().getAuthority() + "/not-prometheus")
        .hasMessageContaining("HTTP 404")
        .hasMessageNotContaining("pa55word")
        .hasMessageNotContaining("s3cret-token-value");
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws IOException {
    // The kernel completes the TCP handshake into the backlog; nobody ever reads the request.
    try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      var base = URI.create("http://127.0.0.1:" + silent.getLocalPort());
      var client = new PrometheusTraffic(base, Duration.ofMillis(500), Optional.empty());

      assertThatThrownBy(client::transmitBytes)
          .isInstanceOf(IOException.class)
          .hasMessageContaining(base + "/api/v1/query")
          .hasMessageContaining("did not answer within PT0.5S");
    }
  }

  /**
   * What Prometheus does not produce on demand (an error document, a non-JSON answer, a token
   * check), shown with a stand-in that answers canned bodies.
   */
  @Test
  void sendsTheBearerTokenAndRejectsErrorsAndGarbage() throws IOException {
    var authorizations = new ConcurrentLinkedQueue<String>();
    var answers =
        Map.of(
            "/ok",
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"namespace\":\"ns\",\"name\":\"vm\"},"
                + "\"value\":[1712345678.123,\"9007199254740993\"]},"
                + "{\"metric\":{},\"value\":[1712345678.123,\"5\"]}]}}",
            "/error",
            "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}",
            "/html",
            "<html><body>proxy login</body></html>",
            "/matrix",
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}",
            "/nan",
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"namespace\":\"ns\",\"name\":\"vm\"},"
                + "\"value\":[1712345678,\"NaN\"]}]}}");
    var stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          try (exchange) {
            authorizations.add(
                String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            var prefix = exchange.getRequestURI().getPath().replace("/api/v1/query", "");
            var body = answers.get(prefix).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(prefix.equals("/error") ? 400 : 200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    stub.start();
    try {
      var base = "http://127.0.0.1:" + stub.getAddress().getPort();
      var ok =
          new PrometheusTraffic(URI.create(base + "/ok"), TIMEOUT, Optional.of("t0ken"))
              .transmitBytes();
      assertThat(authorizations).containsExactly("Bearer t0ken");
      // 2^53 + 1 is not a double: the nearest one, 2^53, is what arrives; the series with no VMI
      // labels belongs to no VM.
      assertThat(ok)
          .containsExactly(
              Map.entry(
                  new ResourceID("vm", "ns"),
                  new Reading(9007199254740992L, Instant.parse("2024-04-05T19:34:38.123Z"))));

      for (var path : List.of("/error", "/html", "/matrix", "/nan")) {
        var client = new PrometheusTraffic(URI.create(base + path), TIMEOUT, Optional.of("t0ken"));
        assertThatThrownBy(client::transmitBytes)
            .isInstanceOf(IOException.class)
            .hasMessageStartingWith("Prometheus at " + base + path + "/api/v1/query ")
            .hasMessageNotContaining("t0ken");
      }
      var error = new PrometheusTraffic(URI.create(base + "/error"), TIMEOUT, Optional.empty());
      assertThatThrownBy(error::transmitBytes)
          .hasMessageEndingWith("answered HTTP 400 with an error: bad_data: parse error");
    } finally {
      stub.stop(0);
    }
  }

  private static void awaitBytes(ResourceID vm, long bytes) {
    await(vm + " at " + bytes + " bytes")
        .atMost(SCRAPED)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> bytes(traffic.transmitBytes(), vm) == bytes);
  }

  private static long bytes(Map<ResourceID, Reading> readings, ResourceID vm) {
    var reading = readings.get(vm);
    return reading == null ? -1 : reading.bytes();
  }
}
