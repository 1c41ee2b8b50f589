package io.odoovps.operator.restore;

import io.odoovps.operator.api.v1alpha1.odoovps.CustomerSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Whom a restore counts against (contract article 3: at most two restores per customer per calendar
 * month). The {@code key} is the VPS's `spec.customer.id` in lower case when set (`C-1001` and
 * `c-1001` are one customer), else its email in lower case; an id never contains `@`, so the two
 * kinds cannot collide. {@code keys} are every key under which this customer's restores may have
 * been recorded: with an id, also the id as written (earlier versions kept its case) and the email,
 * so that restores recorded before the id was set still count.
 *
 * <p>A VPS without an id counts by its email alone: it does not see the restores recorded under the
 * id of a sibling VPS of the same customer. The id must be set on all of a customer's VPSs to join
 * them.
 */
record RestoreCustomer(String key, List<String> keys) {

  static RestoreCustomer of(CustomerSpec customer) {
    var email = customer.getEmail() == null ? "" : customer.getEmail().toLowerCase(Locale.ROOT);
    var id = customer.getId();
    if (id == null || id.isBlank()) {
      return new RestoreCustomer(email, List.of(email));
    }
    var key = id.toLowerCase(Locale.ROOT);
    var keys = new LinkedHashSet<>(List.of(key, id, email));
    return new RestoreCustomer(key, List.copyOf(keys));
  }
}
