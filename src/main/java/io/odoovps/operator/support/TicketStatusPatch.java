package io.odoovps.operator.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Delivery;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SupportTicket reconciler's status writes: a JSON merge patch of its own fields only (the
 * phase of an alert ticket belongs to the TicketDesk, which writes it concurrently).
 */
final class TicketStatusPatch {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TicketStatusPatch() {}

  /**
   * This reconciler's fields of a status, for a JSON merge patch: the phase of an alert ticket
   * belongs to the TicketDesk, which writes it concurrently.
   */
  static Map<String, Object> ownFields(SupportTicketStatus next, boolean byHand) {
    var patch = new LinkedHashMap<String, Object>();
    patch.put("observedGeneration", next.observedGeneration());
    if (byHand) {
      patch.put("phase", next.phase() == null ? null : next.phase().name());
      patch.put("openedAt", next.openedAt());
      patch.put("resolvedAt", next.resolvedAt());
      patch.put("reopenedAt", next.reopenedAt());
      patch.put("reopenCount", next.reopenCount());
    }
    patch.put("customer", next.customer());
    patch.put("minutesSpent", next.minutesSpent());
    patch.put("email", delivery(next.email()));
    patch.put("webhook", delivery(next.webhook()));
    patch.put("conditions", next.conditions());
    return patch;
  }

  /**
   * A JSON merge patch of these status fields, whose answer goes into the controller's cache so
   * that the next reconcile sees it.
   */
  static SupportTicket patch(
      SupportTicket ticket, Map<String, Object> fields, Context<SupportTicket> context) {
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("status", fields));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return context
        .resourceOperations()
        .resourcePatch(
            ticket,
            t ->
                context
                    .getClient()
                    .resources(SupportTicket.class)
                    .inNamespace(t.getMetadata().getNamespace())
                    .withName(t.getMetadata().getName())
                    .subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), body),
            context.eventSourceRetriever().getControllerEventSource());
  }

  /** A delivery with explicit nulls, so that the merge patch clears a fixed error. */
  private static Map<String, Object> delivery(Delivery delivery) {
    if (delivery == null) {
      return null;
    }
    var map = new LinkedHashMap<String, Object>();
    map.put("forwarded", delivery.forwarded());
    map.put("forwardedAt", delivery.forwardedAt());
    map.put("lastError", delivery.lastError());
    return map;
  }
}
