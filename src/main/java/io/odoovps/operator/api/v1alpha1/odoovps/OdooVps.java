package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.odoovps.operator.api.v1alpha1.NameRules;

/** A managed Odoo virtual private server of one customer, run as a KubeVirt VirtualMachine. */
@Group("odoovps.io")
@Version("v1alpha1")
@ShortNames("ovps")
@Categories("odoovps-all")
@JsonClassDescription(
    "A managed Odoo virtual private server of one customer (a KubeVirt VirtualMachine with its own disk and fixed public IPv4), under the hosting contract: plan, location, billing, suspension, isolation, identity check, maintenance and termination are requests in spec; the operator reports the VPS, its deadlines, traffic, support minutes and availability in status, and never writes spec.")
@ValidationRule(
    value = NameRules.VPS_NAME_SIZE_RULE,
    optionalOldSelf = true,
    message =
        "metadata.name of an OdooVps must be at most "
            + NameRules.VPS_NAME_MAX
            + " characters: KubeVirt mounts its Secret <name>-provider-ssh as the pod volume"
            + " <name>-provider-ssh-access-cred, which must fit in 63")
@ValidationRule(
    value = NameRules.VPS_NAME_PATTERN_RULE,
    optionalOldSelf = true,
    message =
        "metadata.name of an OdooVps must be a DNS-1035 label (lower-case letters, digits and '-',"
            + " starting with a letter, ending with a letter or a digit): it names the VPS's"
            + " Service")
@ValidationRule(
    value = "!has(self.spec.termination) || self.spec.termination.confirm == self.metadata.name",
    message =
        "spec.termination.confirm must repeat metadata.name to confirm the deletion of all data")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Plan", jsonPath = ".spec.plan.name")
@AdditionalPrinterColumn(name = "Location", jsonPath = ".spec.location")
@AdditionalPrinterColumn(name = "IPv4", jsonPath = ".status.ipv4")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Availability",
    jsonPath = ".status.availability.percent",
    priority = 1)
@AdditionalPrinterColumn(
    name = "Support Left",
    jsonPath = ".status.support.minutesLeft",
    type = AdditionalPrinterColumn.Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class OdooVps extends CustomResource<OdooVpsSpec, OdooVpsStatus> implements Namespaced {}
