package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The operator's reconcilers run by plain JOSDK against the test control plane, in one namespace,
 * with the same defaults as production (server-side apply on). Its client has the operator's
 * User-Agent, so the audit log counts its writes; successful reconciles are counted too.
 */
public final class TestOperator implements AutoCloseable {

  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(TestOperator.class);

  private final Operator operator;
  private final AtomicInteger reconciles = new AtomicInteger();

  private TestOperator(String namespace, Reconciler<?>... reconcilers) {
    var client = ControlPlane.get().newOperatorClient();
    operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(true)
                    .withStopOnInformerErrorDuringStartup(true)
                    // JOSDK's default handler calls System.exit(1) when a watch ends for good,
                    // which kills the surefire fork when a watch is still being opened as the
                    // test closes the client. Production keeps the default (the pod restarts).
                    .withInformerStoppedHandler(
                        (informer, cause) ->
                            LOG.debug("informer stopped after the test operator closed", cause))
                    .withCacheSyncTimeout(Duration.ofSeconds(60))
                    .withMetrics(
                        new Metrics() {
                          @Override
                          public void reconciliationSucceeded(
                              HasMetadata resource, Map<String, Object> metadata) {
                            reconciles.incrementAndGet();
                          }
                        }));
    for (var reconciler : reconcilers) {
      register(reconciler, namespace);
    }
    operator.start();
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private void register(Reconciler reconciler, String namespace) {
    operator.register(
        reconciler,
        (Consumer)
            o ->
                ((io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider) o)
                    .settingNamespace(namespace));
  }

  public static TestOperator start(String namespace, Reconciler<?>... reconcilers) {
    return new TestOperator(namespace, reconcilers);
  }

  /** Successful reconciles since start. */
  public int reconciles() {
    return reconciles.get();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
