package io.odoovps.operator.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.odoovps.operator.notification.CustomerMailer;
import io.odoovps.operator.notification.MailConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/** A real SMTP server in the JVM (GreenMail) and the operator's mailer pointed at it. */
public final class TestMailbox implements AutoCloseable {

  private GreenMail server;
  private final int port;
  private final ServerSetup setup;
  private final CustomerMailer mailer;

  /** What the server received before it was last stopped ({@link #down}). */
  private final List<Mail> before = new java.util.ArrayList<>();

  public TestMailbox() {
    this("127.0.0.1");
  }

  /** A mail server on {@code address}: the machine's own, for a mailer in a pod on the node. */
  public TestMailbox(String address) {
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    setup = new ServerSetup(port, address, ServerSetup.PROTOCOL_SMTP);
    server = new GreenMail(setup);
    server.start();
    var properties = new HashMap<String, String>();
    properties.put("odoovps.mail.host", address);
    properties.put("odoovps.mail.port", String.valueOf(port));
    properties.put("odoovps.mail.security", "NONE");
    properties.put("odoovps.mail.from", "Support <support@odoovps.example>");
    var config =
        new SmallRyeConfigBuilder()
            .withMapping(MailConfig.class)
            .withSources(new PropertiesConfigSource(properties, "test", 500))
            .build()
            .getConfigMapping(MailConfig.class);
    mailer = new CustomerMailer(config);
  }

  /** The SMTP port, for a mailer in another process. */
  public int port() {
    return port;
  }

  public CustomerMailer mailer() {
    return mailer;
  }

  /** A received mail: recipients, subject and body. */
  public record Mail(List<String> to, String subject, String body) {}

  /** Every mail received, before and after outages. */
  public synchronized List<Mail> received() {
    var all = new java.util.ArrayList<>(before);
    if (server != null) {
      Arrays.stream(server.getReceivedMessages()).map(TestMailbox::mail).forEach(all::add);
    }
    return all;
  }

  /** The mail server goes down: connections to its port are refused until {@link #up}. */
  public synchronized void down() {
    var all = received();
    before.clear();
    before.addAll(all);
    server.stop();
    server = null;
  }

  /** The mail server is back, on the same port. */
  public synchronized void up() {
    server = new GreenMail(setup);
    server.start();
  }

  public List<Mail> receivedBy(String address) {
    return received().stream().filter(m -> m.to().contains(address)).toList();
  }

  private static Mail mail(MimeMessage message) {
    try {
      return new Mail(
          Arrays.stream(message.getRecipients(Message.RecipientType.TO))
              .map(Object::toString)
              .toList(),
          message.getSubject(),
          message.getContent() instanceof String text ? text : GreenMailUtil.getBody(message));
    } catch (MessagingException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop();
    }
  }
}
