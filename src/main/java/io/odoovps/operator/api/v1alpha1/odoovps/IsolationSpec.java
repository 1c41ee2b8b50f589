package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Security isolation (article 6): the VPS is cut off from the Internet, in and out, while the
 * provider keeps access to repair or reinstall it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IsolationSpec {

  @Required
  @Size(min = 1, max = 500)
  @JsonPropertyDescription("The security problem that requires the isolation.")
  private String reason;

  public IsolationSpec() {}

  public IsolationSpec(String reason) {
    this.reason = reason;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
