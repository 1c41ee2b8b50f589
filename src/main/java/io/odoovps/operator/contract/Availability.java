package io.odoovps.operator.contract;

import io.odoovps.operator.api.v1alpha1.odoovps.AvailabilityStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * Contract article 10: 99.50 % availability per month. A VPS is down while it is meant to run (it
 * was ready once, and it is not suspended, isolated by the provider, being restored or terminated)
 * and its VM is not ready. The error budget is 0.5 % of the calendar month (3 h 36 min for 30 days,
 * 3 h 43 min 12 s for 31).
 */
public final class Availability {

  public static final double TARGET = 0.995;

  private Availability() {}

  /**
   * The next status: changes only on a transition or a new month, so a steady VPS writes nothing.
   */
  public static AvailabilityStatus next(AvailabilityStatus previous, boolean down, Instant now) {
    var month = YearMonth.from(now.atZone(ZoneOffset.UTC));
    var monthStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    long closed = 0;
    Instant downSince = null;
    if (previous != null && month.toString().equals(previous.month())) {
      closed = previous.downSeconds() == null ? 0 : previous.downSeconds();
      downSince = previous.downSince() == null ? null : Instant.parse(previous.downSince());
    } else if (previous != null && previous.downSince() != null) {
      downSince = monthStart; // an outage that crosses into the month counts from its start
    }
    if (down && downSince == null) {
      downSince = now;
    } else if (!down && downSince != null) {
      closed += Duration.between(downSince, now).toSeconds();
      downSince = null;
    }
    var unchanged =
        previous != null
            && month.toString().equals(previous.month())
            && closed == (previous.downSeconds() == null ? 0 : previous.downSeconds())
            && java.util.Objects.equals(
                downSince == null ? null : Timestamps.format(downSince), previous.downSince());
    if (unchanged) {
      return previous;
    }
    return new AvailabilityStatus(
        month.toString(),
        closed,
        downSince == null ? null : Timestamps.format(downSince),
        percent(ratio(month, closed, downSince, now)),
        budgetLeft(month, closed, downSince, now));
  }

  /** Seconds of downtime in the month up to {@code now}, the ongoing outage included. */
  public static long downSeconds(AvailabilityStatus status, Instant now) {
    if (status == null) {
      return 0;
    }
    long closed = status.downSeconds() == null ? 0 : status.downSeconds();
    return status.downSince() == null
        ? closed
        : closed
            + Math.max(0, Duration.between(Instant.parse(status.downSince()), now).toSeconds());
  }

  /** The month's availability so far, 0 to 1, measured over the whole month. */
  public static double ratio(AvailabilityStatus status, Instant now) {
    if (status == null || status.month() == null) {
      return 1.0;
    }
    var month = YearMonth.parse(status.month());
    return 1.0 - (double) downSeconds(status, now) / monthSeconds(month);
  }

  /** Error budget left in the month, in seconds (negative once the target is missed). */
  public static long budgetLeftSeconds(AvailabilityStatus status, Instant now) {
    var month =
        status == null || status.month() == null
            ? YearMonth.from(now.atZone(ZoneOffset.UTC))
            : YearMonth.parse(status.month());
    return budget(month) - downSeconds(status, now);
  }

  public static long budget(YearMonth month) {
    return Math.round(monthSeconds(month) * (1 - TARGET));
  }

  private static long monthSeconds(YearMonth month) {
    return month.lengthOfMonth() * 86_400L;
  }

  private static double ratio(YearMonth month, long closed, Instant downSince, Instant now) {
    long down = closed + (downSince == null ? 0 : Duration.between(downSince, now).toSeconds());
    return 1.0 - (double) down / monthSeconds(month);
  }

  private static long budgetLeft(YearMonth month, long closed, Instant downSince, Instant now) {
    long down = closed + (downSince == null ? 0 : Duration.between(downSince, now).toSeconds());
    return budget(month) - down;
  }

  private static String percent(double ratio) {
    return BigDecimal.valueOf(ratio * 100).setScale(3, RoundingMode.FLOOR).toPlainString();
  }
}
