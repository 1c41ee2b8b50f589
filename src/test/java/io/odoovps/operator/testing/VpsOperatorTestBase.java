package io.odoovps.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.kubevirt.VirtualMachineStatus;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.vps.OdooVpsReconciler;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the tests that run the OdooVps reconciler on the real API server: a namespace, a movable
 * clock, a real SMTP server, the operator, and the kubectl-like moves tests make.
 */
public abstract class VpsOperatorTestBase {

  protected final MovableClock clock = MovableClock.at("2026-03-01T10:00:00Z");
  protected TestMailbox mailbox;
  protected KubernetesClient client;
  protected String namespace;
  protected TestOperator operator;

  /** The configuration the operator runs with; override to change it. */
  protected OperatorConfig config() {
    return TestConfig.defaults();
  }

  protected boolean guardedNamespace() {
    return false;
  }

  @BeforeEach
  void startOperator() {
    mailbox = new TestMailbox();
    client = ControlPlane.get().newClient();
    namespace =
        TestNamespaces.create(
            client, getClass().getSimpleName().toLowerCase().substring(0, 8), guardedNamespace());
    operator = newOperator();
  }

  protected TestOperator newOperator() {
    return TestOperator.start(namespace, new OdooVpsReconciler(config(), clock, mailbox.mailer()));
  }

  @AfterEach
  void stopOperator() {
    operator.close();
    client.close();
    mailbox.close();
  }

  protected OdooVps create(OdooVps vps) {
    return client.resource(vps).create();
  }

  protected OdooVps vps(String name) {
    return client.resources(OdooVps.class).inNamespace(namespace).withName(name).get();
  }

  protected VirtualMachine vm(String name) {
    return client.resources(VirtualMachine.class).inNamespace(namespace).withName(name).get();
  }

  /** Edits the spec as kubectl would, retrying when the operator wrote status in between. */
  protected void editSpec(String name, Consumer<OdooVps> change) {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              client
                  .resources(OdooVps.class)
                  .inNamespace(namespace)
                  .withName(name)
                  .edit(
                      v -> {
                        change.accept(v);
                        return v;
                      });
              return true;
            });
  }

  /** Plays virt-controller: reports the VM's readiness. */
  protected void setVmStatus(String name, VirtualMachineStatus status) {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              var vm = vm(name);
              vm.setStatus(status);
              client.resource(vm).updateStatus();
              return true;
            });
  }

  protected void markVmReady(String name) {
    setVmStatus(name, new VirtualMachineStatus(true, true, "Running"));
  }

  protected void awaitPhase(String name, io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase phase) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                org.assertj.core.api.Assertions.assertThat(vps(name).getStatus().getPhase())
                    .isEqualTo(phase));
  }

  protected static String condition(OdooVps vps, String type) {
    return vps == null || vps.getStatus() == null
        ? null
        : ConditionList.find(vps.getStatus().getConditions(), type)
            .map(c -> c.getStatus())
            .orElse(null);
  }

  protected static String conditionReason(OdooVps vps, String type) {
    return vps == null || vps.getStatus() == null
        ? null
        : ConditionList.find(vps.getStatus().getConditions(), type)
            .map(c -> c.getReason())
            .orElse(null);
  }

  protected List<Event> events(String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  protected List<String> eventReasons(String name) {
    return events(name).stream().map(Event::getReason).toList();
  }

  /** Plays virt-controller: a running VirtualMachineInstance of the VM. */
  protected void createVmInstance(String name) {
    var vmi = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    vmi.setApiVersion("kubevirt.io/v1");
    vmi.setKind("VirtualMachineInstance");
    vmi.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .build());
    vmi.setAdditionalProperty(
        "spec", java.util.Map.of("domain", java.util.Map.of("devices", java.util.Map.of())));
    client.resource(vmi).create();
  }

  protected io.fabric8.kubernetes.api.model.GenericKubernetesResource vmInstance(String name) {
    return client
        .genericKubernetesResources("kubevirt.io/v1", "VirtualMachineInstance")
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  /**
   * Plays kube-controller-manager's Job controller for a Job whose pod this control plane cannot
   * run (a guest command needs a guest: `make e2e` runs them on a node): its final status.
   */
  protected void finishJob(String name, boolean succeeded) {
    // kube-controller-manager may run (another test class started it): its Job controller then
    // set the start time and made a pod that no kubelet runs; the final status keeps that start
    // time, has no active pod, and completes when it started (the test clock lags real time)
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              var job = job(name);
              var current = job.getStatus();
              var start =
                  current != null && current.getStartTime() != null
                      ? current.getStartTime()
                      : io.odoovps.operator.contract.Timestamps.format(clock.instant());
              var status =
                  new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                      .withStartTime(start)
                      .withActive(0)
                      .withReady(0)
                      .withNewUncountedTerminatedPods()
                      .endUncountedTerminatedPods()
                      .withConditions(
                          new io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder()
                              .withType(succeeded ? "SuccessCriteriaMet" : "FailureTarget")
                              .withStatus("True")
                              .withLastTransitionTime(start)
                              .build(),
                          new io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder()
                              .withType(succeeded ? "Complete" : "Failed")
                              .withStatus("True")
                              .withLastTransitionTime(start)
                              .build());
              if (succeeded) {
                status.withSucceeded(1).withCompletionTime(start);
              } else {
                status.withFailed(1);
              }
              job.setStatus(status.build());
              client.resource(job).updateStatus();
              return true;
            });
  }

  protected io.fabric8.kubernetes.api.model.batch.v1.Job job(String name) {
    return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
  }
}
