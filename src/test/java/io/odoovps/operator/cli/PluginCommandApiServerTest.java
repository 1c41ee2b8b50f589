package io.odoovps.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.MovableClock;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plugin's commands against a real API server: what each writes, and what is refused. */
class PluginCommandApiServerTest {

  private final MovableClock clock = MovableClock.at("2026-03-01T10:00:00Z");
  private KubernetesClient client;
  private String namespace;
  private String output;
  private String errors;

  @BeforeEach
  void vps() {
    client = ControlPlane.get().newClient();
    namespace = TestNamespaces.create(client, "plugin");
    client.resource(VpsFixtures.vps(namespace, "acme")).create();
  }

  @AfterEach
  void close() {
    client.close();
  }

  private int runTyping(String typed, String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var command =
        new PluginCommand(
            client,
            namespace,
            clock,
            new BufferedReader(new StringReader(typed)),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    int code =
        command.run(
            Arguments.parse(List.of(args)), new PrintStream(err, true, StandardCharsets.UTF_8));
    output = out.toString(StandardCharsets.UTF_8);
    errors = err.toString(StandardCharsets.UTF_8);
    return code;
  }

  private int run(String... args) {
    return runTyping("", args);
  }

  private OdooVps acme() {
    return client.resources(OdooVps.class).inNamespace(namespace).withName("acme").get();
  }

  @Test
  void theContractActionsWriteTheVpsSpec() {
    assertThat(run("suspend", "acme", "--reason", "Spam relay", "--authority", "CERT-FR 2026-113"))
        .isZero();
    assertThat(output).isEqualTo("odoovps.odoovps.io/acme patched (suspended: Spam relay)\n");
    var suspension = acme().getSpec().getSuspension();
    assertThat(suspension.getReason()).isEqualTo("Spam relay");
    assertThat(suspension.getAuthorityReference()).isEqualTo("CERT-FR 2026-113");
    assertThat(run("resume", "acme")).isZero();
    assertThat(acme().getSpec().getSuspension()).isNull();

    assertThat(run("isolate", "acme", "--reason", "Compromised module")).isZero();
    assertThat(acme().getSpec().getIsolation().getReason()).isEqualTo("Compromised module");
    assertThat(run("isolate", "acme", "--lift")).isZero();
    assertThat(acme().getSpec().getIsolation()).isNull();

    assertThat(run("request-identity", "acme")).isZero();
    assertThat(acme().getSpec().getIdentityCheck().getRequestedAt())
        .isEqualTo("2026-03-01T10:00:00Z");
    clock.advance(Duration.ofHours(5));
    assertThat(run("verify-identity", "acme")).isZero();
    assertThat(acme().getSpec().getIdentityCheck().getVerified()).isTrue();
    assertThat(acme().getSpec().getIdentityCheck().getRequestedAt())
        .as("a merge patch keeps the request")
        .isEqualTo("2026-03-01T10:00:00Z");

    assertThat(run("maintenance", "acme", "--reason", "kernel security update")).isZero();
    assertThat(acme().getSpec().getMaintenance().getRequestedAt())
        .isEqualTo("2026-03-01T15:00:00Z");
    assertThat(acme().getSpec().getMaintenance().getReason()).isEqualTo("kernel security update");
    assertThat(acme().getMetadata().getManagedFields())
        .as("the plugin's writes are named as such")
        .anyMatch(f -> PluginCommand.FIELD_MANAGER.equals(f.getManager()));
  }

  @Test
  void terminationNeedsTheNameTypedAgain() {
    assertThat(runTyping("acne\n", "terminate", "acme")).isEqualTo(1);
    assertThat(output).contains("Type the VPS's name to confirm").contains("Not confirmed");
    assertThat(acme().getSpec().getTermination()).isNull();
    assertThat(runTyping("acme\n", "terminate", "acme")).isZero();
    assertThat(acme().getSpec().getTermination().getConfirm()).isEqualTo("acme");
  }

  @Test
  void ticketsAreOpenedWorkedOnAndResolved() {
    assertThat(run("ticket", "open", "acme", "--summary", "Point a domain", "--name", "acme-dns"))
        .isZero();
    assertThat(output).isEqualTo("supportticket.odoovps.io/acme-dns created\n");
    assertThat(run("ticket", "minutes", "acme-dns", "--minutes", "12", "--by", "alice")).isZero();
    assertThat(run("ticket", "minutes", "acme-dns", "--minutes", "3", "--note", "DNS checked"))
        .isZero();
    var ticket =
        client.resources(SupportTicket.class).inNamespace(namespace).withName("acme-dns").get();
    assertThat(ticket.getSpec().getWork())
        .extracting(SupportTicketSpec.Work::minutes)
        .containsExactly(12, 3);
    // the API server's own refusal, naming the rule
    assertThat(run("ticket", "minutes", "acme-dns", "--minutes", "600")).isEqualTo(1);
    assertThat(errors).contains("spec.work[2].minutes").contains("480");
    assertThat(run("ticket", "resolve", "acme-dns")).isZero();
    assertThat(
            client
                .resources(SupportTicket.class)
                .inNamespace(namespace)
                .withName("acme-dns")
                .get()
                .getSpec()
                .getResolved())
        .isTrue();
  }

  @Test
  void restoresAndPort25() {
    assertThat(run("restores-left", "acme", "--ledger-namespace", namespace)).isZero();
    assertThat(output).isEqualTo("2 restore(s) left this month for the customer of acme\n");
    assertThat(run("restore", "acme", "--backup", "20260301T024600Z", "--name", "acme-restore-1"))
        .isZero();
    var restore =
        client
            .resources(OdooVpsRestore.class)
            .inNamespace(namespace)
            .withName("acme-restore-1")
            .get();
    assertThat(restore.getSpec().getVps()).isEqualTo("acme");
    assertThat(restore.getSpec().getBackupId()).isEqualTo("20260301T024600Z");

    assertThat(run("unblock-smtp", "acme")).isEqualTo(1);
    assertThat(errors).contains("mitigationstates.odoovps.io \"acme\" not found");
    var state = new MitigationState();
    state.setMetadata(new ObjectMetaBuilder().withName("acme").withNamespace(namespace).build());
    var spec = new MitigationStateSpec();
    spec.setVps("acme");
    state.setSpec(spec);
    client.resource(state).create();
    assertThat(run("unblock-smtp", "acme")).isZero();
    assertThat(
            client
                .resources(MitigationState.class)
                .inNamespace(namespace)
                .withName("acme")
                .get()
                .getSpec()
                .getSmtp()
                .unblockRequest())
        .isEqualTo("2026-03-01T10:00:00Z");
  }

  @Test
  void describeShowsTheContractOnOneScreenAndUnknownNamesFail() {
    assertThat(run("describe", "acme", "--ledger-namespace", namespace)).isZero();
    assertThat(output)
        .contains("VPS:             " + namespace + "/acme, paris-1")
        .contains("Plan:            business-2, 2 vCPU, 4Gi, 40Gi disk")
        .contains("Restores left:   2 this month")
        .contains("Port 25:         open")
        .contains("DDoS mitigation: off");
    assertThat(output.lines().count()).as("one screen").isLessThanOrEqualTo(24);
    assertThat(run("describe", "acmee")).isEqualTo(1);
    assertThat(errors).contains("odoovps.odoovps.io \"acmee\" not found in namespace " + namespace);
    assertThat(run("frobnicate", "acme")).isEqualTo(2);
    assertThat(errors).contains("unknown command frobnicate").contains("Usage: kubectl odoovps");
  }
}
