package io.odoovps.operator.api.v1alpha1.ticket;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where a ticket stands. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SupportTicketStatus(
    @JsonPropertyDescription("Open or Resolved.") Phase phase,
    @JsonPropertyDescription("When the ticket was opened.") String openedAt,
    @JsonPropertyDescription("When its alert resolved.") String resolvedAt,
    @JsonPropertyDescription("When it was last reopened by the same incident firing again.")
        String reopenedAt,
    @JsonPropertyDescription("How many times it was reopened.") Integer reopenCount,
    @JsonPropertyDescription("Sum of spec.work minutes.") Integer minutesSpent,
    @JsonPropertyDescription("Openings forwarded to the helpdesk (1 + reopenings when all went).")
        Integer forwarded,
    @JsonPropertyDescription("When it was last forwarded to the helpdesk.") String forwardedAt,
    @JsonPropertyDescription("Why the last forwarding failed, if it did (retried).")
        String forwardProblem) {

  /** Ticket phases. */
  public enum Phase {
    Open,
    Resolved
  }
}
