package io.odoovps.operator.contract;

import io.odoovps.operator.api.v1alpha1.odoovps.SupportStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;

/**
 * Contract article 3: 20 minutes of support per VPS. The period is the VPS's billing cycle (the
 * month the customer paid for, from `status.billing`): work recorded in a ticket counts in the
 * cycle that contains its `at` time, and the minutes start again at each renewal.
 */
public final class SupportMinutes {

  public static final int INCLUDED = 20;

  private SupportMinutes() {}

  public static SupportStatus of(Collection<SupportTicket> tickets, Instant start, Instant end) {
    int used = 0;
    int open = 0;
    for (var ticket : tickets) {
      if (ticket.getStatus() == null || ticket.getStatus().phase() != Phase.Resolved) {
        open++;
      }
      if (ticket.getSpec().getWork() == null) {
        continue;
      }
      for (var work : ticket.getSpec().getWork()) {
        if (work.minutes() == null || work.at() == null) {
          continue;
        }
        var at = OffsetDateTime.parse(work.at()).toInstant();
        if (!at.isBefore(start) && at.isBefore(end)) {
          used += work.minutes();
        }
      }
    }
    return new SupportStatus(
        Timestamps.format(start),
        Timestamps.format(end),
        INCLUDED,
        used,
        Math.max(0, INCLUDED - used),
        open);
  }
}
