package io.odoovps.operator.api.v1alpha1;

/**
 * The date-times the API server accepts in a spec: RFC 3339 on a day the calendar has, that the
 * operator's {@code OffsetDateTime.parse} reads as well as CEL's {@code timestamp()}. A value the
 * operator could not parse is refused at admission instead of failing every reconcile.
 *
 * <p>The shape: {@code 2026-01-15T09:00:00Z} or {@code 2026-01-15T10:00:00+01:00}, an upper-case
 * {@code T}, a year from 1000 to 2999, hours 00 to 23, minutes and seconds 00 to 59 (no leap
 * second), at most 9 digits of fractions of a second, {@code Z} or an offset of at most 18 hours
 * (Java's limit). The day must exist: 30 in April, 29 in February only in leap years (every 4
 * years, except centuries not divisible by 400).
 *
 * <p>Why CEL and not {@code format: date-time}: kube-apiserver 1.34 does enforce that format (it
 * refuses {@code 2026-02-30T00:00:00Z} and {@code yesterday}), but it accepts an offset such as
 * {@code +99:99}, which Java and CEL's {@code timestamp()} refuse, and a lower-case {@code t},
 * which {@code timestamp()} refuses; and the annotations these classes compile against (fabric8's
 * generator-annotations) cannot write a format on a String field. The rule uses only CEL's base
 * functions ({@code matches}, {@code substring}, {@code int}), so it needs no Kubernetes version
 * beyond the one CRD validation rules need.
 */
public final class DateTimeRule {

  /** The shape, as a regular expression (RE2 and Java alike; no backslash, for CEL's sake). */
  public static final String SHAPE =
      "^[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]"
          + ":[0-5][0-9]([.][0-9]{1,9})?(Z|[+-]((0[0-9]|1[0-7]):[0-5][0-9]|18:00))$";

  /** CEL over the variable {@code t}: the shape, and a day that the month has. */
  public static final String REAL_T =
      "t.matches('"
          + SHAPE
          + "') && int(t.substring(8, 10)) <= (t.substring(5, 7) == '02'"
          + " ? ((int(t.substring(0, 4)) % 4 == 0 && int(t.substring(0, 4)) % 100 != 0)"
          + " || int(t.substring(0, 4)) % 400 == 0 ? 29 : 28)"
          + " : (t.substring(5, 7) in ['04', '06', '09', '11'] ? 30 : 31))";

  /** CEL on a string field: it is a real date-time. */
  public static final String RULE = "[self].all(t, " + REAL_T + ")";

  /** What the rule asks, for messages: "spec.x" + {@link #MUST}. */
  public static final String MUST =
      " must be an RFC 3339 date-time on a day the calendar has, such as 2026-01-15T09:00:00Z or"
          + " 2026-01-15T10:00:00+01:00 (hours 00-23, an offset of at most 18 hours)";

  /** Room for the longest value (nanoseconds and an offset), and a bound for CEL's cost. */
  public static final int MAX_LENGTH = 35;

  private DateTimeRule() {}
}
