package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.support.HelpdeskForwarder.Channel;
import io.odoovps.operator.testing.TestConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The helpdesk webhook's URL and token arrive as the chart passes them: environment variables; the
 * Alertmanager webhook's bounds.
 */
class SupportConfigTest {

  @Test
  void theHelpdeskWebhookUrlAndTokenAreReadFromTheEnvironment() {
    var config =
        new SmallRyeConfigBuilder()
            .withMapping(SupportConfig.class)
            .withSources(
                new EnvConfigSource(
                    Map.of(
                        "ODOOVPS_SUPPORT_HELPDESK_WEBHOOK_URL",
                        "https://helpdesk.example/hook?key=k",
                        "ODOOVPS_SUPPORT_HELPDESK_WEBHOOK_TOKEN",
                        "t0ken"),
                    300))
            .build()
            .getConfigMapping(SupportConfig.class);
    assertThat(config.helpdesk().webhookUrl()).contains("https://helpdesk.example/hook?key=k");
    assertThat(config.helpdesk().webhookToken()).contains("t0ken");
    assertThat(config.helpdesk().retryInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.helpdesk().email()).isEmpty();
  }

  @Test
  void theWebhookTakesAThousandAlertsOfFourMebibytesByDefaultAndACapBelowOneIsRefused() {
    var defaults = TestConfig.support(Map.of()).webhook();
    assertThat(defaults.maxAlerts()).isEqualTo(1000);
    assertThat(defaults.maxBodyBytes()).isEqualTo(4 * 1024 * 1024);
    var set =
        new SmallRyeConfigBuilder()
            .withMapping(SupportConfig.class)
            .withSources(
                new EnvConfigSource(Map.of("ODOOVPS_SUPPORT_WEBHOOK_MAX_ALERTS", "200"), 300))
            .build()
            .getConfigMapping(SupportConfig.class);
    assertThat(set.webhook().maxAlerts()).isEqualTo(200);
    assertThatThrownBy(
            () ->
                new TicketDesk(
                    null,
                    Clock.systemUTC(),
                    Duration.ofHours(24),
                    0,
                    new WebhookMetrics(new SimpleMeterRegistry())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("odoovps.support.webhook.max-alerts must be at least 1, not 0");
  }

  private static SupportConfig withToken(String token) {
    return new SmallRyeConfigBuilder()
        .withMapping(SupportConfig.class)
        .withSources(
            new EnvConfigSource(
                Map.of(
                    // nothing listens there: a delivery that got past the token would be refused
                    // with another message
                    "ODOOVPS_SUPPORT_HELPDESK_WEBHOOK_URL",
                    "http://127.0.0.1:9/hook",
                    "ODOOVPS_SUPPORT_HELPDESK_WEBHOOK_TOKEN",
                    token),
                300))
        .build()
        .getConfigMapping(SupportConfig.class);
  }

  private static HelpdeskForwarder.Opening opening() {
    var ticket = new SupportTicket();
    ticket.setMetadata(new ObjectMetaBuilder().withName("alpha-dns").withNamespace("ns").build());
    var spec = new SupportTicketSpec();
    spec.setVps("alpha");
    spec.setSummary("A domain");
    ticket.setSpec(spec);
    return new HelpdeskForwarder.Opening(
        ticket,
        new TicketLifecycle.PhaseFields(Phase.Open, "2026-03-01T10:00:00Z", null, null, 0),
        null,
        1);
  }

  @Test
  void aWebhookTokenThatCannotBeAHeaderRefusesTheWebhookNamingTheSettingNeverTheValue() {
    for (var token : new String[] {"secret-part\r\nX-Injected: 1", "jeton-sécret", "two words"}) {
      var forwarder = new HelpdeskForwarder(withToken(token).helpdesk(), null);
      assertThatThrownBy(() -> forwarder.deliver(Channel.WEBHOOK, opening()))
          .as(token)
          .isInstanceOf(HelpdeskForwarder.Refused.class)
          .hasMessageStartingWith("odoovps.support.helpdesk.webhook-token is not a valid bearer")
          .hasMessageNotContaining("secret")
          .hasMessageNotContaining("sécret")
          .hasMessageNotContaining("words");
    }
    // the newline a Secret file ends with is trimmed, not refused
    assertThat(HelpdeskForwarder.tokenProblem(Optional.of("t0ken.-_~+/=\n"))).isEmpty();
    assertThat(HelpdeskForwarder.tokenProblem(Optional.empty())).isEmpty();
  }
}
