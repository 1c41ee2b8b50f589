package io.odoovps.operator.support;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Support: tickets from Alertmanager, the helpdesk they go to, and the support minutes. */
@ConfigMapping(prefix = "odoovps.support")
public interface SupportConfig {

  /** An incident that fires again within this time after it resolved reopens its ticket. */
  @WithDefault("24h")
  @WithConverter(DurationConverter.class)
  Duration reopenWindow();

  Helpdesk helpdesk();

  Webhook webhook();

  /** Where new and reopened tickets are forwarded. */
  interface Helpdesk {
    /** The helpdesk's address; no email when unset. */
    Optional<String> email();

    /** Language of the helpdesk email: `fr` or `en`. */
    @WithDefault("en")
    String language();

    /**
     * A URL that receives each new or reopened ticket as JSON (POST); none when unset. It may carry
     * a credential, so it comes from a Secret through the environment
     * (`ODOOVPS_SUPPORT_HELPDESK_WEBHOOK_URL`) and is never logged.
     */
    Optional<String> webhookUrl();

    /**
     * A bearer token sent to the helpdesk webhook as `Authorization: Bearer <token>`; none when
     * unset. From a Secret through the environment (`ODOOVPS_SUPPORT_HELPDESK_WEBHOOK_TOKEN`),
     * never logged.
     */
    Optional<String> webhookToken();

    /** How soon a channel that failed is tried again (each channel on its own). */
    @WithDefault("1m")
    @WithConverter(DurationConverter.class)
    Duration retryInterval();
  }

  /** The Alertmanager webhook receiver served by the operator. */
  interface Webhook {
    /**
     * The bearer token Alertmanager must send (`http_config.authorization`), from a Secret through
     * the environment (`ODOOVPS_SUPPORT_WEBHOOK_TOKEN`). Unset: every request is refused.
     */
    Optional<String> token();

    /**
     * Largest request body accepted; a bigger one gets 413. Read only once the token is checked, so
     * only Alertmanager can make the operator buffer it; the default holds {@link #maxAlerts()}
     * alerts of about 4 KiB each.
     */
    @WithDefault("4194304")
    int maxBodyBytes();

    /**
     * Most alerts recorded from one notification (at least 1); the rest are reported in the answer
     * and counted (`reason="over-limit"`), not recorded, and not retried. Set the receiver's
     * `max_alerts` in Alertmanager to this value or less, so that Alertmanager truncates instead.
     */
    @WithDefault("" + TicketDesk.DEFAULT_MAX_ALERTS)
    int maxAlerts();

    /** Path of the receiver on the operator's HTTP port. */
    @WithDefault("/alertmanager/webhook")
    String path();
  }
}
