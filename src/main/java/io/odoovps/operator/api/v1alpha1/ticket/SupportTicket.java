package io.odoovps.operator.api.v1alpha1.ticket;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A support ticket on a VPS (contract article 3: supervision opens a ticket on an incident; 20
 * minutes of support). Opened by the operator from a firing Alertmanager alert (one per incident,
 * resolved with it, reopened if it fires again soon), or by support staff with kubectl (no
 * `spec.alert`; resolved with `spec.resolved: true`). Staff record the minutes they spend in
 * `spec.work`. `kubectl get supporttickets` shows who (the customer), which VPS, what, since when.
 */
@Group("odoovps.io")
@Version("v1alpha1")
@ShortNames("ovpsticket")
@Categories("odoovps-all")
@JsonClassDescription(
    "A support ticket on a VPS: opened by the operator from a firing alert, or by support staff. Staff record the minutes they spend in spec.work and close a hand-opened ticket with spec.resolved; status says the customer, phase, minutes spent and the helpdesk forwarding.")
@AdditionalPrinterColumn(name = "Customer", jsonPath = ".status.customer.name")
@AdditionalPrinterColumn(name = "VPS", jsonPath = ".spec.vps")
@AdditionalPrinterColumn(name = "Alert", jsonPath = ".spec.alert.name")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Since", jsonPath = ".status.openedAt")
@AdditionalPrinterColumn(
    name = "Minutes",
    jsonPath = ".status.minutesSpent",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Summary", jsonPath = ".spec.summary")
@AdditionalPrinterColumn(name = "Email", jsonPath = ".status.customer.email", priority = 1)
@AdditionalPrinterColumn(
    name = "Forwarded",
    jsonPath = ".status.conditions[?(@.type==\"Forwarded\")].status",
    priority = 1)
public class SupportTicket extends CustomResource<SupportTicketSpec, SupportTicketStatus>
    implements Namespaced {}
