package io.odoovps.operator.support;

import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Customer;
import io.odoovps.operator.support.HelpdeskForwarder.Channel;
import java.time.Instant;
import java.util.Map;

/**
 * What one pass over a SupportTicket sees: its spec, generation, creation and status, its customer
 * (the status's, else the VPS's; null while no OdooVps has that name), the openings this process
 * delivered per channel that no status shows yet, and the time.
 *
 * @param created the ticket's `metadata.creationTimestamp`
 */
public record TicketObservation(
    Long generation,
    String created,
    SupportTicketSpec spec,
    SupportTicketStatus status,
    Customer customer,
    Map<Channel, Integer> deliveredHere,
    Instant now) {

  /** A ticket opened by hand (no `spec.alert`): its phase is this reconciler's. */
  public boolean byHand() {
    return spec.getAlert() == null;
  }
}
