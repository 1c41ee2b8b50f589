package io.odoovps.operator.api.v1alpha1.ipv4;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Which address, where, for which VPS. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "an IPv4 allocation never changes")
public class IPv4AllocationSpec {

  @Required
  @JsonPropertyDescription("The IPv4 address; also the object's name.")
  private String address;

  @Required
  @JsonPropertyDescription("The datacenter whose pool the address comes from.")
  private String location;

  @Required
  @JsonPropertyDescription("The VPS that holds the address.")
  private VpsReference vps;

  public IPv4AllocationSpec() {}

  public IPv4AllocationSpec(String address, String location, VpsReference vps) {
    this.address = address;
    this.location = location;
    this.vps = vps;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public VpsReference getVps() {
    return vps;
  }

  public void setVps(VpsReference vps) {
    this.vps = vps;
  }

  /** A VPS, by namespace, name and uid (a re-created VPS of the same name is another VPS). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VpsReference(
      @Required @JsonPropertyDescription("The VPS's namespace.") String namespace,
      @Required @JsonPropertyDescription("The VPS's name.") String name,
      @Required
          @JsonPropertyDescription("The VPS's uid: a re-created VPS of the same name is another.")
          String uid) {}
}
