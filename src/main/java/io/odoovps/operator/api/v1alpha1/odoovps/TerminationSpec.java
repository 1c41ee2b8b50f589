package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * The explicit end of the contract (article 12): the operator deletes the VM, its disk, its IPv4
 * allocation and its Secrets. `confirm` must repeat the VPS's name, so a typo cannot wipe data.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TerminationSpec {

  @Required
  @JsonPropertyDescription("The VPS's own name (metadata.name), typed again to confirm.")
  private String confirm;

  public TerminationSpec() {}

  public TerminationSpec(String confirm) {
    this.confirm = confirm;
  }

  public String getConfirm() {
    return confirm;
  }

  public void setConfirm(String confirm) {
    this.confirm = confirm;
  }
}
