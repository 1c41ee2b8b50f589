package io.odoovps.operator.support;

import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import java.util.concurrent.atomic.AtomicReference;

/**
 * `odoovps_support_tickets{phase}`: the SupportTickets by phase, tagged by controller and phase,
 * never by ticket or VPS. The count is read from the controller's informer cache when scraped, so a
 * deleted ticket drops out without a finalizer and a steady fleet costs nothing between scrapes.
 * Before the controller's first reconcile (no tickets yet) every phase reads 0.
 */
public class TicketMetrics {

  public static final String NAME = "odoovps.support.tickets";

  private final AtomicReference<IndexedResourceCache<SupportTicket>> cache =
      new AtomicReference<>();

  public TicketMetrics(MeterRegistry registry) {
    for (var phase : Phase.values()) {
      Gauge.builder(NAME, this, metrics -> metrics.count(phase))
          .description("SupportTickets by phase")
          .tag("controller", SupportTicketReconciler.NAME)
          .tag("phase", phase.name())
          .strongReference(true)
          .register(registry);
    }
  }

  /** The controller's cache of tickets, which the gauges count; the first one given is kept. */
  void watch(IndexedResourceCache<SupportTicket> tickets) {
    cache.compareAndSet(null, tickets);
  }

  /** Tickets in {@code phase} as the gauge reads now. */
  public long count(Phase phase) {
    var tickets = cache.get();
    if (tickets == null) {
      return 0;
    }
    return tickets
        .list()
        .filter(t -> t.getStatus() != null && t.getStatus().phase() == phase)
        .count();
  }
}
