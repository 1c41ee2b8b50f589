package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.testing.AlertmanagerServer;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.vps.OdooVpsReconciler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Supervision to tickets with a real Alertmanager (built from its Go module) posting to the
 * operator's webhook receiver, tickets on the real API server, the helpdesk emailed through a real
 * SMTP server, and the support minutes in the VPS's status.
 */
class AlertmanagerTicketsApiServerTest extends VpsOperatorTestBase {

  private static final String TOKEN = "test-bearer-token-0123456789";
  private static final String PATH = "/alertmanager/webhook";

  private Vertx vertx;
  private HttpServer server;
  private final AtomicInteger notifications = new AtomicInteger();
  private AlertmanagerServer alertmanager;
  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  protected TestOperator newOperator() {
    var support =
        TestConfig.support(Map.of("odoovps.support.helpdesk.email", "helpdesk@provider.example"));
    return TestOperator.start(
        namespace,
        new OdooVpsReconciler(config(), clock, mailbox.mailer()),
        new SupportTicketReconciler(support, clock, mailbox.mailer()));
  }

  @BeforeEach
  void startReceiverAndAlertmanager() throws Exception {
    vertx = Vertx.vertx();
    var router = Router.router(vertx);
    var desk = new TicketDesk(client, clock, Duration.ofHours(24));
    new AlertWebhook(desk, java.util.Optional.of(TOKEN)) {
      @Override
      public void handle(RoutingContext ctx) {
        notifications.incrementAndGet();
        super.handle(ctx);
      }
    }.mount(router, PATH, 64 * 1024);
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get();
    alertmanager = new AlertmanagerServer(url(), TOKEN, Duration.ofSeconds(2));
  }

  @AfterEach
  void stopReceiverAndAlertmanager() throws Exception {
    if (alertmanager != null) {
      alertmanager.close();
    }
    server.close().toCompletionStage().toCompletableFuture().get();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private String url() {
    return "http://127.0.0.1:" + server.actualPort() + PATH;
  }

  private String alert(String vps, Instant startsAt, Instant endsAt) {
    return "[{\"labels\":{\"alertname\":\"OdooVpsCpuSaturated\",\"namespace\":\""
        + namespace
        + "\",\"vps\":\""
        + vps
        + "\",\"severity\":\"warning\",\"indicator\":\"cpu\"},"
        + "\"annotations\":{\"summary\":\"CPU of "
        + vps
        + " above 90% of its 2 vCPUs for 15 minutes\"},"
        + "\"startsAt\":\""
        + startsAt
        + "\""
        + (endsAt == null ? "" : ",\"endsAt\":\"" + endsAt + "\"")
        + "}]";
  }

  private List<SupportTicket> tickets() {
    return client.resources(SupportTicket.class).inNamespace(namespace).list().getItems();
  }

  private List<io.odoovps.operator.testing.TestMailbox.Mail> helpdeskMail() {
    return mailbox.receivedBy("helpdesk@provider.example");
  }

  @Test
  void aFiringAlertOpensOneTicketRepeatsDoNotDuplicateItResolutionClosesItAndAReFireReopensIt()
      throws Exception {
    create(VpsFixtures.vps(namespace, "alpha"));
    var started = Instant.now().minusSeconds(60);
    alertmanager.post(alert("alpha", started, null));

    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(tickets()).hasSize(1);
              assertThat(
                      io.fabric8.kubernetes.client.utils.Serialization.asYaml(
                          tickets().get(0).getStatus()))
                  .contains("phase: \"Open\"");
              assertThat(tickets().get(0).getStatus().email().forwarded()).isEqualTo(1);
            });
    var ticket = tickets().get(0);
    // who: the VPS's customer, copied to the ticket; kubectl get shows who, which VPS, what, since
    assertThat(ticket.getStatus().customer().name()).isEqualTo("Alice Martin");
    assertThat(ticket.getStatus().customer().email()).isEqualTo("alpha@customer.example");
    var row = TicketTable.rows(client, namespace).get(ticket.getMetadata().getName());
    assertThat(row)
        .containsEntry("Customer", "Alice Martin")
        .containsEntry("VPS", "alpha")
        .containsEntry("Alert", "OdooVpsCpuSaturated")
        .containsEntry("Phase", "Open")
        .containsEntry("Since", "2026-03-01T10:00:00Z");
    assertThat(row.get("Summary")).asString().contains("CPU of alpha");
    assertThat(ticket.getSpec().getVps()).isEqualTo("alpha");
    assertThat(ticket.getSpec().getAlert().name()).isEqualTo("OdooVpsCpuSaturated");
    assertThat(ticket.getSpec().getAlert().indicator()).isEqualTo("cpu");
    assertThat(ticket.getSpec().getSummary()).contains("CPU of alpha");
    assertThat(ticket.getStatus().openedAt()).isEqualTo("2026-03-01T10:00:00Z");
    var mail = helpdeskMail();
    assertThat(mail).hasSize(1);
    assertThat(mail.get(0).subject())
        .contains(ticket.getMetadata().getName())
        .contains("OdooVpsCpuSaturated")
        .contains("alpha");
    assertThat(mail.get(0).body()).contains("Alice Martin <alpha@customer.example>");
    assertThat(eventReasons(ticket.getMetadata().getName())).contains("Forwarded");

    // Alertmanager repeats the notification (repeat_interval 2 s) and Prometheus re-sends the
    // alert: still one ticket, one email
    alertmanager.post(alert("alpha", started, null));
    var before = notifications.get();
    await().atMost(Duration.ofSeconds(20)).until(() -> notifications.get() >= before + 2);
    assertThat(tickets()).hasSize(1);
    assertThat(helpdeskMail()).hasSize(1);

    // resolution closes it
    alertmanager.post(alert("alpha", started, Instant.now().minusSeconds(1)));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(tickets().get(0).getStatus().phase()).isEqualTo(Phase.Resolved));
    assertThat(tickets().get(0).getStatus().resolvedAt()).isEqualTo("2026-03-01T10:00:00Z");

    // the same incident fires again within the window: reopened, forwarded again
    clock.advance(Duration.ofHours(2));
    alertmanager.post(alert("alpha", Instant.now(), null));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(tickets()).hasSize(1);
              var reopened = tickets().get(0).getStatus();
              assertThat(reopened.phase()).isEqualTo(Phase.Open);
              assertThat(reopened.reopenCount()).isEqualTo(1);
              assertThat(reopened.email().forwarded()).isEqualTo(2);
            });
    assertThat(helpdeskMail()).hasSize(2);

    // resolved, then a day later it fires again: a new ticket
    alertmanager.post(
        alert("alpha", Instant.now().minusSeconds(30), Instant.now().minusSeconds(1)));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(tickets().get(0).getStatus().phase()).isEqualTo(Phase.Resolved));
    clock.advance(Duration.ofHours(25));
    alertmanager.post(alert("alpha", Instant.now(), null));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(tickets()).hasSize(2));
  }

  @Test
  void minutesRecordedOnTicketsCountAgainstTheVpsTwentyMinutesOfTheBillingCycle() {
    create(VpsFixtures.vps(namespace, "alpha"));
    var ticket = new SupportTicket();
    ticket.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("alpha-dns")
            .withNamespace(namespace)
            .build());
    var spec = new SupportTicketSpec();
    spec.setVps("alpha");
    spec.setSummary("Customer asks to point a domain at the VPS");
    spec.setWork(
        List.of(
            new SupportTicketSpec.Work(12, "2026-03-01T09:00:00Z", "support-1", "DNS records"),
            // the previous billing cycle (it started 2026-02-15): does not count
            new SupportTicketSpec.Work(7, "2026-02-10T09:00:00Z", "support-2", "earlier")));
    ticket.setSpec(spec);
    client.resource(ticket).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var support = vps("alpha").getStatus().getSupport();
              assertThat(support.minutesUsed()).isEqualTo(12);
              assertThat(support.minutesLeft()).isEqualTo(8);
              assertThat(support.minutesIncluded()).isEqualTo(20);
              assertThat(support.periodStart()).isEqualTo("2026-02-15T09:00:00Z");
              assertThat(support.openTickets()).isEqualTo(1);
              assertThat(
                      client
                          .resources(SupportTicket.class)
                          .inNamespace(namespace)
                          .withName("alpha-dns")
                          .get()
                          .getStatus()
                          .minutesSpent())
                  .isEqualTo(19);
            });

    // staff append an intervention with kubectl patch --type json
    client
        .resources(SupportTicket.class)
        .inNamespace(namespace)
        .withName("alpha-dns")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/spec/work/-\",\"value\":{\"minutes\":15,\"at\":\"2026-03-02T08:00:00Z\",\"by\":\"support-1\"}}]");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var support = vps("alpha").getStatus().getSupport();
              assertThat(support.minutesUsed()).isEqualTo(27);
              assertThat(support.minutesLeft()).isZero();
            });
  }

  @Test
  void theReceiverRefusesMissingOrWrongTokensOversizedAndMalformedBodies() throws Exception {
    assertThat(post(null, "{}").statusCode()).isEqualTo(401);
    assertThat(post("Bearer wrong-token", "{\"alerts\":[]}").statusCode()).isEqualTo(401);
    assertThat(post("Basic " + TOKEN, "{\"alerts\":[]}").statusCode()).isEqualTo(401);
    assertThat(post("Bearer " + TOKEN, "x".repeat(70 * 1024)).statusCode()).isEqualTo(413);
    assertThat(post("Bearer " + TOKEN, "not json").statusCode()).isEqualTo(400);
    assertThat(post("Bearer " + TOKEN, "{\"alerts\":[null]}").statusCode()).isEqualTo(400);
    var ok =
        post(
            "Bearer " + TOKEN,
            "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"Watchdog\"}}]}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("\"skipped\":1");
    assertThat(tickets()).isEmpty();
  }

  @Test
  void anAlertWhoseVpsLabelCannotNameAnOdooVpsIsRefusedAndReportedNotRetried() throws Exception {
    for (var vps : List.of("1shop", "v".repeat(39))) {
      var response =
          post(
              "Bearer " + TOKEN,
              "{\"version\":\"4\",\"alerts\":"
                  + alert(vps, clock.instant(), null)
                      .replaceFirst("^\\[\\{", "[{\"status\":\"firing\",")
                  + "}");
      assertThat(response.statusCode()).as(vps).isEqualTo(200);
      assertThat(response.body())
          .as(vps)
          .contains("\"retry\":false", "cannot name an OdooVps", "at most 38 characters");
    }
    assertThat(tickets()).isEmpty();
  }

  private HttpResponse<String> post(String authorization, String body) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(url()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
