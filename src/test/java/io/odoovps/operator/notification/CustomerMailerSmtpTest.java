package io.odoovps.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.angus.mail.util.MailConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sends through a real SMTP server (GreenMail) running in the test JVM. */
class CustomerMailerSmtpTest {

  private static final String PASSWORD = "Zq7-kL9!x-odoo";
  private static final String RELAY_PASSWORD = "relay-S3cret";

  @RegisterExtension
  static final GreenMailExtension greenMail =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  private static Map<String, String> accessCodes() {
    return Map.of(
        "vpsName", "acme-prod",
        "odooUrl", "https://acme.odoovps.example",
        "login", "admin@acme.example",
        "password", PASSWORD);
  }

  private CustomerMailer plainMailer() {
    return new CustomerMailer(
        MailTestConfig.with(
            Map.of(
                "odoovps.mail.port", Integer.toString(greenMail.getSmtp().getPort()),
                "odoovps.mail.security", "NONE",
                "odoovps.mail.from", "Le support <support@odoovps.example>")));
  }

  @Test
  void sendsAccessCodesInFrench() throws Exception {
    plainMailer().send("client@acme.example", Language.FR, Notice.ACCESS_CODES, accessCodes());

    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage message = received[0];
    assertThat(message.getRecipients(Message.RecipientType.TO))
        .extracting(a -> ((InternetAddress) a).getAddress())
        .containsExactly("client@acme.example");
    assertThat(((InternetAddress) message.getFrom()[0]).getAddress())
        .isEqualTo("support@odoovps.example");
    assertThat(message.getSubject()).isEqualTo("Votre VPS Odoo acme-prod est prêt");
    assertThat(message.getContentType()).startsWith("text/plain").containsIgnoringCase("utf-8");
    assertThat(message.getHeader("Content-Language")).containsExactly("fr");
    String body = ((String) message.getContent()).replace("\r\n", "\n").strip();
    assertThat(body)
        .startsWith("Bonjour,")
        .contains("Votre VPS Odoo acme-prod est prêt. Voici vos accès :")
        .contains("Adresse de votre Odoo : https://acme.odoovps.example")
        .contains("Identifiant : admin@acme.example")
        .contains("Mot de passe : " + PASSWORD)
        .contains("sécurité")
        .endsWith("Cordialement,\nLe support");
  }

  @Test
  void sendsAccessCodesInEnglish() throws Exception {
    plainMailer().send("client@acme.example", Language.EN, Notice.ACCESS_CODES, accessCodes());

    MimeMessage message = greenMail.getReceivedMessages()[0];
    assertThat(message.getAllRecipients()).hasSize(1);
    assertThat(((InternetAddress) message.getAllRecipients()[0]).getAddress())
        .isEqualTo("client@acme.example");
    assertThat(message.getSubject()).isEqualTo("Your Odoo VPS acme-prod is ready");
    assertThat(message.getHeader("Content-Language")).containsExactly("en");
    String body = GreenMailUtil.getBody(message);
    assertThat(((String) message.getContent()).replace("\r\n", "\n").strip())
        .startsWith("Hello,")
        .contains("Your Odoo address: https://acme.odoovps.example")
        .contains("Login: admin@acme.example")
        .contains("Password: " + PASSWORD)
        .endsWith("Kind regards,\nSupport");
    assertThat(body).isNotBlank();
  }

  @Test
  void missingPlaceholderSendsNothing() {
    Map<String, String> values = new HashMap<>(accessCodes());
    values.remove("odooUrl");

    assertThatThrownBy(
            () ->
                plainMailer().send("client@acme.example", Language.FR, Notice.ACCESS_CODES, values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("odooUrl")
        .hasMessageNotContaining(PASSWORD);
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void refusedConnectionThrowsWithoutLeakingSecrets() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CustomerMailer mailer =
        new CustomerMailer(
            MailTestConfig.with(
                Map.of(
                    "odoovps.mail.port", Integer.toString(closedPort),
                    "odoovps.mail.security", "NONE",
                    "odoovps.mail.username", "relay",
                    "odoovps.mail.password", RELAY_PASSWORD,
                    "odoovps.mail.connect-timeout", "2s")));

    assertThatThrownBy(
            () ->
                mailer.send("client@acme.example", Language.FR, Notice.ACCESS_CODES, accessCodes()))
        .isInstanceOf(MailDeliveryException.class)
        .hasMessageContaining("ACCESS_CODES")
        .hasMessageContaining("client@acme.example")
        .hasCauseInstanceOf(MailConnectException.class)
        .satisfies(e -> assertNoSecretInChain(e, RELAY_PASSWORD, PASSWORD, "Mot de passe"))
        .satisfies(
            e -> {
              assertThat(((MailDeliveryException) e).notice()).isEqualTo(Notice.ACCESS_CODES);
              assertThat(((MailDeliveryException) e).recipient()).isEqualTo("client@acme.example");
            });
  }

  @Test
  void startTlsIsRequiredSoCredentialsNeverGoInClear() {
    CustomerMailer mailer =
        new CustomerMailer(
            MailTestConfig.with(
                Map.of(
                    "odoovps.mail.port",
                    Integer.toString(greenMail.getSmtp().getPort()),
                    "odoovps.mail.security",
                    "STARTTLS",
                    "odoovps.mail.username",
                    "relay",
                    "odoovps.mail.password",
                    RELAY_PASSWORD)));

    assertThatThrownBy(
            () -> mailer.send("client@acme.example", Language.EN, Notice.RESUMED, accessCodes()))
        .isInstanceOf(MailDeliveryException.class)
        .hasMessageContaining("RESUMED")
        .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("STARTTLS"))
        .satisfies(e -> assertNoSecretInChain(e, RELAY_PASSWORD));
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void rejectsAnInvalidOrMultipleRecipient() {
    CustomerMailer mailer = plainMailer();

    assertThatThrownBy(
            () ->
                mailer.send(
                    "a@acme.example, b@evil.example", Language.FR, Notice.RESUMED, accessCodes()))
        .isInstanceOf(MailDeliveryException.class)
        .hasMessageContaining("RESUMED");
    assertThatThrownBy(
            () -> mailer.send("not an address", Language.FR, Notice.RESUMED, accessCodes()))
        .isInstanceOf(MailDeliveryException.class);
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  static void assertNoSecretInChain(Throwable error, String... secrets) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(secrets);
      assertThat(t.toString()).doesNotContain(secrets);
    }
  }
}
