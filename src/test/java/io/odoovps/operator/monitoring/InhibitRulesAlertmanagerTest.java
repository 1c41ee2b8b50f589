package io.odoovps.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.odoovps.operator.testing.AlertmanagerServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inhibit rules the docs give platforms ({@code config/alertmanager/inhibit-rules.yaml}) on a
 * real Alertmanager: while {@code OdooVpsDown} fires for a VPS its burn-rate alerts do not reach
 * the ticket receiver, nor a slow burn while the fast one fires; other VPSs are not inhibited.
 * Inhibition mutes what fires while the inhibiting alert fires: the inhibiting alerts go first.
 */
class InhibitRulesAlertmanagerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "inhibit-test-token";

  /** What reached the receiver: alertname, burn, namespace/vps of each firing alert. */
  private final Set<String> received = ConcurrentHashMap.newKeySet();

  private HttpServer receiver;
  private AlertmanagerServer alertmanager;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/alerts",
        exchange -> {
          var body = JSON.readTree(exchange.getRequestBody().readAllBytes());
          for (var alert : body.path("alerts")) {
            if ("firing".equals(alert.path("status").asText())) {
              var labels = alert.path("labels");
              received.add(
                  labels.path("alertname").asText()
                      + "/"
                      + labels.path("burn").asText("-")
                      + "/"
                      + labels.path("namespace").asText()
                      + "/"
                      + labels.path("vps").asText());
            }
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    var rules =
        Files.readString(
            Path.of("config", "alertmanager", "inhibit-rules.yaml"), StandardCharsets.UTF_8);
    alertmanager =
        new AlertmanagerServer(
            "http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts",
            TOKEN,
            Duration.ofHours(1),
            rules);
  }

  @AfterEach
  void stop() throws Exception {
    alertmanager.close();
    receiver.stop(0);
  }

  private static String alert(String name, String burn, String vps) {
    var labels = new StringBuilder();
    labels.append("\"alertname\":\"").append(name).append('"');
    labels.append(",\"namespace\":\"acme\",\"vps\":\"").append(vps).append('"');
    labels.append(",\"indicator\":\"availability\"");
    if (burn != null) {
      labels.append(",\"burn\":\"").append(burn).append('"');
    }
    return "{\"labels\":{%s},\"startsAt\":\"%s\"}"
        .formatted(labels, Instant.now().minusSeconds(60));
  }

  private void post(String... alerts) throws Exception {
    alertmanager.post("[" + String.join(",", alerts) + "]");
  }

  @Test
  void theDownAlertInhibitsTheBurnRatesOfItsVpsAndTheFastBurnTheSlowOne() throws Exception {
    // the inhibiting alerts fire first: shop is down, erp flaps (a fast burn)
    post(alert("OdooVpsDown", null, "shop"), alert("OdooVpsAvailabilityBurnRate", "fast", "erp"));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(received)
                    .containsExactlyInAnyOrder(
                        "OdooVpsDown/-/acme/shop", "OdooVpsAvailabilityBurnRate/fast/acme/erp"));

    // then the burn rates they cause: shop's both muted by its Down, erp's slow by its fast; a
    // third VPS's slow burn is not inhibited by the others'
    post(
        alert("OdooVpsAvailabilityBurnRate", "fast", "shop"),
        alert("OdooVpsAvailabilityBurnRate", "slow", "shop"),
        alert("OdooVpsAvailabilityBurnRate", "slow", "erp"),
        alert("OdooVpsAvailabilityBurnRate", "slow", "crm"));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(received).contains("OdooVpsAvailabilityBurnRate/slow/acme/crm"));
    // more notification rounds pass (group_interval 1s): nothing inhibited ever arrives
    await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> true);
    assertThat(received)
        .containsExactlyInAnyOrderElementsOf(
            List.of(
                "OdooVpsDown/-/acme/shop",
                "OdooVpsAvailabilityBurnRate/fast/acme/erp",
                "OdooVpsAvailabilityBurnRate/slow/acme/crm"));
  }
}
