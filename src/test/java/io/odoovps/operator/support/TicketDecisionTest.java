package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Customer;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Delivery;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.event.PlannedEvent;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.support.HelpdeskForwarder.Channel;
import io.odoovps.operator.support.TicketDecision.Attempt;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lifecycle decisions of a SupportTicket, one row per judgement: its phase, which helpdesk
 * channels owe its latest opening, how each channel's attempt is recorded, the Forwarded and
 * VpsFound conditions, the Events and the wake-up. Plain objects, no API server.
 */
class TicketDecisionTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String AT = "2026-03-01T10:00:00Z";
  private static final String CREATED = "2026-03-01T09:59:57Z";
  private static final Duration RETRY = Duration.ofMinutes(1);
  private static final Customer CUSTOMER = new Customer("Ada", "Acme", "ada@example.com");
  private static final TicketDecision BOTH =
      new TicketDecision(Set.of(Channel.EMAIL, Channel.WEBHOOK), RETRY);
  private static final TicketDecision EMAIL_ONLY = new TicketDecision(Set.of(Channel.EMAIL), RETRY);
  private static final TicketDecision NONE = new TicketDecision(Set.of(), RETRY);
  private static final Attempt WENT = new Attempt(AT, null);
  private static final Attempt REFUSED = new Attempt(null, "helpdesk answered 503");

  private static SupportTicketSpec byHand(Boolean resolved) {
    var spec = new SupportTicketSpec();
    spec.setVps("web");
    spec.setResolved(resolved);
    return spec;
  }

  private static SupportTicketSpec alert() {
    var spec = byHand(null);
    spec.setAlert(
        new SupportTicketSpec.Alert("OdooVpsDown", "f1", "availability", "critical", AT, null));
    return spec;
  }

  private static SupportTicketStatus status(
      Phase phase, Integer reopenCount, Delivery email, Delivery webhook, Integer legacy) {
    return new SupportTicketStatus(
        1L,
        phase,
        AT,
        null,
        reopenCount != null && reopenCount > 0 ? AT : null,
        reopenCount,
        CUSTOMER,
        0,
        email,
        webhook,
        List.of(),
        legacy);
  }

  private static Delivery went(int openings) {
    return new Delivery(openings, AT, null);
  }

  private static TicketObservation seen(
      SupportTicketSpec spec, SupportTicketStatus status, Customer customer) {
    return seen(spec, status, customer, Map.of());
  }

  private static TicketObservation seen(
      SupportTicketSpec spec,
      SupportTicketStatus status,
      Customer customer,
      Map<Channel, Integer> deliveredHere) {
    return new TicketObservation(1L, CREATED, spec, status, customer, deliveredHere, T0);
  }

  /**
   * One judgement: what is seen and how the attempts went, and what it must give: the phase, the
   * channels due, each channel's count of delivered openings, the Forwarded reason (null: no such
   * condition), the Events and the wake-up.
   */
  record Row(
      String name,
      TicketDecision decision,
      TicketObservation seen,
      Map<Channel, Attempt> attempts,
      Phase phase,
      Set<Channel> due,
      Integer email,
      Integer webhook,
      String forwarded,
      List<String> events,
      Duration wake) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    var open = status(Phase.Open, 0, went(1), went(1), null);
    var emailFailing =
        status(Phase.Open, 0, new Delivery(null, null, "helpdesk answered 503"), went(1), null);
    var all = Set.of(Channel.EMAIL, Channel.WEBHOOK);
    var both = Map.of(Channel.EMAIL, WENT, Channel.WEBHOOK, WENT);
    return Stream.of(
        new Row(
            "a new hand ticket opens and goes on both channels",
            BOTH,
            seen(byHand(null), null, CUSTOMER),
            both,
            Phase.Open,
            all,
            1,
            1,
            "Forwarded",
            List.of("Forwarded", "Forwarded"),
            null),
        new Row(
            "a forwarded open ticket owes nothing: a quiet pass",
            BOTH,
            seen(byHand(null), open, CUSTOMER),
            Map.of(),
            Phase.Open,
            Set.of(),
            1,
            1,
            "Forwarded",
            List.of(),
            null),
        new Row(
            "a failing channel is retried on its own, the other is not sent twice",
            BOTH,
            seen(byHand(null), null, CUSTOMER),
            Map.of(Channel.EMAIL, REFUSED, Channel.WEBHOOK, WENT),
            Phase.Open,
            all,
            null,
            1,
            "ForwardFailed",
            List.of("ForwardFailed", "Forwarded"),
            RETRY),
        new Row(
            "the same failure again is not reported again",
            BOTH,
            seen(byHand(null), emailFailing, CUSTOMER),
            Map.of(Channel.EMAIL, REFUSED),
            Phase.Open,
            Set.of(Channel.EMAIL),
            null,
            1,
            "ForwardFailed",
            List.of(),
            RETRY),
        new Row(
            "staff resolve a hand ticket",
            BOTH,
            seen(byHand(true), open, CUSTOMER),
            Map.of(),
            Phase.Resolved,
            Set.of(),
            1,
            1,
            "Forwarded",
            List.of(),
            null),
        new Row(
            "staff reopen it: the reopening is owed on every channel",
            BOTH,
            seen(byHand(false), status(Phase.Resolved, 0, went(1), went(1), null), CUSTOMER),
            both,
            Phase.Open,
            all,
            2,
            2,
            "Forwarded",
            List.of("Forwarded", "Forwarded"),
            null),
        new Row(
            "a ticket created resolved is never forwarded",
            BOTH,
            seen(byHand(true), null, CUSTOMER),
            Map.of(),
            Phase.Resolved,
            Set.of(),
            null,
            null,
            "NotForwarded",
            List.of(),
            null),
        new Row(
            "an alert ticket keeps the desk's phase",
            BOTH,
            seen(alert(), status(Phase.Resolved, 0, went(1), went(1), null), CUSTOMER),
            Map.of(),
            Phase.Resolved,
            Set.of(),
            1,
            1,
            "Forwarded",
            List.of(),
            null),
        new Row(
            "an alert ticket before the desk opened it owes nothing",
            BOTH,
            seen(alert(), null, CUSTOMER),
            Map.of(),
            null,
            Set.of(),
            null,
            null,
            null,
            List.of(),
            null),
        new Row(
            "the previous release's count stands for both channels",
            BOTH,
            seen(byHand(null), status(Phase.Open, 0, null, null, 1), CUSTOMER),
            Map.of(),
            Phase.Open,
            Set.of(),
            1,
            1,
            "Forwarded",
            List.of(),
            null),
        new Row(
            "a delivery of this process not in the status yet is not sent again",
            BOTH,
            seen(
                byHand(null),
                status(Phase.Open, 0, null, went(1), null),
                CUSTOMER,
                Map.of(Channel.EMAIL, 1)),
            Map.of(),
            Phase.Open,
            Set.of(),
            1,
            1,
            "Forwarded",
            List.of(),
            null),
        new Row(
            "a channel not configured keeps what its status says and owes nothing",
            EMAIL_ONLY,
            seen(
                byHand(null),
                status(Phase.Open, 0, went(1), new Delivery(null, null, "old"), null),
                CUSTOMER),
            Map.of(),
            Phase.Open,
            Set.of(),
            1,
            null,
            "Forwarded",
            List.of(),
            RETRY),
        new Row(
            "without a helpdesk nothing is forwarded and no condition says so",
            NONE,
            seen(byHand(null), null, CUSTOMER),
            Map.of(),
            Phase.Open,
            Set.of(),
            null,
            null,
            null,
            List.of(),
            null),
        new Row(
            "an unknown VPS: forwarded without a customer, looked for again",
            BOTH,
            seen(byHand(null), null, null),
            both,
            Phase.Open,
            all,
            1,
            1,
            "Forwarded",
            List.of("VpsNotFound", "Forwarded", "Forwarded"),
            TicketDecision.VPS_RECHECK));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void judgement(Row row) throws Exception {
    var plan = row.decision().plan(row.seen());
    assertThat(plan.phase().phase()).as("phase").isEqualTo(row.phase());
    assertThat(plan.due()).as("channels due").isEqualTo(row.due());
    var verdict = row.decision().settle(row.seen(), plan, row.attempts());
    var status = verdict.status();
    assertThat(status.email() == null ? null : status.email().forwarded())
        .as("email")
        .isEqualTo(row.email());
    assertThat(status.webhook() == null ? null : status.webhook().forwarded())
        .as("webhook")
        .isEqualTo(row.webhook());
    assertThat(condition(status, TicketConditions.FORWARDED).map(Condition::getReason))
        .as("Forwarded")
        .isEqualTo(java.util.Optional.ofNullable(row.forwarded()));
    assertThat(verdict.events()).extracting(PlannedEvent::reason).isEqualTo(row.events());
    assertThat(verdict.wake()).as("wake").isEqualTo(row.wake());
    // kstatus (the real library, as Flux waits): in progress while a forward is retried
    boolean retried = RETRY.equals(row.wake());
    assertThat(condition(status, ConditionList.RECONCILING).isPresent())
        .as("Reconciling")
        .isEqualTo(retried);
    var ticket = new io.odoovps.operator.api.v1alpha1.ticket.SupportTicket();
    ticket.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("t")
            .withNamespace("ns")
            .withGeneration(status.observedGeneration())
            .build());
    ticket.setStatus(status);
    assertThat(io.odoovps.operator.testing.Kstatus.of(ticket).status())
        .isEqualTo(retried ? "InProgress" : "Current");
  }

  private static java.util.Optional<Condition> condition(SupportTicketStatus status, String type) {
    return ConditionList.find(status.conditions(), type);
  }

  @Test
  void theCustomerAndMinutesAreRecordedAndVpsFoundSaysWhetherTheCustomerIsKnown() {
    var spec = byHand(null);
    spec.setWork(
        List.of(
            new SupportTicketSpec.Work(20, AT, "bob", null),
            new SupportTicketSpec.Work(15, AT, "eve", null)));
    var found = settle(BOTH, seen(spec, null, CUSTOMER));
    assertThat(found.status().customer()).isEqualTo(CUSTOMER);
    assertThat(found.status().minutesSpent()).isEqualTo(35);
    assertThat(condition(found.status(), TicketConditions.VPS_FOUND).orElseThrow().getStatus())
        .isEqualTo("True");

    var missing = settle(BOTH, seen(spec, null, null));
    var vpsFound = condition(missing.status(), TicketConditions.VPS_FOUND).orElseThrow();
    assertThat(vpsFound.getStatus()).isEqualTo("False");
    assertThat(vpsFound.getMessage()).contains("no OdooVps named web");
    // the next pass, still without the VPS: the Warning is not repeated
    var again = settle(BOTH, seen(spec, missing.status(), null));
    assertThat(again.events()).extracting(PlannedEvent::reason).doesNotContain("VpsNotFound");
  }

  @Test
  void aDeliveryRecordsWhenItWentAndAFixedErrorIsCleared() {
    var failing = status(Phase.Open, 0, new Delivery(null, null, "down"), null, null);
    var seen = seen(byHand(null), failing, CUSTOMER);
    var plan = EMAIL_ONLY.plan(seen);
    var verdict = EMAIL_ONLY.settle(seen, plan, Map.of(Channel.EMAIL, WENT));
    assertThat(verdict.status().email()).isEqualTo(new Delivery(1, AT, null));
    assertThat(verdict.events())
        .containsExactly(
            PlannedEvent.normal("Forwarded", "Forwarded to the helpdesk by email (opening 1)"));
  }

  @Test
  void theLegacyCountIsKeptAsItWas() {
    @SuppressWarnings("deprecation")
    var legacy =
        settle(BOTH, seen(byHand(null), status(Phase.Open, 0, null, null, 1), CUSTOMER))
            .status()
            .forwarded();
    assertThat(legacy).isEqualTo(1);
    assertThat(TicketDecision.recorded(status(Phase.Open, 0, null, went(2), 1), Channel.WEBHOOK))
        .isEqualTo(went(2));
    assertThat(TicketDecision.recorded(status(Phase.Open, 0, null, went(2), 1), Channel.EMAIL))
        .isEqualTo(new Delivery(1, null, null));
    assertThat(TicketDecision.recorded(null, Channel.EMAIL)).isNull();
  }

  private static TicketDecision.Verdict settle(TicketDecision decision, TicketObservation seen) {
    return decision.settle(seen, decision.plan(seen), Map.of());
  }
}
