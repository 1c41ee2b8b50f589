package io.odoovps.operator.api.v1alpha1.ticket;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * Where a ticket stands. Written only by the operator: the phase of an alert ticket by the ticket
 * desk (from Alertmanager), the phase of a hand-opened ticket, the customer, the minutes and the
 * helpdesk deliveries by the SupportTicket reconciler.
 *
 * <p>{@code forwarded} is the previous release's count of openings forwarded on every channel at
 * once. The operator no longer writes it; it only reads it as the starting count of {@code email}
 * and {@code webhook} when those are absent, so that an upgrade does not forward again what the
 * previous release had forwarded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SupportTicketStatus(
    @JsonPropertyDescription("The spec generation this status reflects.") Long observedGeneration,
    @JsonPropertyDescription("Open or Resolved.") Phase phase,
    @JsonPropertyDescription("When the ticket was opened.") String openedAt,
    @JsonPropertyDescription(
            "When it was resolved: its alert resolved, or staff set spec.resolved.")
        String resolvedAt,
    @JsonPropertyDescription(
            "When it was last reopened: the same incident firing again, or spec.resolved set back"
                + " to false.")
        String reopenedAt,
    @JsonPropertyDescription("How many times it was reopened.") Integer reopenCount,
    @JsonPropertyDescription(
            "Who the ticket is for: the VPS's customer when the ticket was opened.")
        Customer customer,
    @JsonPropertyDescription("Sum of spec.work minutes.") Integer minutesSpent,
    @JsonPropertyDescription("Forwarding of each opening to the helpdesk by email.") Delivery email,
    @JsonPropertyDescription("Forwarding of each opening to the helpdesk webhook.")
        Delivery webhook,
    @JsonPropertyDescription("Forwarded (to the helpdesk) and VpsFound.")
        List<Condition> conditions,
    @Deprecated
        @JsonPropertyDescription(
            "Legacy, read only: openings forwarded on all channels by a release before per-channel"
                + " delivery. No longer written; read as the starting count of email and webhook"
                + " when they are absent, so that an upgrade forwards nothing twice.")
        Integer forwarded) {

  /** Ticket phases. */
  public enum Phase {
    Open,
    Resolved
  }

  /** The customer of the ticket's VPS, copied from its `spec.customer` when the ticket opened. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Customer(
      @JsonPropertyDescription("The customer's name.") String name,
      @JsonPropertyDescription("The customer's organisation, if any.") String organisation,
      @JsonPropertyDescription("The customer's contact email.") String email) {}

  /**
   * One helpdesk channel's deliveries. An opening is the first opening (1) or a reopening (1 +
   * reopenCount); each channel delivers each opening once, on its own, retried until it went.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Delivery(
      @JsonPropertyDescription("Openings delivered on this channel (1 + reopenings when all went).")
          Integer forwarded,
      @JsonPropertyDescription("When the last opening was delivered on this channel.")
          String forwardedAt,
      @JsonPropertyDescription(
              "Why the last attempt failed, if it did (retried every minute by default).")
          String lastError) {}
}
