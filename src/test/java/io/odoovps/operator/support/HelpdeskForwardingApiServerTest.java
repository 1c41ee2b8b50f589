package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestMailbox;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.vps.OdooVpsReconciler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Forwarding tickets to the helpdesk on the real API server: the email through a real SMTP server
 * (GreenMail) and the webhook to a real HTTP server in this JVM that can be made to fail. Each
 * channel is delivered once per opening and retried on its own. Tickets opened by hand are opened,
 * forwarded, resolved and reopened by the operator from `spec.resolved`, on a movable clock.
 */
class HelpdeskForwardingApiServerTest extends VpsOperatorTestBase {

  private static final String HELPDESK = "helpdesk@provider.example";
  private static final String TOKEN = "helpdesk-token-not-a-real-one";
  private static final String URL_KEY = "url-key-not-a-real-one";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the helpdesk webhook received: the Authorization header, the body, the answer. */
  record Post(String authorization, JsonNode body, int answered) {}

  private HttpServer helpdesk;
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final AtomicInteger answer = new AtomicInteger(200);

  /** Run by the helpdesk webhook before it answers, with the ticket's name. */
  private volatile Consumer<String> onPost = name -> {};

  private SupportTicketReconciler reconciler;

  @Override
  protected TestOperator newOperator() {
    if (helpdesk == null) {
      startHelpdesk();
    }
    var support =
        TestConfig.support(
            Map.of(
                "odoovps.support.helpdesk.email",
                HELPDESK,
                "odoovps.support.helpdesk.webhook-url",
                webhookUrl(),
                "odoovps.support.helpdesk.webhook-token",
                TOKEN,
                "odoovps.support.helpdesk.retry-interval",
                "1s"));
    reconciler = new SupportTicketReconciler(support, clock, mailbox.mailer());
    return TestOperator.start(
        namespace, new OdooVpsReconciler(config(), clock, mailbox.mailer()), reconciler);
  }

  private void startHelpdesk() {
    try {
      helpdesk = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    helpdesk.createContext(
        "/tickets",
        exchange -> {
          try (exchange) {
            var body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            onPost.accept(body.get("ticket").asText());
            var code = answer.get();
            posts.add(new Post(exchange.getRequestHeaders().getFirst("Authorization"), body, code));
            exchange.sendResponseHeaders(code, -1);
          }
        });
    helpdesk.start();
  }

  @AfterEach
  void stopHelpdesk() {
    helpdesk.stop(0);
  }

  /** The helpdesk's URL, with a credential in its query as some helpdesks want it. */
  private String webhookUrl() {
    return "http://127.0.0.1:" + helpdesk.getAddress().getPort() + "/tickets?key=" + URL_KEY;
  }

  private List<TestMailbox.Mail> helpdeskMail() {
    return mailbox.receivedBy(HELPDESK);
  }

  private List<Post> delivered(int opening) {
    return posts.stream()
        .filter(p -> p.answered() == 200 && p.body().get("opening").asInt() == opening)
        .toList();
  }

  private SupportTicket ticket(String name) {
    return client.resources(SupportTicket.class).inNamespace(namespace).withName(name).get();
  }

  private static String condition(SupportTicket ticket, String type) {
    return ticket.getStatus() == null
        ? null
        : ConditionList.find(ticket.getStatus().conditions(), type)
            .map(c -> c.getStatus() + "/" + c.getReason())
            .orElse(null);
  }

  private AlertmanagerPayload alert(String status, Instant startsAt) {
    return new AlertmanagerPayload(
        "4",
        "{}:{alertname=\"OdooVpsMemoryPressure\"}",
        status,
        "odoovps",
        List.of(
            new AlertmanagerPayload.Alert(
                status,
                Map.of(
                    "alertname", "OdooVpsMemoryPressure",
                    "namespace", namespace,
                    "vps", "alpha",
                    "severity", "warning",
                    "indicator", "memory"),
                Map.of("summary", "Memory of alpha above 90% for 10 minutes"),
                startsAt.toString(),
                "resolved".equals(status) ? Instant.now().toString() : null,
                "a1b2c3d4e5f60708")));
  }

  /** Every text the operator wrote about the ticket where people or tools read it. */
  private String everythingWritten(String name) {
    var events = events(name).stream().map(e -> e.getReason() + " " + e.getMessage()).toList();
    return Serialization.asYaml(ticket(name)) + String.join("\n", events);
  }

  /** What support staff create with kubectl: a ticket without an alert. */
  private SupportTicket openByHand(String name, String vps, String summary) {
    var ticket = new SupportTicket();
    ticket.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    var spec = new SupportTicketSpec();
    spec.setVps(vps);
    spec.setSummary(summary);
    ticket.setSpec(spec);
    client.resource(ticket).create();
    return ticket;
  }

  @Test
  void aFailingWebhookIsRetriedAloneWithoutASecondEmailAndEachOpeningGoesOnceOnEachChannel() {
    create(VpsFixtures.vps(namespace, "alpha"));
    var desk = new TicketDesk(client, clock, Duration.ofHours(24));
    answer.set(503);
    var started = Instant.parse("2026-03-01T09:45:00Z");
    desk.receive(alert("firing", started));

    // the email goes once; the webhook is refused, retried every second, each time on its own
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(posts.stream().filter(p -> p.answered() == 503)).hasSizeGreaterThan(3);
              assertThat(helpdeskMail()).hasSize(1);
            });
    var tickets = client.resources(SupportTicket.class).inNamespace(namespace).list().getItems();
    assertThat(tickets).hasSize(1);
    var ticketName = tickets.get(0).getMetadata().getName();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var status = ticket(ticketName).getStatus();
              assertThat(status.email().forwarded()).isEqualTo(1);
              assertThat(status.email().lastError()).isNull();
              assertThat(status.webhook().forwarded()).isNull();
              assertThat(status.webhook().lastError())
                  .isEqualTo("the helpdesk webhook answered HTTP 503");
              assertThat(condition(ticket(ticketName), SupportTicketReconciler.FORWARDED))
                  .isEqualTo("False/ForwardFailed");
            });
    assertThat(eventReasons(ticketName)).contains("Forwarded", "ForwardFailed");
    // one ForwardFailed Event for the same problem, not one per retry
    assertThat(eventReasons(ticketName).stream().filter("ForwardFailed"::equals)).hasSize(1);
    assertThat(helpdeskMail()).hasSize(1);

    // the helpdesk recovers: the webhook takes the opening once, and the retries stop
    answer.set(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(delivered(1)).hasSize(1);
              var status = ticket(ticketName).getStatus();
              assertThat(status.webhook().forwarded()).isEqualTo(1);
              assertThat(status.webhook().lastError()).isNull();
              assertThat(condition(ticket(ticketName), SupportTicketReconciler.FORWARDED))
                  .isEqualTo("True/Forwarded");
            });
    var settled = posts.size();
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> posts.size() == settled);
    assertThat(helpdeskMail()).hasSize(1);

    // what the helpdesk received: who, which VPS, what, since when, with the bearer token
    var post = delivered(1).get(0);
    assertThat(post.authorization()).isEqualTo("Bearer " + TOKEN);
    var body = post.body();
    assertThat(body.get("ticket").asText()).isEqualTo(ticketName);
    assertThat(body.get("namespace").asText()).isEqualTo(namespace);
    assertThat(body.get("vps").asText()).isEqualTo("alpha");
    assertThat(body.get("customer").get("name").asText()).isEqualTo("Alice Martin");
    assertThat(body.get("customer").get("email").asText()).isEqualTo("alpha@customer.example");
    assertThat(body.get("openedBy").asText()).isEqualTo("alert");
    assertThat(body.get("alert").asText()).isEqualTo("OdooVpsMemoryPressure");
    assertThat(body.get("indicator").asText()).isEqualTo("memory");
    assertThat(body.get("severity").asText()).isEqualTo("warning");
    assertThat(body.get("labels").get("vps").asText()).isEqualTo("alpha");
    assertThat(body.get("summary").asText()).isEqualTo("Memory of alpha above 90% for 10 minutes");
    assertThat(body.get("since").asText()).isEqualTo("2026-03-01T09:45:00Z");
    assertThat(body.get("openedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(body.get("phase").asText()).isEqualTo("Open");
    assertThat(body.get("opening").asInt()).isEqualTo(1);
    assertThat(body.get("reopenCount").asInt()).isZero();

    // resolved, then the incident fires again within the reopen window: a new opening, which
    // goes once on each channel
    desk.receive(alert("resolved", started));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(ticket(ticketName).getStatus().phase()).isEqualTo(Phase.Resolved));
    clock.advance(Duration.ofHours(2));
    desk.receive(alert("firing", started));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(delivered(2)).hasSize(1);
              assertThat(helpdeskMail()).hasSize(2);
              var status = ticket(ticketName).getStatus();
              assertThat(status.email().forwarded()).isEqualTo(2);
              assertThat(status.webhook().forwarded()).isEqualTo(2);
            });
    var reopening = delivered(2).get(0).body();
    assertThat(reopening.get("reopenCount").asInt()).isEqualTo(1);
    assertThat(reopening.get("since").asText()).isEqualTo("2026-03-01T12:00:00Z");
    assertThat(delivered(1)).hasSize(1);

    // neither the URL's credential nor the token appear in status or Events
    assertThat(everythingWritten(ticketName))
        .doesNotContain(URL_KEY)
        .doesNotContain(TOKEN)
        .doesNotContain("127.0.0.1");
  }

  @Test
  void aTicketOpenedByHandIsOpenedForwardedResolvedByStaffAndReopened() throws Exception {
    create(VpsFixtures.vps(namespace, "alpha"));
    var ticket = openByHand("alpha-dns", "alpha", "Customer asks to point a domain at the VPS");
    var spec = ticket.getSpec();

    // opened by the operator at its clock's time, forwarded on both channels, counted open
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var status = ticket("alpha-dns").getStatus();
              assertThat(status.phase()).isEqualTo(Phase.Open);
              assertThat(status.openedAt()).isEqualTo("2026-03-01T10:00:00Z");
              assertThat(status.customer().name()).isEqualTo("Alice Martin");
              assertThat(status.email().forwarded()).isEqualTo(1);
              assertThat(status.webhook().forwarded()).isEqualTo(1);
              assertThat(vps("alpha").getStatus().getSupport().openTickets()).isEqualTo(1);
            });
    assertThat(helpdeskMail()).hasSize(1);
    assertThat(helpdeskMail().get(0).subject()).contains("alpha-dns").contains("opened by hand");
    assertThat(helpdeskMail().get(0).body()).contains("Alice Martin <alpha@customer.example>");
    var body = delivered(1).get(0).body();
    assertThat(body.get("openedBy").asText()).isEqualTo("hand");
    assertThat(body.get("alert").isNull()).isTrue();
    assertThat(body.get("since").asText()).isEqualTo("2026-03-01T10:00:00Z");
    var row = TicketTable.rows(client, namespace).get("alpha-dns");
    assertThat(row)
        .containsEntry("Customer", "Alice Martin")
        .containsEntry("VPS", "alpha")
        .containsEntry("Phase", "Open")
        .containsEntry("Since", "2026-03-01T10:00:00Z")
        .containsEntry("Summary", "Customer asks to point a domain at the VPS");

    // staff resolve it three hours later
    clock.advance(Duration.ofHours(3));
    setResolved("alpha-dns", true);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var status = ticket("alpha-dns").getStatus();
              assertThat(status.phase()).isEqualTo(Phase.Resolved);
              assertThat(status.resolvedAt()).isEqualTo("2026-03-01T13:00:00Z");
              assertThat(vps("alpha").getStatus().getSupport().openTickets()).isZero();
            });

    // the customer calls back the next day: staff reopen it, and it is forwarded again
    clock.advance(Duration.ofDays(1));
    setResolved("alpha-dns", false);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var status = ticket("alpha-dns").getStatus();
              assertThat(status.phase()).isEqualTo(Phase.Open);
              assertThat(status.resolvedAt()).isNull();
              assertThat(status.reopenedAt()).isEqualTo("2026-03-02T13:00:00Z");
              assertThat(status.reopenCount()).isEqualTo(1);
              assertThat(status.openedAt()).isEqualTo("2026-03-01T10:00:00Z");
              assertThat(status.email().forwarded()).isEqualTo(2);
              assertThat(status.webhook().forwarded()).isEqualTo(2);
              assertThat(vps("alpha").getStatus().getSupport().openTickets()).isEqualTo(1);
            });
    assertThat(helpdeskMail()).hasSize(2);
    assertThat(delivered(1)).hasSize(1);
    assertThat(delivered(2)).hasSize(1);
    assertThat(delivered(2).get(0).body().get("since").asText()).isEqualTo("2026-03-02T13:00:00Z");

    // a ticket is opened by hand or by an alert for good
    assertThatThrownBy(
            () ->
                client
                    .resources(SupportTicket.class)
                    .inNamespace(namespace)
                    .withName("alpha-dns")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"alert\":{\"name\":\"OdooVpsDown\"}}}"))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.alert cannot be added or removed");
  }

  @Test
  void staffCannotResolveAnAlertTicketByHandAndATicketForAnUnknownVpsSaysSo() {
    // an alert ticket follows its alert: spec.resolved is refused by the API server
    var alertTicket = new SupportTicket();
    alertTicket.setMetadata(
        new ObjectMetaBuilder().withName("alpha-cpu").withNamespace(namespace).build());
    var spec = new SupportTicketSpec();
    spec.setVps("alpha");
    spec.setSummary("CPU");
    spec.setAlert(
        new SupportTicketSpec.Alert("OdooVpsCpuSaturated", "abc", "cpu", "warning", null, null));
    spec.setResolved(true);
    alertTicket.setSpec(spec);
    assertThatThrownBy(() -> client.resource(alertTicket).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.resolved is for tickets opened by hand");

    // a hand ticket about a VPS that does not exist: opened and forwarded without a customer,
    // with a condition and an Event naming spec.vps
    openByHand("ghost-dns", "ghost", "Typo in the VPS name");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              SupportTicketStatus status = ticket("ghost-dns").getStatus();
              assertThat(status.phase()).isEqualTo(Phase.Open);
              assertThat(status.customer()).isNull();
              assertThat(condition(ticket("ghost-dns"), SupportTicketReconciler.VPS_FOUND))
                  .isEqualTo("False/VpsNotFound");
              assertThat(status.webhook().forwarded()).isEqualTo(1);
              assertThat(eventReasons("ghost-dns")).contains("VpsNotFound");
            });
    assertThat(
            ConditionList.find(ticket("ghost-dns").getStatus().conditions(), "VpsFound")
                .orElseThrow()
                .getMessage())
        .startsWith("spec.vps: no OdooVps named ghost");
    assertThat(delivered(1).get(0).body().get("customer").isNull()).isTrue();
  }

  /**
   * A ticket as the previous release left it, its status written through the status subresource.
   */
  private void legacyTicket(String name, SupportTicketSpec.Alert alert, String status) {
    var ticket = new SupportTicket();
    ticket.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    var spec = new SupportTicketSpec();
    spec.setVps("alpha");
    spec.setSummary("Left by the previous release: " + name);
    spec.setAlert(alert);
    ticket.setSpec(spec);
    client.resource(ticket).create();
    client
        .genericKubernetesResources("odoovps.io/v1alpha1", "SupportTicket")
        .inNamespace(namespace)
        .withName(name)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":" + status + "}");
  }

  private static SupportTicketSpec.Alert legacyAlert(String alert, String fingerprint) {
    return new SupportTicketSpec.Alert(
        alert, fingerprint, "memory", "warning", "2026-02-28T07:55:00Z", Map.of("vps", "alpha"));
  }

  private List<TestMailbox.Mail> helpdeskMail(String ticket) {
    return helpdeskMail().stream().filter(m -> m.subject().contains(ticket)).toList();
  }

  private List<Post> delivered(String ticket) {
    return posts.stream()
        .filter(p -> p.answered() == 200 && p.body().get("ticket").asText().equals(ticket))
        .toList();
  }

  @Test
  @SuppressWarnings("deprecation")
  void afterAnUpgradeWhatThePreviousReleaseForwardedIsNotForwardedAgain() {
    // the previous release: it counted in status.forwarded the openings that went on every
    // channel, and wrote only the minutes of a ticket opened by hand (it never opened it)
    operator.close();
    create(VpsFixtures.vps(namespace, "alpha"));
    legacyTicket(
        "alpha-memory",
        legacyAlert("OdooVpsMemoryPressure", "fp-memory"),
        "{\"phase\":\"Open\",\"openedAt\":\"2026-02-28T08:00:00Z\",\"reopenCount\":0,"
            + "\"minutesSpent\":0,\"forwarded\":1}");
    legacyTicket(
        "alpha-swap",
        legacyAlert("OdooVpsSwapping", "fp-swap"),
        "{\"phase\":\"Open\",\"openedAt\":\"2026-02-28T08:00:00Z\",\"reopenCount\":1,"
            + "\"reopenedAt\":\"2026-02-28T20:00:00Z\",\"minutesSpent\":0,\"forwarded\":1}");
    legacyTicket("alpha-dns", null, "{\"minutesSpent\":0}");
    assertThat(ticket("alpha-memory").getStatus().forwarded()).isEqualTo(1);
    assertThat(ticket("alpha-memory").getStatus().email()).isNull();
    var created = ticket("alpha-dns").getMetadata().getCreationTimestamp();

    // the upgraded operator starts
    operator = newOperator();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              // forwarded before: the per-channel status is written from the old count
              var memory = ticket("alpha-memory").getStatus();
              assertThat(memory.email()).isEqualTo(new SupportTicketStatus.Delivery(1, null, null));
              assertThat(memory.webhook())
                  .isEqualTo(new SupportTicketStatus.Delivery(1, null, null));
              assertThat(condition(ticket("alpha-memory"), SupportTicketReconciler.FORWARDED))
                  .isEqualTo("True/Forwarded");
              // reopened after its last forwarding: the reopening is still owed, once per channel
              var swap = ticket("alpha-swap").getStatus();
              assertThat(swap.email().forwarded()).isEqualTo(2);
              assertThat(swap.webhook().forwarded()).isEqualTo(2);
              // opened by hand, never forwarded: opened at its creation and forwarded once
              var dns = ticket("alpha-dns").getStatus();
              assertThat(dns.phase()).isEqualTo(Phase.Open);
              assertThat(dns.email().forwarded()).isEqualTo(1);
              assertThat(dns.webhook().forwarded()).isEqualTo(1);
            });

    // and that is all the helpdesk gets, now and later; nothing is written any more
    var versions =
        List.of("alpha-memory", "alpha-swap", "alpha-dns").stream()
            .map(n -> ticket(n).getMetadata().getResourceVersion())
            .toList();
    var settled = posts.size();
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> posts.size() == settled);
    assertThat(
            List.of("alpha-memory", "alpha-swap", "alpha-dns").stream()
                .map(n -> ticket(n).getMetadata().getResourceVersion())
                .toList())
        .isEqualTo(versions);
    assertThat(delivered("alpha-memory")).isEmpty();
    assertThat(helpdeskMail("alpha-memory")).isEmpty();
    assertThat(eventReasons("alpha-memory")).doesNotContain("Forwarded", "ForwardFailed");
    assertThat(delivered("alpha-swap")).hasSize(1);
    assertThat(delivered("alpha-swap").get(0).body().get("opening").asInt()).isEqualTo(2);
    assertThat(helpdeskMail("alpha-swap")).hasSize(1);
    assertThat(delivered("alpha-dns")).hasSize(1);
    assertThat(helpdeskMail("alpha-dns")).hasSize(1);
    assertThat(helpdeskMail()).hasSize(2);

    // the hand ticket is dated from its creation, not from the upgrade
    var dns = ticket("alpha-dns").getStatus();
    assertThat(dns.openedAt())
        .isEqualTo(Timestamps.format(Timestamps.parse(created)))
        .isNotEqualTo(Timestamps.format(clock.instant()));
    assertThat(delivered("alpha-dns").get(0).body().get("since").asText())
        .isEqualTo(dns.openedAt());

    // the old count stays as it was, read only
    assertThat(ticket("alpha-memory").getStatus().forwarded()).isEqualTo(1);
    assertThat(ticket("alpha-dns").getStatus().forwarded()).isNull();
    assertThat(reconciler.deliveriesAwaitingStatus()).isZero();
  }

  @Test
  void theOperatorForgetsItsDeliveriesOnceRecordedOrWhenTheirTicketIsGone() {
    create(VpsFixtures.vps(namespace, "alpha"));
    openByHand("alpha-dns", "alpha", "A domain");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(ticket("alpha-dns").getStatus().webhook().forwarded()).isEqualTo(1);
              assertThat(reconciler.deliveriesAwaitingStatus()).isZero();
            });

    // a ticket deleted while its opening went to the helpdesk: its status is never written
    onPost =
        name -> {
          if (name.equals("alpha-gone")) {
            client.resources(SupportTicket.class).inNamespace(namespace).withName(name).delete();
          }
        };
    openByHand("alpha-gone", "alpha", "Deleted at once");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(delivered("alpha-gone")).hasSize(1);
              assertThat(ticket("alpha-gone")).isNull();
              assertThat(reconciler.deliveriesAwaitingStatus()).isEqualTo(2);
            });

    // the next ticket reconciled finds it gone and forgets it
    openByHand("alpha-mail", "alpha", "A mailbox");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(ticket("alpha-mail").getStatus().webhook().forwarded()).isEqualTo(1);
              assertThat(reconciler.deliveriesAwaitingStatus()).isZero();
            });
    assertThat(delivered("alpha-dns")).hasSize(1);
  }

  private void setResolved(String name, boolean resolved) {
    client
        .resources(SupportTicket.class)
        .inNamespace(namespace)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"resolved\":" + resolved + "}}");
  }
}
