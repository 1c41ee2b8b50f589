package io.odoovps.operator.notification;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The SMTP relay that carries customer notices, under the {@code odoovps.mail.} prefix
 * (application.properties, or environment variables such as {@code ODOOVPS_MAIL_HOST}).
 */
@ConfigMapping(prefix = "odoovps.mail")
public interface MailConfig {

  /** How the connection to the relay is protected. */
  enum Security {
    /** Plain SMTP: only for a relay on a trusted private network. */
    NONE,
    /**
     * Plain connection upgraded with STARTTLS (usually port 587); refused if the relay lacks it.
     */
    STARTTLS,
    /** TLS from the first byte, also called SMTPS (usually port 465). */
    TLS
  }

  /** Host name of the SMTP relay. */
  @WithDefault("localhost")
  String host();

  /** TCP port of the SMTP relay: 587 for STARTTLS, 465 for TLS, 25 for NONE. */
  @WithDefault("587")
  int port();

  /** Transport security; STARTTLS is mandatory when set, so credentials never travel in clear. */
  @WithDefault("STARTTLS")
  Security security();

  /** Login on the relay; when absent the operator does not authenticate. */
  Optional<String> username();

  /**
   * Password on the relay, used only together with {@link #username()}. Set it from an environment
   * variable ({@code ODOOVPS_MAIL_PASSWORD}) filled from a Kubernetes Secret, never in a committed
   * file. It is never logged nor put in an exception message.
   */
  Optional<String> password();

  /** The {@code From} address of every notice, with an optional display name. */
  @WithDefault("Support <support@odoovps.example>")
  String from();

  /**
   * How long to wait for the relay to accept the connection (for example {@code 10s} or {@code
   * PT10S}); it also bounds each read and write, so a stuck relay never blocks the caller forever.
   */
  @WithDefault("10s")
  @WithConverter(DurationConverter.class)
  Duration connectTimeout();

  /**
   * Accept any server certificate and skip the host name check. Only for tests and for private
   * relays with a self-signed certificate: it makes TLS open to interception.
   */
  @WithDefault("false")
  boolean trustAll();
}
