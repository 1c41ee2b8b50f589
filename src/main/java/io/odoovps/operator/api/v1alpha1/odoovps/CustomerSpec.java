package io.odoovps.operator.api.v1alpha1.odoovps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Who the VPS belongs to, and where the operator sends the contract's notices. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(oldSelf.id) || (has(self.id) && self.id == oldSelf.id)",
    message =
        "spec.customer.id is immutable once set: the customer's restore allowance (contract"
            + " article 3) follows it; a VPS that changes hands is a new OdooVps")
public class CustomerSpec {

  @Size(min = 1, max = 64)
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]*$")
  @JsonPropertyDescription(
      "The provider's customer (account) number, for example `C-1001`: letters, digits, `.`,"
          + " `_` and `-`, at most 64. Per-customer rules count by it: the restore allowance (at"
          + " most 2 restores per customer per calendar month) is shared by every VPS with the"
          + " same id, whatever the case of its letters (`C-1001` and `c-1001` are one"
          + " customer), in any namespace, and follows the customer when the email changes."
          + " Without it the customer is the email in lower case, and a new email starts a new"
          + " count; a VPS without it does not share the count of its customer's VPSs that have"
          + " one: set it on all of them. Immutable once set.")
  private String id;

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

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
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
