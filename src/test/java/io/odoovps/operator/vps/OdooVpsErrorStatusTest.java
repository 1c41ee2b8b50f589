package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.testing.MovableClock;
import io.odoovps.operator.testing.VpsFixtures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status of a failed pass, from the status builder (updateErrorStatus). */
class OdooVpsErrorStatusTest {

  private final OdooVpsStatusBuilder builder =
      new OdooVpsStatusBuilder(MovableClock.at("2026-03-10T12:00:00Z"));

  @Test
  void theRootCauseBecomesReadyFalseAndTheRestIsKept() {
    var vps = VpsFixtures.vps("shop", "alpha");
    vps.getMetadata().setGeneration(2L);
    var status = new OdooVpsStatus();
    status.setIpv4("192.0.2.7");
    status.setConditions(
        new ConditionList(List.of(), 2L, Instant.parse("2026-03-01T00:00:00Z"))
            .set(OdooVpsConditions.READY, true, OdooVpsConditions.REASON_VM_READY, "ok")
            .set(OdooVpsConditions.ISOLATED, false, "Connected", "connected")
            .build());
    vps.setStatus(status);
    var message =
        OdooVpsStatusBuilder.failure(
            new IllegalStateException("wrapped", new RuntimeException("etcd timeout")));
    assertThat(message).isEqualTo("Reconcile failed: etcd timeout");

    var next = builder.error(vps, message).orElseThrow();
    var ready = ConditionList.find(next.getConditions(), OdooVpsConditions.READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(OdooVpsConditions.REASON_RECONCILE_ERROR);
    assertThat(ready.getMessage()).isEqualTo(message);
    assertThat(ConditionList.find(next.getConditions(), OdooVpsConditions.ISOLATED)).isPresent();
    assertThat(next.getIpv4()).isEqualTo("192.0.2.7");
    // the cached status is left alone
    assertThat(
            ConditionList.find(status.getConditions(), OdooVpsConditions.READY)
                .orElseThrow()
                .getStatus())
        .isEqualTo("True");

    vps.setStatus(next);
    assertThat(builder.error(vps, message)).isEmpty();
  }

  @Test
  void aMessagelessFailureIsNamedByItsClass() {
    assertThat(OdooVpsStatusBuilder.failure(new NullPointerException()))
        .isEqualTo("Reconcile failed: NullPointerException");
  }
}
