package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
  private final List<Exception> failures = new CopyOnWriteArrayList<>();

  /**
   * Starts the operator; a start whose informers lose their connection (the API server drops
   * connections while a CRD is removed by an earlier test) is retried with a fresh client.
   */
  private TestOperator(
      Supplier<KubernetesClient> clients, Set<String> namespaces, Reconciler<?>... reconcilers) {
    Operator started = null;
    for (int attempt = 1; started == null; attempt++) {
      var candidate = build(clients.get(), namespaces, reconcilers);
      try {
        candidate.start();
        started = candidate;
      } catch (io.javaoperatorsdk.operator.OperatorException e) {
        candidate.stop();
        if (attempt == 3) {
          throw e;
        }
        LOG.warnf("the test operator did not start (%s); retrying", e.getMessage());
      }
    }
    operator = started;
  }

  private Operator build(
      KubernetesClient client, Set<String> namespaces, Reconciler<?>... reconcilers) {
    var operator =
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

                          @Override
                          public void reconciliationFailed(
                              HasMetadata resource,
                              io.javaoperatorsdk.operator.api.reconciler.RetryInfo retryInfo,
                              Exception exception,
                              Map<String, Object> metadata) {
                            failures.add(exception);
                          }
                        }));
    for (var reconciler : reconcilers) {
      register(operator, reconciler, namespaces);
    }
    return operator;
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static void register(Operator operator, Reconciler reconciler, Set<String> namespaces) {
    operator.register(
        reconciler,
        (Consumer)
            o ->
                ((io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider) o)
                    .settingNamespaces(namespaces));
  }

  public static TestOperator start(String namespace, Reconciler<?>... reconcilers) {
    return new TestOperator(ControlPlane.get()::newOperatorClient, Set.of(namespace), reconcilers);
  }

  /** The operator watching several namespaces, as one that watches the whole cluster would. */
  public static TestOperator start(Set<String> namespaces, Reconciler<?>... reconcilers) {
    return new TestOperator(ControlPlane.get()::newOperatorClient, namespaces, reconcilers);
  }

  /**
   * The operator with clients of the caller's making (one per start attempt), e.g. clients that
   * impersonate the Helm chart's ServiceAccount to prove its RBAC.
   */
  public static TestOperator startAs(
      Supplier<KubernetesClient> clients, String namespace, Reconciler<?>... reconcilers) {
    return new TestOperator(clients, Set.of(namespace), reconcilers);
  }

  /** The exceptions of failed reconciles since start. */
  public List<Exception> failures() {
    return List.copyOf(failures);
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
