package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The Odoo installation that the provider installs and maintains. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OdooSpec {

  @Required
  @Pattern("^[0-9]{2}\\.0$")
  @ValidationRule(
      value = "double(self) >= double(oldSelf) && double(self) - double(oldSelf) <= 1.0",
      message =
          "spec.odoo.version moves up one major version at a time (16.0 to 17.0) and never down:"
              + " that is the supported upgrade path")
  @JsonPropertyDescription("Odoo major version, for example `17.0` or `18.0`.")
  private String version;

  public OdooSpec() {}

  public OdooSpec(String version) {
    this.version = version;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }
}
