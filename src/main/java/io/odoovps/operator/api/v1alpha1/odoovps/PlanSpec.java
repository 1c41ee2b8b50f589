package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.odoovps.operator.api.v1alpha1.DateTimeRule;
import java.util.Objects;

/** The sizing of a VPS: virtual CPUs, guest memory and the dedicated disk. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "quantity(self.disk).compareTo(quantity(oldSelf.disk)) >= 0",
    message = "spec.plan.disk can only grow: shrinking the dedicated disk would lose customer data")
public class PlanSpec {

  static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$";

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "The commercial name of the plan (for example `business-4`), shown by kubectl.")
  private String name;

  @Required
  @Min(1)
  @Max(64)
  @JsonPropertyDescription(
      "Virtual CPUs of the guest. The pod requests them below this limit by the"
          + " operator's CPU overcommit ratio.")
  private Integer vcpu;

  @Required
  @Pattern(QUANTITY)
  @ValidationRule(
      value = "quantity(self).compareTo(quantity('1Gi')) >= 0",
      message = "spec.plan.memory must be at least 1Gi: Odoo and PostgreSQL do not run in less")
  @JsonPropertyDescription(
      "Guest memory, as a Kubernetes quantity (for example `4Gi`), at least 1Gi.")
  private String memory;

  @Required
  @Pattern(QUANTITY)
  @ValidationRule(
      value = "quantity(self).compareTo(quantity('10Gi')) >= 0",
      message = "spec.plan.disk must be at least 10Gi")
  @JsonPropertyDescription(
      "Size of the dedicated disk (for example `40Gi`), at least 10Gi. It can only grow.")
  private String disk;

  @Size(max = DateTimeRule.MAX_LENGTH)
  @ValidationRule(value = DateTimeRule.RULE, message = "spec.plan.paidAt" + DateTimeRule.MUST)
  @JsonPropertyDescription(
      "When the customer paid for the latest plan change (RFC 3339). The operator applies the"
          + " change and reports whether it met the contract's 48-hour deadline.")
  private String paidAt;

  public PlanSpec() {}

  public PlanSpec(String name, int vcpu, String memory, String disk) {
    this.name = name;
    this.vcpu = vcpu;
    this.memory = memory;
    this.disk = disk;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getVcpu() {
    return vcpu;
  }

  public void setVcpu(Integer vcpu) {
    this.vcpu = vcpu;
  }

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }

  public String getDisk() {
    return disk;
  }

  public void setDisk(String disk) {
    this.disk = disk;
  }

  public String getPaidAt() {
    return paidAt;
  }

  public void setPaidAt(String paidAt) {
    this.paidAt = paidAt;
  }

  /** The sizing alone, as status and events show it: `2 vCPU, 4Gi, 40Gi disk`. */
  public String sizing() {
    return vcpu + " vCPU, " + memory + ", " + disk + " disk";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlanSpec p
        && Objects.equals(paidAt, p.paidAt)
        && Objects.equals(name, p.name)
        && Objects.equals(vcpu, p.vcpu)
        && Objects.equals(memory, p.memory)
        && Objects.equals(disk, p.disk);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, vcpu, memory, disk, paidAt);
  }
}
