package io.odoovps.operator.backup.policy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Optional;

/**
 * The schedule of a VPS's backups. The contract promises one every 24 hours, so a schedule must run
 * every day: only the minute and hour fields of the cron expression may restrict it. Without a
 * schedule, each VPS gets a daily time between 01:00 and 04:59 derived from its name, so that a
 * thousand VPSs do not all start their backups at the same minute.
 */
public final class DailySchedule {

  private final String expression;
  private final BitSet minutes;
  private final BitSet hours;

  private DailySchedule(String expression, BitSet minutes, BitSet hours) {
    this.expression = expression;
    this.minutes = minutes;
    this.hours = hours;
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
    String[] names = {"day-of-month", "month", "day-of-week"};
    for (int i = 2; i < 5; i++) {
      if (!fields[i].equals("*") && !fields[i].equals("?")) {
        throw new IllegalArgumentException(
            "spec.schedule \""
                + schedule
                + "\" does not run every day ("
                + names[i - 2]
                + " is "
                + fields[i]
                + "): the contract promises a backup every 24 hours, so only the minute and"
                + " hour may be set");
      }
    }
    return new DailySchedule(
        expression,
        field(fields[0], 0, 59, "minute", schedule),
        field(fields[1], 0, 23, "hour", schedule));
  }

  /** The first run strictly after {@code after}, in {@code zone}. */
  public Instant next(Instant after, ZoneId zone) {
    var start = ZonedDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    var day = start.toLocalDate();
    for (int d = 0; d < 3; d++, day = day.plusDays(1)) {
      for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
        for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
          // wall-clock time of that day (a daylight-saving day is 23 or 25 hours long)
          var candidate = day.atTime(h, m).atZone(zone);
          if (!candidate.isBefore(start)) {
            return candidate.toInstant();
          }
        }
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

  private static BitSet field(String text, int min, int max, String name, String schedule) {
    var set = new BitSet(max + 1);
    try {
      for (var part : text.split(",")) {
        int step = 1;
        var range = part;
        var slash = part.indexOf('/');
        if (slash >= 0) {
          step = Integer.parseInt(part.substring(slash + 1));
          range = part.substring(0, slash);
        }
        int from;
        int to;
        if (range.equals("*")) {
          from = min;
          to = max;
        } else if (range.contains("-")) {
          from = Integer.parseInt(range.substring(0, range.indexOf('-')));
          to = Integer.parseInt(range.substring(range.indexOf('-') + 1));
        } else {
          from = Integer.parseInt(range);
          to = slash >= 0 ? max : from;
        }
        if (from < min || to > max || from > to || step < 1) {
          throw new NumberFormatException();
        }
        for (int v = from; v <= to; v += step) {
          set.set(v);
        }
      }
    } catch (NumberFormatException e) {
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
    return set;
  }
}
