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

  /** The record of a status, or null when the status holds none of it. */
  public static VpsRecord of(OdooVpsStatus status) {
    if (status == null
        || (status.getSuspension() == null
            && status.getTraffic() == null
            && status.getAvailability() == null)) {
      return null;
    }
    return new VpsRecord(status.getSuspension(), status.getTraffic(), status.getAvailability());
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
