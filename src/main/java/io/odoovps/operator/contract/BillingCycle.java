package io.odoovps.operator.contract;

import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.BillingSpec.BillingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Article 11: a subscription renews tacitly each month, in cycles anchored on its start (a start on
 * the 31st renews on the last day of shorter months); a fixed term ends at its end.
 */
public final class BillingCycle {

  private BillingCycle() {}

  /** One cycle: [start, end), and how many renewals came before it. */
  public record Period(Instant start, Instant end, int renewals) {}

  /** The cycle that contains {@code now} (the first one before the start). */
  public static Period current(BillingSpec billing, Instant now) {
    var anchor = ZonedDateTime.ofInstant(Timestamps.parse(billing.getStart()), ZoneOffset.UTC);
    int months = 0;
    if (now.isAfter(anchor.toInstant())) {
      months =
          (int)
              java.time.temporal.ChronoUnit.MONTHS.between(
                  anchor, ZonedDateTime.ofInstant(now, ZoneOffset.UTC));
      while (!anchor.plusMonths(months + 1).toInstant().isAfter(now)) {
        months++;
      }
      while (months > 0 && anchor.plusMonths(months).toInstant().isAfter(now)) {
        months--;
      }
    }
    var start = anchor.plusMonths(months).toInstant();
    var end = anchor.plusMonths(months + 1).toInstant();
    if (billing.getMode() == BillingMode.FixedTerm && billing.getEnd() != null) {
      var termEnd = Timestamps.parse(billing.getEnd());
      if (termEnd.isBefore(end)) {
        end = termEnd;
      }
    }
    return new Period(start, end, months);
  }

  /** Whether a fixed term is over at {@code now}. A subscription never ends by itself. */
  public static boolean termEnded(BillingSpec billing, Instant now) {
    return billing.getMode() == BillingMode.FixedTerm
        && billing.getEnd() != null
        && !now.isBefore(Timestamps.parse(billing.getEnd()));
  }
}
