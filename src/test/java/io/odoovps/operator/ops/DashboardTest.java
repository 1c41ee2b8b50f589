package io.odoovps.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.odoovps.operator.api.v1alpha1.odoovps.AvailabilityStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.backup.policy.BackupMetrics;
import io.odoovps.operator.backup.policy.BackupMetricsSamples;
import io.odoovps.operator.support.TicketMetrics;
import io.odoovps.operator.testing.PrometheusServer;
import io.odoovps.operator.vps.VpsMetrics;
import io.odoovps.operator.vps.VpsMetricsSamples;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard {@code dashboards/odoovps-operator.json} against the operator's real
 * metrics: the operator's metric classes register into the Prometheus registry production uses, a
 * real Prometheus (built from its Go module) scrapes that exposition, and every panel's PromQL,
 * with the dashboard's variables replaced by concrete values, must be accepted by it and find
 * series. So a misspelt metric, a wrong label or an expression Prometheus cannot parse fails here.
 */
@SuppressWarnings("deprecation") // the simpleclient registry is the one Quarkus ships here
class DashboardTest {

  private static final Path DASHBOARD = Path.of("dashboards", "odoovps-operator.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern METRIC = Pattern.compile("\\bodoovps_[a-z0-9_]+");
  private static final String NAMESPACE = "odoo-customers";

  /** What the brief asks the dashboard to show; each must be on it. */
  private static final Set<String> REQUIRED =
      Set.of(
          "odoovps_vps",
          "odoovps_vps_traffic_bytes",
          "odoovps_vps_traffic_quota_bytes",
          "odoovps_vps_throttled",
          "odoovps_backup_runs_total",
          "odoovps_backup_failing_vps",
          "odoovps_backup_stale_vps",
          "odoovps_support_tickets",
          "odoovps_vps_availability_ratio",
          "odoovps_vps_error_budget_remaining_seconds",
          "odoovps_reconciliations_total");

  private static JsonNode dashboard;
  private static PrometheusMeterRegistry registry;
  private static HttpServer exporter;
  private static PrometheusServer prometheus;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void scrapeTheOperatorsMetrics() throws IOException {
    dashboard = JSON.readTree(DASHBOARD.toFile());
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var clock = Clock.fixed(Instant.parse("2026-03-10T12:00:00Z"), ZoneOffset.UTC);
    var vps = new VpsMetrics(registry, clock);
    VpsMetricsSamples.reconciled(
        vps,
        "uid-acme",
        NAMESPACE,
        "acme",
        VpsPhase.Running,
        new AvailabilityStatus("2026-03", 600L, null, "99.92", 11_000L),
        true,
        traffic(10_500_000_000_000L, true));
    VpsMetricsSamples.reconciled(
        vps,
        "uid-boulangerie",
        NAMESPACE,
        "boulangerie-martin",
        VpsPhase.Provisioning,
        new AvailabilityStatus("2026-03", 0L, "2026-03-10T11:50:00Z", "100.00", 11_600L),
        false,
        traffic(1_200_000_000L, false));
    VpsMetricsSamples.failed(vps);
    BackupMetricsSamples.observed(new BackupMetrics(registry), NAMESPACE, "daily-offsite", 1, 1);
    new TicketMetrics(registry);

    exporter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    exporter.createContext(
        "/metrics",
        exchange -> {
          try (exchange) {
            var body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange
                .getResponseHeaders()
                .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    exporter.start();
    prometheus = new PrometheusServer(List.of("127.0.0.1:" + exporter.getAddress().getPort()));
    // a few scrapes, so that rate() and increase() have two samples in their window
    Awaitility.await("Prometheus scraped the operator's metrics three times")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(
            () -> {
              var result = prometheus.query("count_over_time(odoovps_vps_ready{vps=\"acme\"}[1m])");
              return result.size() == 1 && result.get(0).path("value").get(1).asDouble() >= 3;
            });
  }

  private static TrafficStatus traffic(long bytes, boolean throttled) {
    return new TrafficStatus(
        "2026-03-01T00:00:00Z",
        "2026-04-01T00:00:00Z",
        bytes,
        10_000_000_000_000L,
        throttled,
        throttled ? 1 : 100,
        bytes,
        "2026-03-10T11:55:00Z",
        null,
        null,
        null);
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporter != null) {
      exporter.stop(0);
    }
  }

  /** Every target of every panel, as (panel title, expression). */
  private static List<Map.Entry<String, String>> targets() {
    var found = new ArrayList<Map.Entry<String, String>>();
    for (var panel : dashboard.path("panels")) {
      for (var target : panel.path("targets")) {
        found.add(Map.entry(panel.path("title").asText(), target.path("expr").asText()));
      }
    }
    return found;
  }

  /** The expression as Grafana sends it, with the variables set to {@code values}. */
  private static String substitute(String expr, Map<String, String> values) {
    var result =
        expr.replace("$__rate_interval", "1m")
            .replace("${__rate_interval}", "1m")
            .replace("$__interval", "15s")
            .replace("$__range", "1h");
    for (var variable : values.entrySet()) {
      result =
          result
              .replace("${" + variable.getKey() + "}", variable.getValue())
              .replace("$" + variable.getKey(), variable.getValue());
    }
    assertThat(result).as("every variable of " + expr + " replaced").doesNotContain("$");
    return result;
  }

  /** POSTs a form, as Grafana does for queries, and asserts Prometheus's {@code success}. */
  private static JsonNode post(String path, String form) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(prometheus.baseUri() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)),
        form);
  }

  /** GETs, for the endpoints that take no POST (label values), asserting {@code success}. */
  private static JsonNode get(String path, String query) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(prometheus.baseUri() + path + "?" + query)).GET(), query);
  }

  private static JsonNode send(HttpRequest.Builder request, String what)
      throws IOException, InterruptedException {
    var response =
        HTTP.send(
            request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .as("HTTP %d to %s: %s", response.statusCode(), what, response.body())
        .startsWith("application/json");
    var body = JSON.readTree(response.body());
    assertThat(body.path("status").asText())
        .as("Prometheus answered HTTP %d to %s: %s", response.statusCode(), what, response.body())
        .isEqualTo("success");
    return body;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Test
  void theDashboardIsAGrafanaModelWithADatasourceVariable() {
    assertThat(dashboard.path("uid").asText()).isEqualTo("odoovps-operator");
    var variables = new LinkedHashMap<String, JsonNode>();
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> variables.put(v.path("name").asText(), v));
    assertThat(variables).containsOnlyKeys("datasource", "namespace", "vps");
    assertThat(variables.get("datasource").path("type").asText()).isEqualTo("datasource");
    assertThat(variables.get("datasource").path("query").asText()).isEqualTo("prometheus");
    var ids = new TreeSet<Integer>();
    for (var panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique").isTrue();
      if (!"row".equals(panel.path("type").asText())) {
        assertThat(panel.path("datasource").path("uid").asText())
            .as(panel.path("title").asText())
            .isEqualTo("${datasource}");
        assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      }
    }
  }

  @Test
  void everyMetricOnTheDashboardIsOneTheOperatorRegisters() {
    var exposed = new TreeSet<String>();
    for (var line : registry.scrape().split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        exposed.add(line.split("[{ ]", 2)[0]);
      }
    }
    var used = new TreeSet<String>();
    targets()
        .forEach(t -> METRIC.matcher(t.getValue()).results().forEach(m -> used.add(m.group())));
    dashboard
        .path("templating")
        .path("list")
        .forEach(
            v ->
                METRIC
                    .matcher(v.path("definition").asText())
                    .results()
                    .forEach(m -> used.add(m.group())));
    assertThat(exposed).as("metrics the operator exposes").containsAll(used);
    assertThat(used).as("metrics the dashboard shows").containsAll(REQUIRED);
  }

  @Test
  void everyPanelQueryIsAcceptedByPrometheusAndFindsTheOperatorsSeries() throws Exception {
    var selections =
        List.of(
            Map.of("namespace", NAMESPACE, "vps", "acme"),
            Map.of("namespace", "(" + NAMESPACE + ")", "vps", "(acme|boulangerie-martin)"),
            Map.of("namespace", ".*", "vps", ".*")); // "All"
    assertThat(targets()).hasSizeGreaterThanOrEqualTo(REQUIRED.size());
    for (var values : selections) {
      for (var target : targets()) {
        var expr = substitute(target.getValue(), values);
        var body = post("/api/v1/query", "query=" + encode(expr));
        assertThat(body.path("data").path("result"))
            .as("%s: %s finds series", target.getKey(), expr)
            .isNotEmpty();
      }
    }
  }

  @Test
  void theVariableQueriesListTheNamespacesAndVpss() throws Exception {
    var values = new LinkedHashMap<String, List<String>>();
    for (var variable : dashboard.path("templating").path("list")) {
      var definition = variable.path("definition").asText();
      if (!definition.startsWith("label_values(")) {
        continue;
      }
      var inner = definition.substring("label_values(".length(), definition.length() - 1);
      var comma = inner.lastIndexOf(',');
      var selector = substitute(inner.substring(0, comma).strip(), Map.of("namespace", ".*"));
      var label = inner.substring(comma + 1).strip();
      var body = get("/api/v1/label/" + label + "/values", "match[]=" + encode(selector));
      var found = new ArrayList<String>();
      body.path("data").forEach(v -> found.add(v.asText()));
      values.put(variable.path("name").asText(), found);
    }
    assertThat(values.get("namespace")).containsExactly(NAMESPACE);
    assertThat(values.get("vps")).containsExactly("acme", "boulangerie-martin");
  }
}
