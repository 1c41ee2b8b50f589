package io.odoovps.operator.shaper;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.OptionalLong;

/**
 * Bandwidths as Kubernetes writes them in `kubernetes.io/ingress-bandwidth` and
 * `kubernetes.io/egress-bandwidth` (a quantity: `100M` is 100,000,000 bit/s, `10Mi` 10 × 2^20).
 */
public final class Rates {

  private Rates() {}

  /** Bits per second of a quantity; empty for a missing, malformed, zero or negative one. */
  public static OptionalLong bits(String quantity) {
    if (quantity == null || quantity.isBlank()) {
      return OptionalLong.empty();
    }
    try {
      var amount = Quantity.getAmountInBytes(new Quantity(quantity.strip()));
      if (amount.signum() <= 0 || amount.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(amount.longValue());
    } catch (IllegalArgumentException | ArithmeticException e) {
      return OptionalLong.empty();
    }
  }

  /** A rate as the shortest decimal quantity that is exact: 100000000 → `100M`, 1500 → `1500`. */
  public static String quantity(long bits) {
    String[] suffixes = {"", "k", "M", "G", "T"};
    int i = 0;
    long value = bits;
    while (i < suffixes.length - 1 && value != 0 && value % 1000 == 0) {
      value /= 1000;
      i++;
    }
    return value + suffixes[i];
  }
}
