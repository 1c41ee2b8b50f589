package io.odoovps.operator.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.AvailabilityStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus;
import org.junit.jupiter.api.Test;

class VpsRecordTest {

  private static final long QUOTA = 10_000_000_000_000L; // 10 TB: a step is 100 GB

  private static TrafficStatus traffic(long bytes, long counter) {
    return new TrafficStatus(
        "2026-03-01T00:00:00Z",
        "2026-04-01T00:00:00Z",
        bytes,
        QUOTA,
        false,
        100,
        counter,
        "2026-03-05T00:00:00Z",
        null,
        null,
        null);
  }

  private static OdooVpsStatus status(
      SuspensionStatus suspension, TrafficStatus traffic, AvailabilityStatus availability) {
    var s = new OdooVpsStatus();
    s.setSuspension(suspension);
    s.setTraffic(traffic);
    s.setAvailability(availability);
    return s;
  }

  @Test
  void aNewVpsHasNothingToKeep() {
    var fresh =
        status(null, traffic(0, 0), new AvailabilityStatus("2026-03", 0L, null, "100.000", 13392L));
    assertThat(VpsRecord.of(fresh)).isNull();
    assertThat(VpsRecord.of(null)).isNull();
  }

  @Test
  void trafficIsKeptInStepsOfOnePercentOfTheQuota() {
    var a = VpsRecord.of(status(null, traffic(250_000_000_000L, 1), null));
    assertThat(a.traffic().bytesUsed()).isEqualTo(200_000_000_000L);
    // more bytes within the same step, another counter reading: the same record, no write
    var b = VpsRecord.of(status(null, traffic(299_000_000_000L, 2), null));
    assertThat(b.sameAs(a)).isTrue();
    // the next step: a write
    var c = VpsRecord.of(status(null, traffic(300_000_000_001L, 3), null));
    assertThat(c.sameAs(a)).isFalse();
    assertThat(c.traffic().lastCounter()).as("the reading that goes with the step").isEqualTo(3);
  }

  @Test
  void aSuspensionOrADowntimeIsKeptAndALostStatusIsRecognised() {
    var suspended = new SuspensionStatus(true, "spam", null, "2026-03-02T00:00:00Z", 1, true);
    var record = VpsRecord.of(status(suspended, null, null));
    assertThat(record.suspension().doNotResume()).isTrue();
    assertThat(record.seed().getSuspension()).isEqualTo(suspended);
    var down =
        VpsRecord.of(status(null, null, new AvailabilityStatus("2026-03", 600L, null, "99.9", 1L)));
    assertThat(down.availability().downSeconds()).isEqualTo(600L);
    assertThat(VpsRecord.lost(null)).isTrue();
    assertThat(VpsRecord.lost(new OdooVpsStatus())).isTrue();
    var written = new OdooVpsStatus();
    written.setObservedGeneration(3L);
    assertThat(VpsRecord.lost(written)).isFalse();
  }
}
