package io.odoovps.operator.restore;

import io.odoovps.operator.api.v1alpha1.odoovps.CustomerSpec;
import java.util.List;
import java.util.Locale;

/**
 * Whom a restore counts against (contract article 3: at most two restores per customer per calendar
 * month). The {@code key} is the VPS's `spec.customer.id` when set, else its email in lower case;
 * an id never contains `@`, so the two kinds cannot collide. {@code keys} are every key under which
 * this customer's restores may have been recorded: with an id, also the email, so that restores
 * recorded before the id was set still count.
 */
record RestoreCustomer(String key, List<String> keys) {

  static RestoreCustomer of(CustomerSpec customer) {
    var email = customer.getEmail() == null ? "" : customer.getEmail().toLowerCase(Locale.ROOT);
    var id = customer.getId();
    return id == null || id.isBlank()
        ? new RestoreCustomer(email, List.of(email))
        : new RestoreCustomer(id, List.of(id, email));
  }
}
