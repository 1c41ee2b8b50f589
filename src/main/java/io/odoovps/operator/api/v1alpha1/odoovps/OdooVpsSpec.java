package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.odoovps.operator.api.v1alpha1.NameRules;

/**
 * What the customer bought and what the provider decided about it: plan, datacenter, Odoo version,
 * customer, billing, and the contract's measures (identity check, suspension, isolation,
 * termination). The operator never writes the spec: GitOps tools own it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(oldSelf.termination) || has(self.termination)",
    message = "spec.termination cannot be withdrawn once requested: the data may already be gone")
public class OdooVpsSpec {

  @Required
  @JsonPropertyDescription("The plan: virtual CPUs, memory and the dedicated disk of the VPS.")
  private PlanSpec plan;

  @Required
  @Size(max = NameRules.LABEL_MAX)
  @Pattern(NameRules.DNS_1123_LABEL)
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

  @Required
  @JsonPropertyDescription("The customer: contact for access codes and notices.")
  private CustomerSpec customer;

  @Required
  @JsonPropertyDescription("Contract duration: monthly subscription or fixed term.")
  private BillingSpec billing;

  @JsonPropertyDescription(
      "An identity check: unless verified within 72 hours of the request, the VPS is suspended.")
  private IdentityCheckSpec identityCheck;

  @JsonPropertyDescription("Present while the provider suspends the VPS.")
  private SuspensionSpec suspension;

  @JsonPropertyDescription(
      "Present while the VPS is cut off from the Internet for security (provider access kept).")
  private IsolationSpec isolation;

  @JsonPropertyDescription(
      "A maintenance reboot (OS updates): the customer is emailed, the VM reboots after the notice"
          + " period.")
  private MaintenanceSpec maintenance;

  public MaintenanceSpec getMaintenance() {
    return maintenance;
  }

  public void setMaintenance(MaintenanceSpec maintenance) {
    this.maintenance = maintenance;
  }

  @JsonPropertyDescription(
      "Ends the contract: the VM, its disk, its IPv4 and its Secrets are deleted. Irreversible.")
  private TerminationSpec termination;

  public CustomerSpec getCustomer() {
    return customer;
  }

  public void setCustomer(CustomerSpec customer) {
    this.customer = customer;
  }

  public BillingSpec getBilling() {
    return billing;
  }

  public void setBilling(BillingSpec billing) {
    this.billing = billing;
  }

  public IdentityCheckSpec getIdentityCheck() {
    return identityCheck;
  }

  public void setIdentityCheck(IdentityCheckSpec identityCheck) {
    this.identityCheck = identityCheck;
  }

  public SuspensionSpec getSuspension() {
    return suspension;
  }

  public void setSuspension(SuspensionSpec suspension) {
    this.suspension = suspension;
  }

  public IsolationSpec getIsolation() {
    return isolation;
  }

  public void setIsolation(IsolationSpec isolation) {
    this.isolation = isolation;
  }

  public TerminationSpec getTermination() {
    return termination;
  }

  public void setTermination(TerminationSpec termination) {
    this.termination = termination;
  }

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
