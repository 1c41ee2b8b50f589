package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What "down" means for the availability commitment. */
class DowntimeTest {

  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(15);
  private static final String SENT = "2026-03-01T10:00:00Z";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        // case, access codes sent at, suspended, isolated, restoring, rebooted at, ready,
        //   meant to run, down
        "never ready yet,              -,    false, false, false, -,                    false, false, false",
        "ready and running,            sent, false, false, false, -,                    true,  true,  false",
        "not ready while meant to run, sent, false, false, false, -,                    false, true,  true",
        "suspended,                    sent, true,  false, false, -,                    false, false, false",
        "isolated,                     sent, false, true,  false, -,                    false, false, false",
        "being restored,               sent, false, false, true,  -,                    false, false, false",
        "within the reboot grace,      sent, false, false, false, 2026-03-10T11:50:00Z, false, false, false",
        "reboot grace ends exactly,    sent, false, false, false, 2026-03-10T11:45:00Z, false, true,  true",
        "long after a reboot,          sent, false, false, false, 2026-03-09T11:50:00Z, false, true,  true",
      })
  void downtime(
      String name,
      String accessCodesSentAt,
      boolean suspended,
      boolean isolated,
      boolean restoring,
      String rebootedAt,
      boolean vmReady,
      boolean meantToRun,
      boolean down) {
    var maintenance =
        rebootedAt == null
            ? null
            : new MaintenanceStatus(
                "2026-03-09T00:00:00Z",
                "2026-03-09T00:00:00Z",
                rebootedAt,
                rebootedAt,
                null,
                rebootedAt);
    var sent = accessCodesSentAt == null ? null : SENT;
    assertThat(Downtime.of(sent, suspended, isolated, restoring, maintenance, vmReady, NOW, GRACE))
        .isEqualTo(new Downtime(meantToRun, down));
  }
}
