package io.odoovps.operator.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.odoovps.operator.api.v1alpha1.odoovps.AvailabilityStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus;

/**
 * The part of a VPS's status that the contract counts on and a lost status would reset: its
 * suspensions (the count, and doNotResume with the reason it holds), the traffic of the billing
 * cycle, and the month's downtime.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VpsRecord(
    SuspensionStatus suspension, TrafficStatus traffic, AvailabilityStatus availability) {

  /**
   * The record of a status: what it would lose, or null when that is nothing yet (never suspended,
   * no traffic counted, no downtime), so that a new VPS costs no write. The traffic is kept in
   * steps of 1 % of the quota: a record is written when a step is crossed (or the cycle, or the
   * throttle, changes), not at every reading; a lost status gives back at most one step less.
   */
  public static VpsRecord of(OdooVpsStatus status) {
    if (status == null) {
      return null;
    }
    var suspension = status.getSuspension();
    var traffic = status.getTraffic();
    var availability = status.getAvailability();
    var keptTraffic =
        traffic != null && traffic.bytesUsed() != null && traffic.bytesUsed() > 0
            ? new TrafficStatus(
                traffic.cycleStart(),
                traffic.cycleEnd(),
                stepDown(traffic.bytesUsed(), traffic.quotaBytes()),
                traffic.quotaBytes(),
                traffic.throttled(),
                traffic.bandwidthMbps(),
                traffic.lastCounter(),
                traffic.lastReadingAt(),
                traffic.throttleNoticeSentAt(),
                null,
                null)
            : null;
    var keptAvailability =
        availability != null
                && ((availability.downSeconds() != null && availability.downSeconds() > 0)
                    || availability.downSince() != null)
            ? new AvailabilityStatus(
                availability.month(),
                availability.downSeconds(),
                availability.downSince(),
                null,
                null)
            : null;
    if (suspension == null && keptTraffic == null && keptAvailability == null) {
      return null;
    }
    return new VpsRecord(suspension, keptTraffic, keptAvailability);
  }

  /**
   * Whether {@code other} keeps the same: the suspension, the downtime, and the traffic's cycle,
   * step and throttle (not the counter reading that goes with them, which moves at every reading).
   */
  public boolean sameAs(VpsRecord other) {
    if (other == null) {
      return false;
    }
    return java.util.Objects.equals(suspension, other.suspension)
        && java.util.Objects.equals(availability, other.availability)
        && java.util.Objects.equals(trafficKey(traffic), trafficKey(other.traffic));
  }

  private static java.util.List<Object> trafficKey(TrafficStatus t) {
    return t == null
        ? null
        : java.util.Arrays.asList(
            t.cycleStart(), t.bytesUsed(), t.throttled(), t.throttleNoticeSentAt());
  }

  /** {@code bytes} rounded down to a step of 1 % of the quota. */
  static long stepDown(long bytes, Long quota) {
    long step = quota == null || quota < 100 ? 1 : quota / 100;
    return bytes - bytes % step;
  }

  /** Whether a status lost what the record keeps: none, or an empty one (wiped). */
  public static boolean lost(OdooVpsStatus status) {
    return status == null || status.getObservedGeneration() == null;
  }

  /** A status that starts from the record: what the next pass builds on. */
  public OdooVpsStatus seed() {
    var status = new OdooVpsStatus();
    status.setSuspension(suspension);
    status.setTraffic(traffic);
    status.setAvailability(availability);
    return status;
  }
}
