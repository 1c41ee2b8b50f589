package io.odoovps.operator.backup.policy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The schedule of a VPS's backups. The contract promises one every 24 hours, so a schedule must run
 * every day: only the minute and hour fields of the cron expression may restrict it. Without a
 * schedule, each VPS gets a daily time between 01:00 and 04:59 derived from its name, so that a
 * thousand VPSs do not all start their backups at the same minute. The fields are parsed and the
 * runs computed by cron-utils, with the 5-field Unix definition that Kubernetes CronJobs use.
 */
public final class DailySchedule {

  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private static final String[] DAY_FIELDS = {"day-of-month", "month", "day-of-week"};

  private final String expression;
  private final ExecutionTime runs;

  private DailySchedule(String expression, ExecutionTime runs) {
    this.expression = expression;
    this.runs = runs;
  }

  /** The cron expression the CronJob runs. */
  public String expression() {
    return expression;
  }

  /** The schedule of {@code vps}: {@code schedule} if given, else one derived from the name. */
  public static DailySchedule of(String schedule, String vps) {
    if (schedule == null || schedule.isBlank()) {
      int hash = Math.floorMod(vps.hashCode(), 4 * 60);
      return parse((hash % 60) + " " + (1 + hash / 60) + " * * *");
    }
    return parse(schedule);
  }

  /**
   * Parses a cron expression that runs every day.
   *
   * @throws IllegalArgumentException naming the field and the rule otherwise
   */
  public static DailySchedule parse(String schedule) {
    var expression =
        switch (schedule.trim()) {
          case "@daily", "@midnight" -> "0 0 * * *";
          case "@hourly" -> "0 * * * *";
          default -> schedule.trim();
        };
    var fields = expression.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "spec.schedule \"" + schedule + "\" is not a 5-field cron expression");
    }
    for (int i = 2; i < 5; i++) {
      if (!fields[i].equals("*") && !fields[i].equals("?")) {
        throw new IllegalArgumentException(
            "spec.schedule \""
                + schedule
                + "\" does not run every day ("
                + DAY_FIELDS[i - 2]
                + " is "
                + fields[i]
                + "): the contract promises a backup every 24 hours, so only the minute and"
                + " hour may be set");
      }
    }
    check(fields[0] + " * * * *", fields[0], 0, 59, "minute", schedule);
    check("* " + fields[1] + " * * *", fields[1], 0, 23, "hour", schedule);
    var cron = UNIX.parse(fields[0] + " " + fields[1] + " * * *");
    return new DailySchedule(expression, ExecutionTime.forCron(cron));
  }

  /**
   * The first run strictly after {@code after}, in {@code zone}. cron-utils gives the runs on the
   * wall clock (in UTC, which has no daylight-saving jumps); each is placed in the zone as the wall
   * clock reads it, so a run that a jump forward removes happens just after the jump rather than
   * not at all, and a time that a jump back repeats runs once, the first time.
   */
  public Instant next(Instant after, ZoneId zone) {
    var start = ZonedDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    var midnight = start.toLocalDate().atStartOfDay(ZoneOffset.UTC);
    var limit = midnight.plusDays(3);
    for (var run = runs.nextExecution(midnight.minusMinutes(1));
        run.isPresent() && run.get().isBefore(limit);
        run = runs.nextExecution(run.get())) {
      var candidate = run.get().toLocalDateTime().atZone(zone);
      if (!candidate.isBefore(start)) {
        return candidate.toInstant();
      }
    }
    throw new IllegalStateException("no run of " + expression + " within three days");
  }

  /** Whether the schedule can be used, and why not. */
  public static Optional<String> problem(String schedule, String timeZone) {
    try {
      if (schedule != null && !schedule.isBlank()) {
        parse(schedule);
      }
      ZoneId.of(timeZone == null ? "Etc/UTC" : timeZone);
      return Optional.empty();
    } catch (java.time.DateTimeException e) {
      return Optional.of("spec.timeZone \"" + timeZone + "\" is not a known time zone");
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** Refuses a minute or hour field that cron-utils cannot parse, naming it. */
  private static void check(
      String probe, String text, int min, int max, String name, String schedule) {
    try {
      UNIX.parse(probe);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "spec.schedule \""
              + schedule
              + "\": the "
              + name
              + " field \""
              + text
              + "\" is not valid (numbers "
              + min
              + "-"
              + max
              + ", *, ranges, lists, steps)");
    }
  }
}
