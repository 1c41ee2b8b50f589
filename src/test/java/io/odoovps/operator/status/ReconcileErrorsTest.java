package io.odoovps.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A failed reconcile as a condition: root cause, other conditions kept, written once. */
class ReconcileErrorsTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void theMessageIsTheRootCause() {
    var e = new IllegalStateException("outer", new RuntimeException("etcd timed out"));
    assertThat(ReconcileErrors.message(e)).isEqualTo("Reconcile failed: etcd timed out");
    assertThat(ReconcileErrors.message(new NullPointerException()))
        .isEqualTo("Reconcile failed: NullPointerException");
  }

  @Test
  void theErrorConditionJoinsTheOthersAndIsNotWrittenTwice() {
    var others = new ConditionList(null, 3L, T0).set("Forwarded", true, "Forwarded", "ok").build();
    var first = ReconcileErrors.conditions(others, "Reconciled", 3L, T0, "Reconcile failed: x");
    assertThat(first).isPresent();
    // with kstatus' Reconciling: the pass is retried (Flux and kstatus: in progress)
    assertThat(first.get())
        .extracting(c -> c.getType())
        .containsExactly("Forwarded", "Reconciled", ConditionList.RECONCILING);
    assertThat(first.get().get(2).getMessage()).isEqualTo("Reconcile failed: x");
    var error = first.get().get(1);
    assertThat(error.getStatus()).isEqualTo("False");
    assertThat(error.getReason()).isEqualTo(ReconcileErrors.REASON);
    assertThat(error.getObservedGeneration()).isEqualTo(3L);
    assertThat(ReconcileErrors.conditions(first.get(), "Reconciled", 3L, T0, "Reconcile failed: x"))
        .as("the same failure again: nothing to write")
        .isEmpty();
    var other =
        ReconcileErrors.conditions(first.get(), "Reconciled", 3L, T0, "Reconcile failed: y");
    assertThat(other.orElseThrow()).hasSize(3);
    assertThat(other.get().get(2).getMessage()).isEqualTo("Reconcile failed: y");
    assertThat(ReconcileErrors.conditions(null, "Reconciled", null, T0, "m").orElseThrow())
        .hasSize(2);
  }
}
