package io.odoovps.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.testing.Kstatus;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A restore's conditions from its phase, and what Flux and kstatus make of them (the real library):
 * a restore applied from Git is waited for while it runs, fails at once when it is rejected or
 * fails, and is current once it succeeded.
 */
class RestoreConditionsTest {

  private static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "Pending, False, Reconciling, InProgress",
    "Stopping, False, Reconciling, InProgress",
    "Restoring, False, Reconciling, InProgress",
    "RollingBack, False, Reconciling, InProgress",
    "Starting, False, Reconciling, InProgress",
    "Succeeded, True, , Current",
    "Rejected, False, Stalled, Failed",
    "Failed, False, Stalled, Failed"
  })
  void eachPhaseHasItsConditionsAndKstatusVerdict(
      Phase phase, String ready, String kstatusCondition, String verdict) throws Exception {
    var restore = new OdooVpsRestore();
    restore.setMetadata(
        new ObjectMetaBuilder().withName("r1").withNamespace("ns").withGeneration(1L).build());
    var next =
        RestoreConditions.observed(
            restore, OdooVpsRestoreStatus.of(phase, "step " + phase, null), NOW);
    assertThat(next.observedGeneration()).isEqualTo(1L);
    assertThat(next.conditions())
        .filteredOn(c -> c.getType().equals("Ready"))
        .singleElement()
        .extracting(Condition::getStatus)
        .isEqualTo(ready);
    assertThat(next.conditions())
        .extracting(Condition::getType)
        .containsExactlyElementsOf(
            kstatusCondition == null
                ? java.util.List.of("Ready")
                : java.util.List.of("Ready", kstatusCondition));
    restore.setStatus(next);
    var seen = Kstatus.of(restore);
    assertThat(seen.status()).isEqualTo(verdict);
    if (!verdict.equals("Current")) {
      assertThat(seen.message()).contains("step " + phase);
    }
    // the same phase again: the same conditions, so no write
    assertThat(
            RestoreConditions.observed(
                restore,
                OdooVpsRestoreStatus.of(phase, "step " + phase, null),
                NOW.plusSeconds(60)))
        .isEqualTo(next);
  }
}
