package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Who the VPS belongs to, and where the operator sends the contract's notices. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CustomerSpec {

  @Required
  @Size(min = 1, max = 200)
  @JsonPropertyDescription("The customer's name.")
  private String name;

  @Size(max = 200)
  @JsonPropertyDescription("The customer's organisation, if any.")
  private String organisation;

  @Required
  @Size(max = 254)
  @Pattern("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")
  @JsonPropertyDescription(
      "Contact email: access codes, maintenance and suspension notices go there.")
  private String email;

  @Size(max = 32)
  @Pattern("^\\+?[0-9 .()-]{6,32}$")
  @JsonPropertyDescription("Contact phone number.")
  private String phone;

  @Size(max = 500)
  @JsonPropertyDescription("Postal address.")
  private String address;

  @Default("fr")
  @JsonPropertyDescription("Language of the emails: `fr` (default, the contract's) or `en`.")
  private Language language = Language.fr;

  /** Languages of customer emails. */
  public enum Language {
    fr,
    en
  }

  public CustomerSpec() {}

  public CustomerSpec(String name, String email) {
    this.name = name;
    this.email = email;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getOrganisation() {
    return organisation;
  }

  public void setOrganisation(String organisation) {
    this.organisation = organisation;
  }

  public String getEmail() {
    return email;
  }

  public void setEmail(String email) {
    this.email = email;
  }

  public String getPhone() {
    return phone;
  }

  public void setPhone(String phone) {
    this.phone = phone;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public Language getLanguage() {
    return language;
  }

  public void setLanguage(Language language) {
    this.language = language;
  }
}
