package io.odoovps.operator.notification;

/**
 * A notice ready to send: its subject line and its plain-text body. {@link #toString()} leaves the
 * body out, since it may hold a password.
 */
public record RenderedMail(String subject, String body) {

  @Override
  public String toString() {
    return "RenderedMail[subject=" + subject + ", body=<" + body.length() + " chars>]";
  }
}
