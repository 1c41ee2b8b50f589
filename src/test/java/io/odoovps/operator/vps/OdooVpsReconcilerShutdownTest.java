package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.config.OperatorShutdown;
import io.odoovps.operator.testing.MovableClock;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestMailbox;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reconcile that fails because the operator is stopping (JOSDK stops the informers under the
 * in-flight reconciles) leaves the status as it was: the 5,000-VPS benchmark's quiet resync found
 * VPSs whose last status was such a {@code ReconcileError}, written during the previous process's
 * shutdown.
 */
class OdooVpsReconcilerShutdownTest {

  @AfterEach
  void clear() {
    OperatorShutdown.set(false);
  }

  @Test
  void aReconcileFailingDuringTheShutdownWritesNoErrorStatusAndNoEvent() throws Exception {
    try (var mailbox = new TestMailbox()) {
      var reconciler =
          new OdooVpsReconciler(
              TestConfig.defaults(), MovableClock.at("2026-03-01T10:00:00Z"), mailbox.mailer());
      var vps = VpsFixtures.vps("shop", "alpha");
      OperatorShutdown.set(true);

      // the failure JOSDK hands over when the informer has stopped; no context is needed, none
      // is used (no Event is recorded)
      var control =
          reconciler.updateErrorStatus(
              vps,
              null,
              new NoSuchElementException(
                  "No value present (InformerManager.lastSyncResourceVersion)"));

      assertThat(control.getResource()).isEmpty();
      assertThat(vps.getStatus()).isNull();
    }
  }
}
