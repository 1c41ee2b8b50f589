package io.odoovps.operator.notification;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.jboss.logging.Logger;

/**
 * Sends the customer notices: renders the {@link Notice} template in the customer's {@link
 * Language} and hands it to the SMTP relay of {@link MailConfig} as UTF-8 plain text.
 *
 * <p>Template values may be secrets (the initial Odoo password): they never appear in a log line
 * nor in an exception message. Thread-safe; every {@link #send} opens its own SMTP connection.
 */
public class CustomerMailer {

  private static final Logger LOG = Logger.getLogger(CustomerMailer.class);
  private static final String UTF_8 = StandardCharsets.UTF_8.name();

  private final MailConfig config;
  private final Session session;
  private final InternetAddress from;
  private final Map<Notice, Map<Language, NoticeTemplate>> templates = new EnumMap<>(Notice.class);

  /**
   * Loads every template (a missing or malformed one fails here, at startup) and prepares the SMTP
   * session.
   */
  public CustomerMailer(MailConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    try {
      this.from = new InternetAddress(config.from(), true);
    } catch (AddressException e) {
      throw new IllegalArgumentException(
          "odoovps.mail.from is not a valid address: " + config.from(), e);
    }
    for (Notice notice : Notice.values()) {
      Map<Language, NoticeTemplate> byLanguage = new EnumMap<>(Language.class);
      for (Language language : Language.values()) {
        NoticeTemplate template = NoticeTemplate.load(notice, language);
        if (!template.placeholders().equals(notice.placeholders())) {
          throw new IllegalStateException(
              "Mail template "
                  + notice.templatePath(language)
                  + " uses placeholders "
                  + template.placeholders()
                  + " but "
                  + notice
                  + " declares "
                  + notice.placeholders());
        }
        byLanguage.put(language, template);
      }
      templates.put(notice, byLanguage);
    }
    this.session = Session.getInstance(sessionProperties(config));
    if (config.security() == MailConfig.Security.NONE && config.username().isPresent()) {
      LOG.warnf(
          "SMTP relay %s:%d authenticates without TLS (odoovps.mail.security=NONE):"
              + " credentials travel in clear",
          config.host(), config.port());
    }
    if (config.trustAll()) {
      LOG.warnf(
          "odoovps.mail.trust-all=true: any certificate of the SMTP relay %s is accepted",
          config.host());
    }
  }

  /**
   * Renders a notice without sending it.
   *
   * @throws IllegalArgumentException if a placeholder of the template has no value; the message
   *     names the placeholder, never a value
   */
  public RenderedMail render(Language language, Notice notice, Map<String, String> values) {
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(notice, "notice");
    return templates.get(notice).get(language).render(values == null ? Map.of() : values);
  }

  /**
   * Renders a notice and sends it to one recipient.
   *
   * @param to the customer's address (a single address)
   * @param language the customer's language
   * @param notice the kind of notice
   * @param values a value for every one of {@link Notice#placeholders()}; extra entries are ignored
   * @throws IllegalArgumentException if a placeholder has no value (nothing is sent)
   * @throws MailDeliveryException if the address is invalid or the relay cannot take the mail; its
   *     message names the notice and the recipient only
   */
  public void send(String to, Language language, Notice notice, Map<String, String> values) {
    RenderedMail mail = render(language, notice, values);
    String recipient = printable(to);
    InternetAddress address;
    try {
      address = new InternetAddress(Objects.requireNonNull(to, "to"), true);
    } catch (AddressException e) {
      throw new MailDeliveryException(
          notice,
          to,
          "Cannot send the " + notice + " notice: invalid recipient address '" + recipient + "'",
          null);
    }
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(from);
      message.setRecipient(Message.RecipientType.TO, address);
      message.setSubject(mail.subject(), UTF_8);
      message.setText(mail.body(), UTF_8);
      message.setHeader("Content-Language", language.code());
      message.setHeader("Auto-Submitted", "auto-generated");
      message.setSentDate(new Date());
      message.saveChanges();
      try (Transport transport = session.getTransport("smtp")) {
        if (config.username().isPresent()) {
          transport.connect(
              config.host(), config.port(), config.username().get(), config.password().orElse(""));
        } else {
          transport.connect(config.host(), config.port(), null, null);
        }
        transport.sendMessage(message, message.getAllRecipients());
      }
    } catch (MessagingException | RuntimeException e) {
      throw new MailDeliveryException(
          notice,
          to,
          "Cannot send the "
              + notice
              + " notice to "
              + recipient
              + " through "
              + config.host()
              + ":"
              + config.port()
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
    LOG.infof("Sent the %s notice to %s", notice, recipient);
  }

  /** The Jakarta Mail settings for the configured relay; never holds the password. */
  static Properties sessionProperties(MailConfig config) {
    Properties props = new Properties();
    String timeout = Long.toString(config.connectTimeout().toMillis());
    props.put("mail.transport.protocol", "smtp");
    props.put("mail.smtp.host", config.host());
    props.put("mail.smtp.port", Integer.toString(config.port()));
    props.put("mail.smtp.connectiontimeout", timeout);
    props.put("mail.smtp.timeout", timeout);
    props.put("mail.smtp.writetimeout", timeout);
    props.put("mail.smtp.auth", Boolean.toString(config.username().isPresent()));
    props.put("mail.mime.charset", UTF_8);
    switch (config.security()) {
      case NONE -> {
        props.put("mail.smtp.starttls.enable", "false");
        props.put("mail.smtp.ssl.enable", "false");
      }
      case STARTTLS -> {
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
      }
      case TLS -> props.put("mail.smtp.ssl.enable", "true");
    }
    if (config.trustAll()) {
      props.put("mail.smtp.ssl.trust", "*");
      props.put("mail.smtp.ssl.checkserveridentity", "false");
    } else {
      props.put("mail.smtp.ssl.checkserveridentity", "true");
    }
    return props;
  }

  /** The address with control characters removed, safe for a log line or exception message. */
  private static String printable(String address) {
    return address == null ? "null" : address.replaceAll("\\p{Cntrl}", "?");
  }
}
