package io.odoovps.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.CustomerSpec;
import org.junit.jupiter.api.Test;

class RestoreCustomerTest {

  private static CustomerSpec customer(String id, String email) {
    var spec = new CustomerSpec("Alice", email);
    spec.setId(id);
    return spec;
  }

  @Test
  void theIdCountsWhateverTheCaseOfItsLetters() {
    var upper = RestoreCustomer.of(customer("C-1001", "Alice@Acme.example"));
    var lower = RestoreCustomer.of(customer("c-1001", "it@acme.example"));
    assertThat(upper.key()).isEqualTo("c-1001").isEqualTo(lower.key());
    // the id as written (earlier versions kept its case) and the email still find older entries
    assertThat(upper.keys()).containsExactly("c-1001", "C-1001", "alice@acme.example");
    assertThat(lower.keys()).containsExactly("c-1001", "it@acme.example");
  }

  @Test
  void withoutAnIdTheEmailInLowerCaseAlone() {
    var customer = RestoreCustomer.of(customer(null, "Alice@Acme.example"));
    assertThat(customer.key()).isEqualTo("alice@acme.example");
    assertThat(customer.keys())
        .as("a VPS without an id does not see the restores recorded under a sibling's id")
        .containsExactly("alice@acme.example");
  }
}
