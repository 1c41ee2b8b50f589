package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The helpdesk webhook's URL and token arrive as the chart passes them: environment variables. */
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
}
