package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.AlertmanagerServer;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Alertmanager webhook when notifications go wrong, on the real API server with the real
 * receiver (Vert.x) and, where Alertmanager's own behaviour matters, a real Alertmanager: one bad
 * alert never costs the others their tickets, the token is checked before any body byte is read,
 * the cap, and transient API server failures (a failing admission webhook, an unreachable API
 * server) answered 503 with retries that never duplicate a ticket.
 */
class AlertWebhookSafetyApiServerTest extends VpsOperatorTestBase {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "safety-bearer-token-0123456789";
  private static final int MAX_BODY = 256 * 1024;
  private static final int CAP = 250;
  private static final int SMALL_CAP = 5;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger notifications = new AtomicInteger();
  private final AtomicInteger maxAlertsSeen = new AtomicInteger();
  private final List<String> outages = new ArrayList<>();
  private KubernetesClient deskClient;
  private KubernetesClient unreachableClient;
  private Vertx vertx;
  private HttpServer server;
  private AlertmanagerServer alertmanager;

  @Override
  protected TestOperator newOperator() {
    return TestOperator.start(
        namespace,
        new SupportTicketReconciler(TestConfig.support(Map.of()), clock, mailbox.mailer()));
  }

  @BeforeEach
  void startReceivers() throws Exception {
    // the desk's client retries a 5xx once (the operator's retries 10 times, over about 20 s: the
    // same answer in the end, and a test that waits 20 s for it proves nothing more)
    deskClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(ControlPlane.get().config("odoovps-test"))
                    .withRequestRetryBackoffLimit(1)
                    .build())
            .build();
    // a client of an API server that is not there: nothing listens on its port
    unreachableClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(ControlPlane.get().config("odoovps-test"))
                    .withMasterUrl("https://127.0.0.1:" + closedPort())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
    vertx = Vertx.vertx();
    var router = Router.router(vertx);
    var metrics = new WebhookMetrics(registry);
    var window = Duration.ofHours(24);
    new AlertWebhook(new TicketDesk(deskClient, clock, window, CAP, metrics), Optional.of(TOKEN)) {
      @Override
      public void handle(RoutingContext ctx) {
        notifications.incrementAndGet();
        try {
          var alerts = JSON.readTree(ctx.body().buffer().getBytes()).path("alerts").size();
          maxAlertsSeen.accumulateAndGet(alerts, Math::max);
        } catch (IOException e) {
          // not JSON: the receiver answers 400
        }
        super.handle(ctx);
      }
    }.mount(router, "/webhook", MAX_BODY);
    new AlertWebhook(
            new TicketDesk(deskClient, clock, window, SMALL_CAP, metrics), Optional.of(TOKEN))
        .mount(router, "/capped", MAX_BODY);
    new AlertWebhook(
            new TicketDesk(unreachableClient, clock, window, CAP, metrics), Optional.of(TOKEN))
        .mount(router, "/unreachable", MAX_BODY);
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get();
  }

  @AfterEach
  void stopReceivers() throws Exception {
    for (var outage : outages) {
      client
          .admissionRegistration()
          .v1()
          .validatingWebhookConfigurations()
          .withName(outage)
          .delete();
    }
    if (alertmanager != null) {
      alertmanager.close();
    }
    server.close().toCompletionStage().toCompletableFuture().get();
    vertx.close().toCompletionStage().toCompletableFuture().get();
    deskClient.close();
    unreachableClient.close();
  }

  private static int closedPort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  // --- notifications -------------------------------------------------------------------------

  private static Map<String, Object> alert(
      String status, String namespace, String vps, String fingerprint) {
    var labels = new LinkedHashMap<String, String>();
    labels.put("alertname", "OdooVpsCpuSaturated");
    if (namespace != null) {
      labels.put("namespace", namespace);
    }
    if (vps != null) {
      labels.put("vps", vps);
    }
    labels.put("indicator", "cpu");
    labels.put("severity", "warning");
    var alert = new LinkedHashMap<String, Object>();
    alert.put("status", status);
    alert.put("labels", labels);
    alert.put("annotations", Map.of("summary", "CPU of " + vps + " saturated"));
    alert.put("startsAt", "2026-03-01T09:45:00Z");
    alert.put("fingerprint", fingerprint);
    return alert;
  }

  private Map<String, Object> firing(String vps, String fingerprint) {
    return alert("firing", namespace, vps, fingerprint);
  }

  private static String notification(List<Map<String, Object>> alerts, int truncated)
      throws IOException {
    var body = new LinkedHashMap<String, Object>();
    body.put("version", "4");
    body.put("groupKey", "{}:{namespace=\"test\"}");
    body.put("status", "firing");
    body.put("receiver", "odoovps");
    body.put("alerts", alerts);
    body.put("truncatedAlerts", truncated);
    return JSON.writeValueAsString(body);
  }

  private HttpResponse<String> post(String path, List<Map<String, Object>> alerts)
      throws Exception {
    return post(path, notification(alerts, 0));
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static List<String> reasons(JsonNode reports) {
    return StreamSupport.stream(reports.spliterator(), false)
        .map(r -> r.path("fingerprint").asText() + "=" + r.path("reason").asText())
        .toList();
  }

  private List<SupportTicket> tickets() {
    return client.resources(SupportTicket.class).inNamespace(namespace).list().getItems();
  }

  private List<String> ticketFingerprints() {
    return tickets().stream()
        .map(t -> t.getMetadata().getLabels())
        .filter(labels -> labels != null && labels.containsKey(TicketDesk.FINGERPRINT_LABEL))
        .map(labels -> labels.get(TicketDesk.FINGERPRINT_LABEL))
        .sorted()
        .toList();
  }

  private double counter(String name, String reason) {
    var counter = registry.find(name).tag("reason", reason).counter();
    return counter == null ? Double.NaN : counter.count();
  }

  /** Alertmanager-like fingerprints whose first six digits (in the ticket name) differ. */
  private static String fingerprint(int i) {
    return "%06x%010x".formatted(i, 0);
  }

  // --- one bad alert -------------------------------------------------------------------------

  @Test
  void aNotificationOfTwoHundredAlertsWithOneBadGivesOneHundredNinetyNineTicketsAndNamesTheBadOne()
      throws Exception {
    var alerts = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < 200; i++) {
      alerts.add(
          i == 137 ? firing("x".repeat(64), "bad000000000000d") : firing("shop", fingerprint(i)));
    }
    var response = post("/webhook", alerts);

    assertThat(response.statusCode()).isEqualTo(200);
    var outcome = json(response);
    assertThat(outcome.path("opened").asInt()).isEqualTo(199);
    assertThat(outcome.path("retry").asBoolean()).isFalse();
    assertThat(reasons(outcome.path("refused"))).containsExactly("bad000000000000d=vps-invalid");
    assertThat(outcome.path("refused").get(0).path("message").asText())
        .startsWith("label vps (64 characters) cannot name an OdooVps")
        .doesNotContain("x".repeat(64));
    assertThat(outcome.path("deferred")).isEmpty();
    assertThat(tickets()).hasSize(199);
    assertThat(ticketFingerprints()).doesNotHaveDuplicates().doesNotContain("bad000000000000d");
    assertThat(counter(WebhookMetrics.REFUSED, "vps-invalid")).isEqualTo(1);

    // Alertmanager repeats the notification: nothing more, nothing twice
    var repeat = json(post("/webhook", alerts));
    assertThat(repeat.path("opened").asInt()).isZero();
    assertThat(repeat.path("unchanged").asInt()).isEqualTo(199);
    assertThat(tickets()).hasSize(199);
  }

  @Test
  void aMissingNamespaceAnUnknownOneAnOverlongVpsATakenNameAndAnUnknownStatusAreEachReported()
      throws Exception {
    // a ticket opened by hand holds the name the desk would give incident abcdef...
    var hand = new SupportTicket();
    hand.setMetadata(
        new ObjectMetaBuilder()
            .withName("desk-odoovpscpusaturated-abcdef-1")
            .withNamespace(namespace)
            .build());
    var spec = new SupportTicketSpec();
    spec.setVps("desk");
    spec.setSummary("Opened by hand");
    hand.setSpec(spec);
    client.resource(hand).create();

    var watchdog = new LinkedHashMap<String, Object>();
    watchdog.put("status", "firing");
    watchdog.put("labels", Map.of("alertname", "Watchdog"));
    var response =
        post(
            "/webhook",
            List.of(
                firing("shop", "600d000000000001"),
                alert("firing", "nowhere-" + namespace, "shop", "0000000000000002"),
                alert("firing", null, "shop", "0000000000000003"),
                firing("shop-" + "y".repeat(60), "0000000000000004"),
                firing("desk", "abcdef0000000005"),
                alert("pending", namespace, "shop", "0000000000000006"),
                watchdog));

    assertThat(response.statusCode()).isEqualTo(200);
    var outcome = json(response);
    assertThat(outcome.path("opened").asInt()).isEqualTo(1);
    assertThat(outcome.path("skipped").asInt()).isEqualTo(1);
    assertThat(reasons(outcome.path("refused")))
        .containsExactly(
            "0000000000000002=namespace-not-found",
            "0000000000000003=namespace-missing",
            "0000000000000004=vps-invalid",
            "abcdef0000000005=name-taken",
            "0000000000000006=status-unknown");
    assertThat(outcome.path("refused").get(0).path("message").asText())
        .isEqualTo(
            "label namespace names a namespace that does not exist (nowhere-" + namespace + ")");
    assertThat(response.body()).doesNotContain(TOKEN);
    assertThat(ticketFingerprints()).containsExactly("600d000000000001");
    for (var reason :
        List.of(
            "namespace-not-found",
            "namespace-missing",
            "vps-invalid",
            "name-taken",
            "status-unknown")) {
      assertThat(counter(WebhookMetrics.REFUSED, reason)).as(reason).isEqualTo(1);
    }
    // tagged by reason only: never by namespace, VPS or alert
    assertThat(registry.find(WebhookMetrics.REFUSED).counters())
        .isNotEmpty()
        .allSatisfy(
            c ->
                assertThat(c.getId().getTags())
                    .singleElement()
                    .satisfies(t -> assertThat(t.getKey()).isEqualTo("reason")));
  }

  // --- the token before the body --------------------------------------------------------------

  /** Sends {@code head} (a request line and headers) and nothing else; returns all it got back. */
  private String sendHeadOnly(String head) throws IOException {
    try (var socket = new Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(10_000); // a receiver waiting for the body never answers: this fails
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      // read to the end: the receiver answers and closes the connection without the body
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** Sends {@code head} and nothing else; returns the first line of the answer. */
  private String firstLine(String head) throws IOException {
    try (var socket = new Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new java.io.BufferedReader(
              new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void anUnauthenticatedRequestIsAnsweredFromItsHeadersBeforeAnyByteOfItsBodyIsSent()
      throws Exception {
    // larger than the limit, no token: 401, not 413 (the size bound comes after the token)
    var huge =
        sendHeadOnly(
            "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + (64L * MAX_BODY)
                + "\r\n\r\n");
    assertThat(huge).startsWith("HTTP/1.1 401").contains("WWW-Authenticate: Bearer");
    // within the limit, a wrong token: 401 at once, though not one byte of the body came
    var wrong =
        sendHeadOnly(
            "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer not-it\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + (MAX_BODY - 1)
                + "\r\n\r\n");
    assertThat(wrong).startsWith("HTTP/1.1 401");
    // a chunked body, announced and never sent
    var chunked =
        sendHeadOnly(
            "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    assertThat(chunked).startsWith("HTTP/1.1 401");
    // with the token, the size bound answers a body announced too large
    var tooLarge =
        firstLine(
            "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + TOKEN
                + "\r\nContent-Length: "
                + (64L * MAX_BODY)
                + "\r\n\r\n");
    assertThat(tooLarge).startsWith("HTTP/1.1 413");
    assertThat(notifications).hasValue(0);
    assertThat(tickets()).isEmpty();
  }

  // --- the cap --------------------------------------------------------------------------------

  @Test
  void aNotificationOverTheCapRecordsTheFirstAlertsAndReportsTheRestWithoutARetry()
      throws Exception {
    var alerts = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < 8; i++) {
      alerts.add(firing("shop", fingerprint(i)));
    }
    var response = post("/capped", notification(alerts, 2));

    assertThat(response.statusCode()).isEqualTo(200);
    var outcome = json(response);
    assertThat(outcome.path("opened").asInt()).isEqualTo(SMALL_CAP);
    assertThat(outcome.path("overLimit").asInt()).isEqualTo(3);
    assertThat(outcome.path("truncatedByAlertmanager").asInt()).isEqualTo(2);
    assertThat(outcome.path("retry").asBoolean()).isFalse();
    assertThat(ticketFingerprints())
        .containsExactly(
            fingerprint(0), fingerprint(1), fingerprint(2), fingerprint(3), fingerprint(4));
    assertThat(counter(WebhookMetrics.REFUSED, "over-limit")).isEqualTo(3);
    assertThat(counter(WebhookMetrics.REFUSED, "truncated-by-alertmanager")).isEqualTo(2);
  }

  // --- transient failures ---------------------------------------------------------------------

  /**
   * An admission webhook that nobody serves, failing closed, on {@code resource} ({@code
   * operation}) for the tickets of VPS {@code vps} in this namespace only: the API server answers
   * those requests 500 ("failed calling webhook"), as during a real webhook outage.
   */
  private void outage(String resource, String operation, String vps) throws IOException {
    var name = namespace + "-" + vps + "-outage";
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(
            new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addNewWebhook()
                .withName("outage.odoovps.test")
                .withNewClientConfig()
                .withUrl("https://127.0.0.1:" + closedPort() + "/")
                .endClientConfig()
                .addNewRule()
                .withApiGroups("odoovps.io")
                .withApiVersions("v1alpha1")
                .withOperations(operation)
                .withResources(resource)
                .withScope("Namespaced")
                .endRule()
                .withNewNamespaceSelector()
                .addToMatchLabels("kubernetes.io/metadata.name", namespace)
                .endNamespaceSelector()
                .withNewObjectSelector()
                .addToMatchLabels(VpsLabels.VPS, vps)
                .endObjectSelector()
                .withFailurePolicy("Fail")
                .withSideEffects("None")
                .withAdmissionReviewVersions("v1")
                .withTimeoutSeconds(2)
                .endWebhook()
                .build())
        .create();
    outages.add(name);
  }

  private void endOutage(String vps) {
    var name = namespace + "-" + vps + "-outage";
    client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).delete();
    outages.remove(name);
  }

  /** A ticket of VPS {@code vps} that no incident owns, to see when an outage is in force. */
  private SupportTicket probe(String vps) {
    var ticket = new SupportTicket();
    ticket.setMetadata(
        new ObjectMetaBuilder()
            .withName("probe-" + vps)
            .withNamespace(namespace)
            .addToLabels(VpsLabels.VPS, vps)
            .build());
    var spec = new SupportTicketSpec();
    spec.setVps(vps);
    spec.setSummary("probe");
    ticket.setSpec(spec);
    return ticket;
  }

  /**
   * The API server's answer to a dry-run creation of a ticket of {@code vps}, through the desk's
   * client, which retries a 500 once (the test's own client would for about 20 s).
   */
  private String createAnswer(String vps) {
    try {
      deskClient.resource(probe(vps)).dryRun().create();
      return "201";
    } catch (KubernetesClientException e) {
      return e.getCode() + " " + e.getMessage();
    }
  }

  /** The API server's answer to a status write on the probe ticket of {@code vps}. */
  private String statusWriteAnswer(String vps) {
    try {
      deskClient
          .resources(SupportTicket.class)
          .inNamespace(namespace)
          .withName("probe-" + vps)
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"openedAt\":null}}");
      return "200";
    } catch (KubernetesClientException e) {
      return e.getCode() + " " + e.getMessage();
    }
  }

  @Test
  void aTicketTheApiServerRefusesWith500Answers503AndTheRetryAddsOnlyTheMissingTicket()
      throws Exception {
    outage("supporttickets", "CREATE", "bravo");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(createAnswer("bravo")).startsWith("500 "));
    var alerts =
        List.of(
            firing("alpha", "a1a1a1a1a1a1a1a1"),
            firing("bravo", "b2b2b2b2b2b2b2b2"),
            firing("charlie", "c3c3c3c3c3c3c3c3"));

    var first = post("/webhook", alerts);
    assertThat(first.statusCode()).isEqualTo(503);
    var outcome = json(first);
    assertThat(outcome.path("retry").asBoolean()).isTrue();
    assertThat(outcome.path("opened").asInt()).isEqualTo(2);
    assertThat(reasons(outcome.path("deferred")))
        .containsExactly("b2b2b2b2b2b2b2b2=api-server-error");
    assertThat(outcome.path("deferred").get(0).path("message").asText())
        .startsWith("the API server answered 500");
    assertThat(ticketFingerprints()).containsExactly("a1a1a1a1a1a1a1a1", "c3c3c3c3c3c3c3c3");
    assertThat(counter(WebhookMetrics.DEFERRED, "api-server-error")).isEqualTo(1);

    // the outage ends; Alertmanager sends the notification again
    endOutage("bravo");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(createAnswer("bravo")).isEqualTo("201"));
    var retry = post("/webhook", alerts);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(json(retry).path("opened").asInt()).isEqualTo(1);
    assertThat(json(retry).path("unchanged").asInt()).isEqualTo(2);
    assertThat(ticketFingerprints())
        .containsExactly("a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2", "c3c3c3c3c3c3c3c3");
  }

  @Test
  void aTicketCreatedWhoseStatusWriteFailedIsOpenedByTheRetryNotCreatedTwice() throws Exception {
    client.resource(probe("delta")).create();
    outage("supporttickets/status", "UPDATE", "delta");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(statusWriteAnswer("delta")).startsWith("500 "));
    client.resources(SupportTicket.class).inNamespace(namespace).withName("probe-delta").delete();
    var alerts = List.of(firing("delta", "d4d4d4d4d4d4d4d4"));

    var first = post("/webhook", alerts);
    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(reasons(json(first).path("deferred")))
        .containsExactly("d4d4d4d4d4d4d4d4=api-server-error");
    // created, not opened: no phase
    assertThat(ticketFingerprints()).containsExactly("d4d4d4d4d4d4d4d4");
    var halfOpened = tickets().get(0);
    assertThat(halfOpened.getStatus() == null ? null : halfOpened.getStatus().phase()).isNull();

    endOutage("delta");
    client.resource(probe("delta")).create();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(statusWriteAnswer("delta")).isEqualTo("200"));
    client.resources(SupportTicket.class).inNamespace(namespace).withName("probe-delta").delete();
    var retry = post("/webhook", alerts);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(json(retry).path("opened").asInt()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(ticketFingerprints()).containsExactly("d4d4d4d4d4d4d4d4"));
    var opened = tickets().get(0);
    assertThat(opened.getMetadata().getName()).isEqualTo(halfOpened.getMetadata().getName());
    assertThat(opened.getStatus().phase()).isEqualTo(Phase.Open);
    assertThat(opened.getStatus().openedAt()).isEqualTo("2026-03-01T10:00:00Z");
    // and once more: a repeat
    assertThat(json(post("/webhook", alerts)).path("unchanged").asInt()).isEqualTo(1);
  }

  @Test
  void anUnreachableApiServerAnswers503AndTheRestOfTheNotificationIsNotTried() throws Exception {
    var watchdog = new LinkedHashMap<String, Object>();
    watchdog.put("status", "firing");
    watchdog.put("labels", Map.of("alertname", "Watchdog"));
    var response =
        post(
            "/unreachable",
            List.of(
                firing("alpha", "a1a1a1a1a1a1a1a1"),
                firing("bravo", "b2b2b2b2b2b2b2b2"),
                firing("x".repeat(70), "0000000000000003"),
                watchdog));

    assertThat(response.statusCode()).isEqualTo(503);
    var outcome = json(response);
    assertThat(reasons(outcome.path("deferred")))
        .containsExactly("a1a1a1a1a1a1a1a1=api-server-unreachable", "b2b2b2b2b2b2b2b2=not-tried");
    // what needs no API server is still sorted: refused for good, skipped
    assertThat(reasons(outcome.path("refused"))).containsExactly("0000000000000003=vps-invalid");
    assertThat(outcome.path("skipped").asInt()).isEqualTo(1);
    assertThat(counter(WebhookMetrics.DEFERRED, "api-server-unreachable")).isEqualTo(1);
    assertThat(counter(WebhookMetrics.DEFERRED, "not-tried")).isEqualTo(1);
  }

  // --- with a real Alertmanager ---------------------------------------------------------------

  private static String amAlert(String namespace, String vps) {
    return "{\"labels\":{\"alertname\":\"OdooVpsCpuSaturated\",\"namespace\":\"%s\",\"vps\":\"%s\",\"indicator\":\"cpu\"},\"annotations\":{\"summary\":\"CPU of %s\"},\"startsAt\":\"%s\"}"
        .formatted(namespace, vps, vps, Instant.now().minusSeconds(60));
  }

  @Test
  void alertmanagerRetriesThe503UntilTheMissingTicketIsRecordedAndNoneIsDuplicated()
      throws Exception {
    outage("supporttickets", "CREATE", "bravo");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(createAnswer("bravo")).startsWith("500 "));
    alertmanager =
        new AlertmanagerServer(url("/webhook"), TOKEN, Duration.ofHours(1), "['namespace']", 0);
    alertmanager.post("[" + amAlert(namespace, "alpha") + "," + amAlert(namespace, "bravo") + "]");

    // alpha recorded, bravo refused 500, so 503: Alertmanager sends the notification again, and
    // again while the outage lasts
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> counter(WebhookMetrics.DEFERRED, "api-server-error") >= 1);
    var deferredOnce = notifications.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> notifications.get() > deferredOnce);
    // (Alertmanager may send a first group that holds bravo alone: alpha comes with a later one)
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(tickets().stream().map(t -> t.getSpec().getVps()))
                    .containsExactly("alpha"));

    endOutage("bravo");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(tickets()).hasSize(2));
    var seen = notifications.get();
    assertThat(tickets().stream().map(t -> t.getSpec().getVps()))
        .containsExactlyInAnyOrder("alpha", "bravo");
    assertThat(ticketFingerprints()).doesNotHaveDuplicates();
    // answered 200 at last: Alertmanager stops sending (its repeat interval is an hour)
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> notifications.get() == seen && tickets().size() == 2);
  }

  @Test
  void alertsAlertmanagerTruncatesForTheReceiversMaxAlertsAreCounted() throws Exception {
    alertmanager =
        new AlertmanagerServer(url("/webhook"), TOKEN, Duration.ofHours(1), "['namespace']", 2);
    alertmanager.post(
        "["
            + amAlert(namespace, "alpha")
            + ","
            + amAlert(namespace, "bravo")
            + ","
            + amAlert(namespace, "charlie")
            + "]");

    // Alertmanager may send the group before all three are in it; once it holds all three, it
    // sends two and says it left one out
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> counter(WebhookMetrics.REFUSED, "truncated-by-alertmanager") >= 1);
    assertThat(maxAlertsSeen).hasValueLessThanOrEqualTo(2);
    assertThat(tickets()).hasSizeBetween(2, 3);
    assertThat(ticketFingerprints()).doesNotHaveDuplicates();
  }
}
