package io.odoovps.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.internet.MimeMessage;
import java.security.cert.CertPathBuilderException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authenticated SMTPS (TLS from the first byte) against GreenMail's self-signed certificate. */
class CustomerMailerSmtpsTest {

  private static final String RELAY_USER = "relay-user";
  private static final String RELAY_PASSWORD = "relay-S3cret";

  @RegisterExtension
  static final GreenMailExtension greenMail =
      new GreenMailExtension(ServerSetupTest.SMTPS.dynamicPort())
          .withConfiguration(
              GreenMailConfiguration.aConfig()
                  .withUser("support@odoovps.example", RELAY_USER, RELAY_PASSWORD));

  private CustomerMailer mailer(String password, boolean trustAll) {
    Map<String, String> properties = new HashMap<>();
    properties.put("odoovps.mail.port", Integer.toString(greenMail.getSmtps().getPort()));
    properties.put("odoovps.mail.security", "TLS");
    properties.put("odoovps.mail.username", RELAY_USER);
    properties.put("odoovps.mail.password", password);
    properties.put("odoovps.mail.trust-all", Boolean.toString(trustAll));
    properties.put("odoovps.mail.connect-timeout", "5s");
    return new CustomerMailer(MailTestConfig.with(properties));
  }

  @Test
  void authenticatesOverSmtps() throws Exception {
    mailer(RELAY_PASSWORD, true)
        .send(
            "client@acme.example",
            Language.EN,
            Notice.PLAN_CHANGED,
            Map.of("vpsName", "acme-prod", "plan", "Business 4 vCPU"));

    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getSubject()).isEqualTo("Plan change for your Odoo VPS acme-prod");
    assertThat((String) received[0].getContent()).contains("New plan: Business 4 vCPU");
  }

  @Test
  void wrongPasswordFailsWithoutLeakingIt() {
    assertThatThrownBy(
            () ->
                mailer("wrong-Passw0rd", true)
                    .send(
                        "client@acme.example", Language.FR, Notice.RESUMED, Map.of("vpsName", "x")))
        .isInstanceOf(MailDeliveryException.class)
        .hasMessageContaining("RESUMED")
        .hasMessageContaining("client@acme.example")
        .hasCauseInstanceOf(AuthenticationFailedException.class)
        .satisfies(
            e -> CustomerMailerSmtpTest.assertNoSecretInChain(e, "wrong-Passw0rd", RELAY_PASSWORD));
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void untrustedCertificateIsRefusedByDefault() {
    assertThatThrownBy(
            () ->
                mailer(RELAY_PASSWORD, false)
                    .send(
                        "client@acme.example", Language.FR, Notice.RESUMED, Map.of("vpsName", "x")))
        .isInstanceOf(MailDeliveryException.class)
        .hasMessageContaining("RESUMED")
        .hasRootCauseInstanceOf(CertPathBuilderException.class);
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }
}
