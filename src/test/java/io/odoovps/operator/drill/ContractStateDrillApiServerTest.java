package io.odoovps.operator.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.guard.DeletionApproval;
import io.odoovps.operator.mitigation.MitigationStateReconciler;
import io.odoovps.operator.record.ContractRecords;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.TestOperator;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.testing.VpsOperatorTestBase;
import io.odoovps.operator.vps.OdooVpsReconciler;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The data-loss drill, contract state: the port-25 block count, the DDoS window and doNotResume
 * survive a wiped status and a deleted MitigationState, from the contract record the operator keeps
 * in its own namespace; the termination deletes the record too.
 */
class ContractStateDrillApiServerTest extends VpsOperatorTestBase {

  private String operatorNamespace;

  @Override
  protected boolean guardedNamespace() {
    return true;
  }

  @Override
  protected OperatorConfig config() {
    if (operatorNamespace == null) {
      operatorNamespace = TestNamespaces.create(client, "operator", true);
    }
    return TestConfig.with(Map.of("odoovps.restore.ledger-namespace", operatorNamespace));
  }

  @Override
  protected TestOperator newOperator() {
    return TestOperator.start(
        namespace,
        new OdooVpsReconciler(config(), clock, mailbox.mailer()),
        new MitigationStateReconciler(config(), clock, mailbox.mailer()));
  }

  private MitigationState state() {
    return client.resources(MitigationState.class).inNamespace(namespace).withName("acme").get();
  }

  private String record(String key) {
    var map =
        client
            .configMaps()
            .inNamespace(operatorNamespace)
            .withName(ContractRecords.name(namespace, "acme"))
            .get();
    return map == null || map.getData() == null ? null : map.getData().get(key);
  }

  private void createState(boolean ddos) {
    var state = new MitigationState();
    state.setMetadata(new ObjectMetaBuilder().withName("acme").withNamespace(namespace).build());
    var spec = new MitigationStateSpec();
    spec.setVps("acme");
    if (ddos) {
      spec.setDdos(new MitigationStateSpec.Ddos(true, 2));
    }
    state.setSpec(spec);
    client.resource(state).create();
  }

  /** A firing spam alert, as the webhook opens it. */
  private void spamAlert() {
    var ticket = new SupportTicket();
    ticket.setMetadata(
        new ObjectMetaBuilder().withName("acme-spam").withNamespace(namespace).build());
    var spec = new SupportTicketSpec();
    spec.setVps("acme");
    spec.setSummary("spam from acme");
    var now = Timestamps.format(clock.instant());
    spec.setAlert(
        new SupportTicketSpec.Alert(
            "OdooVpsSpamSuspected", "fp-spam", "network", "critical", now, Map.of()));
    ticket.setSpec(spec);
    client.resource(ticket).create();
    var created =
        client.resources(SupportTicket.class).inNamespace(namespace).withName("acme-spam").get();
    created.setStatus(
        new SupportTicketStatus(
            null,
            SupportTicketStatus.Phase.Open,
            now,
            null,
            null,
            0,
            null,
            0,
            null,
            null,
            null,
            null));
    client.resource(created).updateStatus();
  }

  /** Wipes a status, as a careless status patch or a restore without status would. */
  private void wipeStatus(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> type) {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () -> {
              client
                  .resources(type)
                  .inNamespace(namespace)
                  .withName("acme")
                  .subresource("status")
                  .patch(
                      io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                          io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                      "{\"status\":null}");
              return true;
            });
  }

  @Test
  void theBlockCountAndTheDdosWindowSurviveAWipedStatusAndADeletedMitigationState() {
    create(VpsFixtures.vps(namespace, "acme"));
    createState(true);
    spamAlert();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(state().getStatus().smtp().blocks()).isEqualTo(1);
              assertThat(state().getStatus().ddos().active()).isTrue();
              assertThat(record(ContractRecords.MITIGATION_KEY)).contains("\"blocks\":1");
            });
    var earliestEnd = state().getStatus().ddos().earliestEnd();
    var blockedUntil = state().getStatus().smtp().blockedUntil();

    // the status is wiped: the operator restores the count and the window from the record
    wipeStatus(MitigationState.class);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(state().getStatus().smtp().blocks()).isEqualTo(1);
              assertThat(state().getStatus().smtp().blockedUntil()).isEqualTo(blockedUntil);
              assertThat(state().getStatus().ddos().earliestEnd()).isEqualTo(earliestEnd);
              assertThat(state().getStatus().ddos().active()).isTrue();
            });
    assertThat(eventReasons("acme")).contains("ContractStateRestored");

    // deleted on purpose (the approval annotation): the operator makes a new one at once (the spam
    // alert still fires), and the same state comes back in it
    var uid = state().getMetadata().getUid();
    DeletionApproval.delete(
        client.resources(MitigationState.class).inNamespace(namespace).withName("acme"), "drill");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> state() == null || !uid.equals(state().getMetadata().getUid()));
    if (state() == null) {
      createState(false);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(state().getStatus().smtp().blocks()).isEqualTo(1);
              assertThat(state().getStatus().ddos().earliestEnd()).isEqualTo(earliestEnd);
              assertThat(state().getStatus().ddos().active())
                  .as("mitigation cannot end before 26 hours")
                  .isTrue();
            });
  }

  @Test
  void doNotResumeAndTheSuspensionCountSurviveAWipedStatusAndTheTerminationDeletesTheRecord() {
    create(VpsFixtures.vps(namespace, "acme"));
    await().atMost(Duration.ofSeconds(30)).until(() -> vm("acme") != null);
    var suspension = new SuspensionSpec("Repeated spam relay");
    suspension.setDoNotResume(true);
    editSpec("acme", v -> v.getSpec().setSuspension(suspension));
    awaitPhase("acme", VpsPhase.Suspended);
    await().atMost(Duration.ofSeconds(30)).until(() -> record(ContractRecords.VPS_KEY) != null);

    wipeStatus(OdooVps.class);
    // the spec no longer asks for the suspension: doNotResume keeps it suspended all the same
    editSpec("acme", v -> v.getSpec().setSuspension(null));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var s = vps("acme").getStatus().getSuspension();
              assertThat(s.active()).isTrue();
              assertThat(s.doNotResume()).isTrue();
              assertThat(s.count()).isEqualTo(1);
              assertThat(vps("acme").getStatus().getPhase()).isEqualTo(VpsPhase.Suspended);
            });
    assertThat(eventReasons("acme")).contains("ContractStateRestored");

    editSpec("acme", v -> v.getSpec().setTermination(new TerminationSpec("acme")));
    awaitPhase("acme", VpsPhase.Terminated);
    assertThat(
            client
                .configMaps()
                .inNamespace(operatorNamespace)
                .withName(ContractRecords.name(namespace, "acme"))
                .get())
        .as("the termination deletes the record too")
        .isNull();
  }
}
