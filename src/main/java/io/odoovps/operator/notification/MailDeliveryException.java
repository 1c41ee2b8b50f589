package io.odoovps.operator.notification;

/**
 * A notice could not be handed to the SMTP relay. The message names the notice kind and the
 * recipient only: never the body nor any template value, which may be a password.
 */
public class MailDeliveryException extends RuntimeException {

  private final Notice notice;
  private final String recipient;

  public MailDeliveryException(Notice notice, String recipient, String message, Throwable cause) {
    super(message, cause);
    this.notice = notice;
    this.recipient = recipient;
  }

  /** The kind of notice that was not delivered. */
  public Notice notice() {
    return notice;
  }

  /** The recipient address as given by the caller. */
  public String recipient() {
    return recipient;
  }
}
