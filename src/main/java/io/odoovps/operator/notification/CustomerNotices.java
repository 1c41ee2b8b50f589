package io.odoovps.operator.notification;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Sends a VPS's customer a notice in their language; a failure is returned, never thrown. */
public class CustomerNotices {

  private final CustomerMailer mailer;

  public CustomerNotices(CustomerMailer mailer) {
    this.mailer = mailer;
  }

  /** Sends; returns the reason when it could not (the reason never contains a value). */
  public Optional<String> send(OdooVps vps, Notice notice, Map<String, String> values) {
    var customer = vps.getSpec().getCustomer();
    var all = new HashMap<>(values);
    all.put("vpsName", vps.getMetadata().getName());
    try {
      mailer.send(customer.getEmail(), Language.from(customer.getLanguage().name()), notice, all);
      return Optional.empty();
    } catch (MailDeliveryException e) {
      return Optional.of(e.getMessage());
    }
  }
}
