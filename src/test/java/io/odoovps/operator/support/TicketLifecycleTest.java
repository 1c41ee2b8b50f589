package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.support.TicketLifecycle.PhaseFields;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The phase rules of a hand-opened ticket and the openings each helpdesk channel owes. */
class TicketLifecycleTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-03-01T13:00:00Z");

  /** The ticket's `metadata.creationTimestamp`, some seconds before the operator sees it. */
  private static final String CREATED = "2026-03-01T09:59:57Z";

  private static SupportTicketStatus status(PhaseFields f) {
    return new SupportTicketStatus(
        null,
        f.phase(),
        f.openedAt(),
        f.resolvedAt(),
        f.reopenedAt(),
        f.reopenCount(),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void aNewHandTicketOpensAtTheClocksTimeAndOwesOneOpening() {
    var opened = TicketLifecycle.handTicket(null, null, CREATED, T0).orElseThrow();
    assertThat(opened)
        .isEqualTo(new PhaseFields(Phase.Open, "2026-03-01T10:00:00Z", null, null, 0));
    assertThat(TicketLifecycle.openings(opened)).isEqualTo(1);
    assertThat(TicketLifecycle.due(opened, 0)).isTrue();
    assertThat(TicketLifecycle.due(opened, 1)).isFalse();
    // nothing changes while spec.resolved stays unset or false
    assertThat(TicketLifecycle.handTicket(false, status(opened), CREATED, T1)).isEmpty();
  }

  @Test
  void staffResolveThenReopenAndTheReopeningIsOwedAgain() {
    var opened = TicketLifecycle.handTicket(null, null, CREATED, T0).orElseThrow();
    var resolved = TicketLifecycle.handTicket(true, status(opened), CREATED, T1).orElseThrow();
    assertThat(resolved.phase()).isEqualTo(Phase.Resolved);
    assertThat(resolved.resolvedAt()).isEqualTo("2026-03-01T13:00:00Z");
    assertThat(resolved.openedAt()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(TicketLifecycle.due(resolved, 0)).as("a resolved ticket is not forwarded").isFalse();
    assertThat(TicketLifecycle.handTicket(true, status(resolved), CREATED, T1)).isEmpty();

    var later = T1.plusSeconds(86_400);
    var reopened =
        TicketLifecycle.handTicket(false, status(resolved), CREATED, later).orElseThrow();
    assertThat(reopened)
        .isEqualTo(
            new PhaseFields(Phase.Open, "2026-03-01T10:00:00Z", null, "2026-03-02T13:00:00Z", 1));
    assertThat(TicketLifecycle.openings(reopened)).isEqualTo(2);
    assertThat(TicketLifecycle.due(reopened, 1)).isTrue();
    assertThat(TicketLifecycle.due(reopened, 2)).isFalse();
  }

  @Test
  void aTicketCreatedAlreadyResolvedIsRecordedButNotOwed() {
    var done = TicketLifecycle.handTicket(true, null, CREATED, T0).orElseThrow();
    assertThat(done.phase()).isEqualTo(Phase.Resolved);
    assertThat(done.openedAt()).isEqualTo(done.resolvedAt());
    assertThat(TicketLifecycle.due(done, 0)).isFalse();
  }

  @Test
  void aHandTicketOfTheReleaseBeforeIsOpenedAtItsCreationAndStillOwesItsFirstOpening() {
    // that release wrote only the minutes of a hand ticket: a status without a phase
    var legacy =
        new SupportTicketStatus(
            null, null, null, null, null, null, null, 0, null, null, null, null);
    var opened = TicketLifecycle.handTicket(null, legacy, "2025-11-20T08:30:00Z", T0).orElseThrow();
    assertThat(opened)
        .isEqualTo(new PhaseFields(Phase.Open, "2025-11-20T08:30:00Z", null, null, 0));
    assertThat(TicketLifecycle.due(opened, 0)).as("that release never forwarded it").isTrue();
    // already resolved by staff: opened at its creation, resolved now, owed nothing
    var done = TicketLifecycle.handTicket(true, legacy, "2025-11-20T08:30:00Z", T0).orElseThrow();
    assertThat(done.openedAt()).isEqualTo("2025-11-20T08:30:00Z");
    assertThat(done.resolvedAt()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(TicketLifecycle.due(done, 0)).isFalse();
  }

  @Test
  void noPhaseMeansNoOpeningYet() {
    assertThat(TicketLifecycle.openings(PhaseFields.of(null))).isZero();
  }
}
