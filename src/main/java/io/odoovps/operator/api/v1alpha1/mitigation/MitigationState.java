package io.odoovps.operator.api.v1alpha1.mitigation;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The abuse and attack state of one VPS: its port-25 blocks (contract article 7) and its DDoS
 * mitigation (contract article 9). Named after the VPS. The operator creates it, owned by the VPS,
 * when a spam or attack alert first arrives for the VPS; support staff may also create it to switch
 * mitigation on by hand. Its spec holds only requests (end mitigation, raise the level, lift a
 * port-25 block); the operator answers them in status, and never writes the spec.
 */
@Group("odoovps.io")
@Version("v1alpha1")
@ShortNames("ovpsmitigation")
@Categories("odoovps-all")
@JsonClassDescription(
    "The abuse and attack state of one VPS, named after it: its port-25 blocks and its DDoS mitigation. The spec holds only requests (unblock port 25, switch mitigation on, raise its level, end it); status says what holds and why a request was refused.")
@ValidationRule(
    value = "self.metadata.name == self.spec.vps",
    message = "a MitigationState is named after its VPS: metadata.name must equal spec.vps")
@AdditionalPrinterColumn(name = "VPS", jsonPath = ".spec.vps")
@AdditionalPrinterColumn(name = "DDoS", jsonPath = ".status.ddos.active")
@AdditionalPrinterColumn(
    name = "Level",
    jsonPath = ".status.ddos.level",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Earliest-End", jsonPath = ".status.ddos.earliestEnd")
@AdditionalPrinterColumn(name = "Port-25", jsonPath = ".status.smtp.blocked")
@AdditionalPrinterColumn(
    name = "Blocks",
    jsonPath = ".status.smtp.blocks",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Blocked-Until", jsonPath = ".status.smtp.blockedUntil")
public class MitigationState extends CustomResource<MitigationStateSpec, MitigationStateStatus>
    implements Namespaced {}
