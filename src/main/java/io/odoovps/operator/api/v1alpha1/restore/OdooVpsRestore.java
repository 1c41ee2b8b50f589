package io.odoovps.operator.api.v1alpha1.restore;

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

/**
 * A customer's request to restore a VPS from one of its backups (contract article 3: at most two
 * restores per customer per calendar month). The operator stops the VM; a Job verifies the whole
 * backup (SHA-256, and decoded to the end), keeps the previous disk in a safety copy, then writes
 * the disk; the VM starts again, and the safety copy is released once the VM is ready. A failed
 * write puts the previous disk back. A finalizer makes a deletion wait until the disk is whole.
 */
@Group("odoovps.io")
@io.fabric8.generator.annotation.ValidationRule(
    value = NameRules.LABEL_NAME_SIZE_RULE,
    optionalOldSelf = true,
    message =
        "metadata.name of a OdooVpsRestore must be at most 63 characters: it labels the Jobs it runs")
@Version("v1alpha1")
@ShortNames("ovpsrestore")
@Categories("odoovps-all")
@JsonClassDescription(
    "A customer's request to restore a VPS from one of its backups (at most two restores per customer per calendar month). The spec is immutable; status says the phase, why a request was refused, and what became of the disk and its safety copy.")
@ValidationRule(
    value = "self.spec == oldSelf.spec",
    message = "spec of an OdooVpsRestore is immutable: create a new request")
@AdditionalPrinterColumn(name = "VPS", jsonPath = ".spec.vps")
@AdditionalPrinterColumn(name = "Backup", jsonPath = ".spec.backupId")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Disk", jsonPath = ".status.disk", priority = 1)
@AdditionalPrinterColumn(name = "SafetyCopy", jsonPath = ".status.safetyCopy.claim", priority = 1)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class OdooVpsRestore extends CustomResource<OdooVpsRestoreSpec, OdooVpsRestoreStatus>
    implements Namespaced {
  /** Whether this restore holds the VM of {@code vps} stopped now. */
  public boolean holdsVm(String vps) {
    return getSpec() != null
        && vps.equals(getSpec().getVps())
        && getStatus() != null
        && getStatus().phase() != null
        && getStatus().phase().holdsVm();
  }
}
