package io.odoovps.operator.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
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

  private final GreenMail server;
  private final CustomerMailer mailer;

  public TestMailbox() {
    server = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    server.start();
    var properties = new HashMap<String, String>();
    properties.put("odoovps.mail.host", "127.0.0.1");
    properties.put("odoovps.mail.port", String.valueOf(server.getSmtp().getPort()));
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

  public CustomerMailer mailer() {
    return mailer;
  }

  /** A received mail: recipients, subject and body. */
  public record Mail(List<String> to, String subject, String body) {}

  public List<Mail> received() {
    return Arrays.stream(server.getReceivedMessages()).map(TestMailbox::mail).toList();
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
  public void close() {
    server.stop();
  }
}
