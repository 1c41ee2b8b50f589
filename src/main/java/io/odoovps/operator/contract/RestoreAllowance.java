package io.odoovps.operator.contract;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;

/**
 * Article 3: restores on request, at most two per customer per calendar month (UTC). Given the
 * times of the restores already carried out, decides whether one more may run now, and if not, says
 * why and when the next one is allowed.
 */
public final class RestoreAllowance {

  public static final int PER_MONTH = 2;

  private RestoreAllowance() {}

  /** Empty when a restore may run at {@code now}; otherwise the reason, naming the rule. */
  public static Optional<String> refusal(Collection<Instant> carriedOut, Instant now) {
    var month = YearMonth.from(now.atZone(ZoneOffset.UTC));
    long used =
        carriedOut.stream()
            .filter(t -> YearMonth.from(t.atZone(ZoneOffset.UTC)).equals(month))
            .count();
    if (used < PER_MONTH) {
      return Optional.empty();
    }
    var next = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return Optional.of(
        "at most "
            + PER_MONTH
            + " restores per calendar month (contract article 3): "
            + used
            + " already carried out in "
            + month
            + "; the next one is allowed from "
            + Timestamps.format(next));
  }

  /** Restores left in the month of {@code now}. */
  public static int left(Collection<Instant> carriedOut, Instant now) {
    var month = YearMonth.from(now.atZone(ZoneOffset.UTC));
    long used =
        carriedOut.stream()
            .filter(t -> YearMonth.from(t.atZone(ZoneOffset.UTC)).equals(month))
            .count();
    return (int) Math.max(0, PER_MONTH - used);
  }
}
