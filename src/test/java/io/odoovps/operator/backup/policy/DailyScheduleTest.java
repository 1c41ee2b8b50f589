package io.odoovps.operator.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  @ParameterizedTest(name = "{0} after {1} in {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Paris springs forward on 2026-03-29 at 02:00: a run at 02:30 moves to 03:30 that day
        "30 2 * * *      | 2026-03-29T00:00:00Z | Europe/Paris | 2026-03-29T01:30:00Z",
        // and falls back on 2026-10-25 at 03:00: 02:30 comes twice, the first one runs
        "30 2 * * *      | 2026-10-24T23:00:00Z | Europe/Paris | 2026-10-25T00:30:00Z",
        "30 2 * * *      | 2026-10-25T00:30:00Z | Europe/Paris | 2026-10-26T01:30:00Z",
        "0,30 1-3 * * *  | 2026-03-29T00:45:00Z | Europe/Paris | 2026-03-29T01:00:00Z",
        "5/20 */6 * * ?  | 2026-03-01T06:06:00Z | Etc/UTC      | 2026-03-01T06:25:00Z",
        "5/20 */6 * * ?  | 2026-03-01T06:06:00Z | Europe/Paris | 2026-03-01T11:05:00Z",
        "59 23 * * *     | 2026-12-31T23:59:30Z | Etc/UTC      | 2027-01-01T23:59:00Z",
        "@hourly         | 2026-03-01T01:00:00Z | Etc/UTC      | 2026-03-01T02:00:00Z",
        "0 0-23/12 * * * | 2026-03-01T00:00:01Z | Etc/UTC      | 2026-03-01T12:00:00Z",
      })
  void theNextRunAcrossDaylightSavingStepsRangesAndTheYearsEnd(
      String schedule, String after, String zone, String expected) {
    assertThat(DailySchedule.parse(schedule).next(Instant.parse(after), ZoneId.of(zone)))
        .isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1-60 2 * * * | minute field \"1-60\"",
        "0 24 * * *   | hour field \"24\"",
        "a 2 * * *    | minute field \"a\"",
        "0 5-2 * * *  | hour field \"5-2\"",
        "*/0 2 * * *  | minute field \"*/0\"",
        "0 2 * * 1-5  | day-of-week is 1-5",
      })
  void aMalformedOrNonDailyFieldIsNamed(String schedule, String message) {
    assertThat(DailySchedule.problem(schedule, "Etc/UTC"))
        .hasValueSatisfying(p -> assertThat(p).contains(message));
  }

  @Test
  void aQuestionMarkInTheDayFieldsMeansEveryDay() {
    assertThat(DailySchedule.problem("0 2 ? * ?", "Etc/UTC")).isEmpty();
    assertThat(
            DailySchedule.parse("0 2 ? * ?")
                .next(Instant.parse("2026-03-01T03:00:00Z"), ZoneId.of("Etc/UTC")))
        .isEqualTo(Instant.parse("2026-03-02T02:00:00Z"));
  }
}
