package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** What the customer bought: a plan, a datacenter and an Odoo version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OdooVpsSpec {

  @Required
  @JsonPropertyDescription("The plan: virtual CPUs, memory and the dedicated disk of the VPS.")
  private PlanSpec plan;

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @ValidationRule(
      value = "self == oldSelf",
      message = "spec.location is immutable: a VPS and its fixed IPv4 stay in their datacenter")
  @JsonPropertyDescription(
      "The datacenter that hosts the VPS (for example `paris-1`). Its fixed IPv4 comes from this"
          + " location's pool, so the location cannot change once set.")
  private String location;

  @Required
  @JsonPropertyDescription("The Odoo installation the provider maintains on the VPS.")
  private OdooSpec odoo;

  public PlanSpec getPlan() {
    return plan;
  }

  public void setPlan(PlanSpec plan) {
    this.plan = plan;
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public OdooSpec getOdoo() {
    return odoo;
  }

  public void setOdoo(OdooSpec odoo) {
    this.odoo = odoo;
  }
}
