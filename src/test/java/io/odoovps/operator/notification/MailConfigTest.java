package io.odoovps.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.config.OperatorConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MailConfigTest {

  @Test
  void defaults() {
    MailConfig config = MailTestConfig.with(Map.of());

    assertThat(config.host()).isEqualTo("localhost");
    assertThat(config.port()).isEqualTo(587);
    assertThat(config.security()).isEqualTo(MailConfig.Security.STARTTLS);
    assertThat(config.username()).isEmpty();
    assertThat(config.password()).isEmpty();
    assertThat(config.from()).isEqualTo("Support <support@odoovps.example>");
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.trustAll()).isFalse();
  }

  @Test
  void overrides() {
    MailConfig config =
        MailTestConfig.with(
            Map.of(
                "odoovps.mail.host", "smtp.example.net",
                "odoovps.mail.port", "465",
                "odoovps.mail.security", "tls",
                "odoovps.mail.username", "relay",
                "odoovps.mail.password", "secret",
                "odoovps.mail.connect-timeout", "3s",
                "odoovps.mail.trust-all", "true"));

    assertThat(config.host()).isEqualTo("smtp.example.net");
    assertThat(config.port()).isEqualTo(465);
    assertThat(config.security()).isEqualTo(MailConfig.Security.TLS);
    assertThat(config.username()).contains("relay");
    assertThat(config.password()).contains("secret");
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.trustAll()).isTrue();
  }

  @Test
  void coexistsWithTheOperatorConfigUnderTheSamePrefix() {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(OperatorConfig.class)
            .withMapping(MailConfig.class)
            .withSources(
                new PropertiesConfigSource(
                    Map.of("odoovps.mail.host", "relay.internal", "odoovps.vm.image", "docker://x"),
                    "test",
                    500))
            .build();

    assertThat(config.getConfigMapping(MailConfig.class).host()).isEqualTo("relay.internal");
    assertThat(config.getConfigMapping(OperatorConfig.class).vm().image()).isEqualTo("docker://x");
  }

  @Test
  void sessionPropertiesRequireStartTlsAndNeverHoldThePassword() {
    MailConfig config =
        MailTestConfig.with(
            Map.of("odoovps.mail.username", "relay", "odoovps.mail.password", "p4ss-w0rd"));

    var props = CustomerMailer.sessionProperties(config);

    assertThat(props)
        .containsEntry("mail.smtp.starttls.enable", "true")
        .containsEntry("mail.smtp.starttls.required", "true")
        .containsEntry("mail.smtp.auth", "true")
        .containsEntry("mail.smtp.ssl.checkserveridentity", "true")
        .containsEntry("mail.smtp.connectiontimeout", "10000")
        .doesNotContainKey("mail.smtp.ssl.trust");
    assertThat(props.values()).doesNotContain("p4ss-w0rd");
  }
}
