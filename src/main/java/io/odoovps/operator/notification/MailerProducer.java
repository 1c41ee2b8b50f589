package io.odoovps.operator.notification;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the one {@link CustomerMailer} of the operator injectable. */
public class MailerProducer {

  @Produces
  @Singleton
  CustomerMailer mailer(MailConfig config) {
    return new CustomerMailer(config);
  }
}
