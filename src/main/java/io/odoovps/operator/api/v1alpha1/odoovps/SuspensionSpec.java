package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A suspension decided by the provider (articles 5 and 12): the VPS endangers the infrastructure,
 * breaks the rules of use, or an authority ordered it. Removing this section resumes the VPS,
 * unless `doNotResume` was set while it was suspended.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SuspensionSpec {

  @Required
  @Size(min = 1, max = 500)
  @JsonPropertyDescription("Why the VPS is suspended; shown in status and sent to the customer.")
  private String reason;

  @Size(max = 200)
  @JsonPropertyDescription("Reference of the authority's order, when an authority required it.")
  private String authorityReference;

  @JsonPropertyDescription(
      "Repeated or grave breach: the VPS stays suspended even after this section is removed."
          + " Only termination ends that state.")
  private Boolean doNotResume;

  public SuspensionSpec() {}

  public SuspensionSpec(String reason) {
    this.reason = reason;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getAuthorityReference() {
    return authorityReference;
  }

  public void setAuthorityReference(String authorityReference) {
    this.authorityReference = authorityReference;
  }

  public Boolean getDoNotResume() {
    return doNotResume;
  }

  public void setDoNotResume(Boolean doNotResume) {
    this.doNotResume = doNotResume;
  }
}
