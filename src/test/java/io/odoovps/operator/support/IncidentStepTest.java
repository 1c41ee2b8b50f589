package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What an alert does to its incident's latest ticket. */
class IncidentStepTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration WINDOW = Duration.ofHours(24);

  private static SupportTicketStatus status(Phase phase, String resolvedAt) {
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        "{\"phase\":"
            + (phase == null ? "null" : "\"" + phase + "\"")
            + ",\"resolvedAt\":"
            + (resolvedAt == null ? "null" : "\"" + resolvedAt + "\"")
            + "}",
        SupportTicketStatus.class);
  }

  private static IncidentStep firing(boolean exists, SupportTicketStatus latest) {
    return IncidentStep.of(true, exists, latest, NOW, WINDOW);
  }

  private static IncidentStep resolved(boolean exists, SupportTicketStatus latest) {
    return IncidentStep.of(false, exists, latest, NOW, WINDOW);
  }

  @Test
  void firingOpensRepeatsNothingAndReopensWithinTheWindowOnly() {
    assertThat(firing(false, null)).isEqualTo(IncidentStep.OPEN);
    assertThat(firing(true, status(Phase.Open, null))).isEqualTo(IncidentStep.NOTHING);
    assertThat(firing(true, status(Phase.Resolved, "2026-03-01T08:00:00Z")))
        .isEqualTo(IncidentStep.REOPEN);
    assertThat(firing(true, status(Phase.Resolved, "2026-02-28T10:00:00Z")))
        .as("exactly one window after: a new ticket")
        .isEqualTo(IncidentStep.OPEN);
    assertThat(firing(true, status(Phase.Resolved, null))).isEqualTo(IncidentStep.OPEN);
  }

  @Test
  void aTicketWhoseOpeningHalfFailedIsFinishedNotOpenedAgain() {
    // created, but the status write failed: no status, or the reconciler's fields and no phase
    assertThat(firing(true, null)).isEqualTo(IncidentStep.FINISH_OPENING);
    assertThat(firing(true, status(null, null))).isEqualTo(IncidentStep.FINISH_OPENING);
    // resolved before it was finished: resolved
    assertThat(resolved(true, null)).isEqualTo(IncidentStep.RESOLVE);
  }

  @Test
  void resolutionResolvesAnOpenTicketOnly() {
    assertThat(resolved(true, status(Phase.Open, null))).isEqualTo(IncidentStep.RESOLVE);
    assertThat(resolved(true, status(Phase.Resolved, "2026-03-01T08:00:00Z")))
        .isEqualTo(IncidentStep.NOTHING);
    assertThat(resolved(false, null)).isEqualTo(IncidentStep.NOTHING);
  }
}
