package io.odoovps.operator.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class DailyScheduleTest {

  @Test
  void withoutAScheduleEachVpsGetsADailyTimeBetweenOneAndFiveSpreadByName() {
    var times = new HashSet<String>();
    for (int i = 0; i < 200; i++) {
      var expression = DailySchedule.of(null, "vps-" + i).expression();
      assertThat(expression).matches("\\d{1,2} [1-4] \\* \\* \\*");
      times.add(expression);
    }
    assertThat(times).as("spread, not all at one minute").hasSizeGreaterThan(100);
    assertThat(DailySchedule.of(null, "acme").expression())
        .isEqualTo(DailySchedule.of("", "acme").expression());
  }

  @Test
  void theNextRunIsTheFirstMatchingMinuteInTheTimeZone() {
    var s = DailySchedule.parse("30 2 * * *");
    assertThat(s.next(Instant.parse("2026-03-01T01:00:00Z"), ZoneId.of("Etc/UTC")))
        .isEqualTo(Instant.parse("2026-03-01T02:30:00Z"));
    assertThat(s.next(Instant.parse("2026-03-01T02:30:00Z"), ZoneId.of("Etc/UTC")))
        .isEqualTo(Instant.parse("2026-03-02T02:30:00Z"));
    // Paris is UTC+1 in March before the switch
    assertThat(s.next(Instant.parse("2026-03-01T00:00:00Z"), ZoneId.of("Europe/Paris")))
        .isEqualTo(Instant.parse("2026-03-01T01:30:00Z"));
    assertThat(
            DailySchedule.parse("*/15 1-2 * * *")
                .next(Instant.parse("2026-03-01T01:50:00Z"), ZoneId.of("Etc/UTC")))
        .isEqualTo(Instant.parse("2026-03-01T02:00:00Z"));
    assertThat(DailySchedule.parse("@daily").expression()).isEqualTo("0 0 * * *");
  }

  @Test
  void aScheduleThatSkipsDaysOrIsMalformedIsRefusedNamingTheField() {
    assertThatThrownBy(() -> DailySchedule.parse("0 3 * * 1"))
        .hasMessageContaining("day-of-week is 1")
        .hasMessageContaining("every 24 hours");
    assertThatThrownBy(() -> DailySchedule.parse("0 3 1 * *"))
        .hasMessageContaining("day-of-month is 1");
    assertThatThrownBy(() -> DailySchedule.parse("61 3 * * *"))
        .hasMessageContaining("minute field \"61\"");
    assertThatThrownBy(() -> DailySchedule.parse("0 3 * *")).hasMessageContaining("5-field");
    assertThat(DailySchedule.problem("0 3 * * *", "Mars/Olympus"))
        .hasValueSatisfying(p -> assertThat(p).contains("spec.timeZone"));
    assertThat(DailySchedule.problem(null, "Europe/Paris")).isEmpty();
  }

  @Test
  void namesStayWithinKubernetesLimitsAndUnique() {
    var a = BackupJobDesign.cronJobName("a-very-long-policy-name-for-backups", "customer-vps-1");
    var b = BackupJobDesign.cronJobName("a-very-long-policy-name-for-backups", "customer-vps-2");
    assertThat(a).hasSizeLessThanOrEqualTo(52).isNotEqualTo(b);
    assertThat(BackupJobDesign.cronJobName("daily", "acme")).isEqualTo("backup-daily-acme");
  }
}
