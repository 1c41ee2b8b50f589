package io.odoovps.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Contract article 3: 20 minutes of support in each billing cycle, counted at the work's time. */
class SupportMinutesTest {

  private static final Instant START = Instant.parse("2026-11-15T00:00:00Z");
  private static final Instant END = Instant.parse("2026-12-15T00:00:00Z");

  private static SupportTicket ticket(boolean resolved, SupportTicketSpec.Work... work) {
    var ticket = new SupportTicket();
    var spec = new SupportTicketSpec();
    spec.setVps("shop");
    spec.setWork(work.length == 0 ? null : List.of(work));
    ticket.setSpec(spec);
    if (resolved) {
      try {
        ticket.setStatus(
            new ObjectMapper().readValue("{\"phase\":\"Resolved\"}", SupportTicketStatus.class));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return ticket;
  }

  private static SupportTicketSpec.Work at(int minutes, String at) {
    return new SupportTicketSpec.Work(minutes, at, "staff", null);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no ticket", List.of(), 0, 20, 0),
        Arguments.of("an open ticket without work", List.of(ticket(false)), 0, 20, 1),
        Arguments.of(
            "work inside the cycle",
            List.of(ticket(true, at(12, "2026-11-20T10:00:00Z"))),
            12,
            8,
            0),
        Arguments.of(
            "work at the cycle's first instant counts, at its end does not",
            List.of(ticket(true, at(5, "2026-11-15T00:00:00Z"), at(7, "2026-12-15T00:00:00Z"))),
            5,
            15,
            0),
        Arguments.of(
            "work before the cycle belongs to the previous one",
            List.of(ticket(false, at(30, "2026-11-14T23:59:59Z"))),
            0,
            20,
            1),
        Arguments.of(
            "more than 20 minutes: none left, never below zero",
            List.of(
                ticket(true, at(15, "2026-11-16T09:00:00+01:00")),
                ticket(false, at(15, "2026-12-01T09:00:00Z"))),
            30,
            0,
            1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void minutesOfTheCycle(String name, List<SupportTicket> tickets, int used, int left, int open) {
    var status = SupportMinutes.of(tickets, START, END);
    assertThat(status.minutesIncluded()).isEqualTo(SupportMinutes.INCLUDED).isEqualTo(20);
    assertThat(status.minutesUsed()).isEqualTo(used);
    assertThat(status.minutesLeft()).isEqualTo(left);
    assertThat(status.openTickets()).isEqualTo(open);
    assertThat(status.periodStart()).isEqualTo("2026-11-15T00:00:00Z");
    assertThat(status.periodEnd()).isEqualTo("2026-12-15T00:00:00Z");
  }
}
