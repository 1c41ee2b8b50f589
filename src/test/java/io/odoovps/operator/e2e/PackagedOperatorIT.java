package io.odoovps.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.backup.BackupReport;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.S3Server;
import io.odoovps.operator.testing.TestMailbox;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end: the packaged operator (the Quarkus jar that the image runs), started as its own
 * process against the real control plane, reconciles a VPS. This proves the production wiring (CDI,
 * configuration mapping, quarkus-operator-sdk) that the API-server tier bypasses.
 */
class PackagedOperatorIT {

  private static Process operator;
  private static Path log;
  private static KubernetesClient client;
  private static TestMailbox mailbox;

  @BeforeAll
  static void start() throws IOException {
    client = ControlPlane.get().newClient();
    mailbox = new TestMailbox();
    log = Files.createTempFile("packaged-operator", ".log");
    var builder = PackagedJar.builder(log);
    builder.environment().put("ODOOVPS_OVERCOMMIT_CPU_RATIO", "2");
    builder.environment().put("ODOOVPS_SUPPORT_WEBHOOK_TOKEN", "packaged-token");
    // a real mail server: a terminated VPS's record waits for its last notices to be delivered
    builder.environment().put("ODOOVPS_MAIL_HOST", "127.0.0.1");
    builder.environment().put("ODOOVPS_MAIL_PORT", String.valueOf(mailbox.port()));
    builder.environment().put("ODOOVPS_MAIL_SECURITY", "NONE");
    operator = builder.start();
  }

  @AfterAll
  static void stop() throws Exception {
    PackagedJar.stop(operator);
    if (client != null) {
      client.close();
    }
    if (mailbox != null) {
      mailbox.close();
    }
  }

  @Test
  void thePackagedOperatorReconcilesAVps() throws IOException {
    var namespace = TestNamespaces.create(client, "e2e");
    client.resource(VpsFixtures.vps(namespace, "packaged")).create();

    await()
        .atMost(Duration.ofSeconds(90))
        .failFast("the operator process exited", () -> !operator.isAlive())
        .untilAsserted(
            () -> {
              var vm =
                  client
                      .resources(VirtualMachine.class)
                      .inNamespace(namespace)
                      .withName("packaged")
                      .get();
              assertThat(vm).as("VirtualMachine created by the packaged operator").isNotNull();
              // the environment reached the @ConfigMapping: 2 vCPU / ratio 2 = 1000m
              assertThat(vm.getSpec().template().spec().domain().resources().requests())
                  .containsEntry("cpu", "1000m");
              var vps =
                  client.resources(OdooVps.class).inNamespace(namespace).withName("packaged").get();
              assertThat(vps.getStatus()).isNotNull();
              assertThat(vps.getStatus().getPhase()).isEqualTo(VpsPhase.Provisioning);
            });
    assertThat(Files.readString(log)).doesNotContain("ERROR");
  }

  /**
   * The data-loss drill against the packaged operator: in a guarded namespace, deleting the VM or
   * the namespace is refused and the VM stays the same; the termination path, which the packaged
   * operator runs with its approval annotation, deletes the VM and lets the record go.
   */
  @Test
  void withThePackagedOperatorTheGuardsHoldAndOnlyTheTerminationDeletes() {
    var namespace = TestNamespaces.create(client, "e2e-guard", true);
    client.resource(VpsFixtures.vps(namespace, "kept")).create();
    var vms = client.resources(VirtualMachine.class).inNamespace(namespace).withName("kept");
    await()
        .atMost(Duration.ofSeconds(90))
        .failFast("the operator process exited", () -> !operator.isAlive())
        .until(() -> vms.get() != null);
    var uid = vms.get().getMetadata().getUid();
    org.assertj.core.api.Assertions.assertThatThrownBy(vms::delete)
        .hasMessageContaining("spec.termination.confirm: kept");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> client.namespaces().withName(namespace).delete())
        .hasMessageContaining("odoovps.io/deletion-guard=enabled");
    // a while later, the same VM
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(vms.get().getMetadata().getUid()).isEqualTo(uid);

    var vps = client.resources(OdooVps.class).inNamespace(namespace).withName("kept");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              vps.edit(
                  v -> {
                    v.getSpec()
                        .setTermination(
                            new io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec("kept"));
                    return v;
                  });
              return true;
            });
    await()
        .atMost(Duration.ofSeconds(90))
        .failFast("the operator process exited", () -> !operator.isAlive())
        .untilAsserted(
            () -> assertThat(vps.get().getStatus().getPhase()).isEqualTo(VpsPhase.Terminated));
    assertThat(vms.get()).isNull();
    vps.delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> vps.get() == null);
    // the record went only once the customer was told
    assertThat(mailbox.receivedBy("kept@customer.example")).isNotEmpty();
  }

  /** The probes the Helm chart uses answer UP once the controllers' informers run. */
  @Test
  void healthEndpointsAnswerUp() {
    await()
        .atMost(Duration.ofSeconds(90))
        .failFast("the operator process exited", () -> !operator.isAlive())
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var matcher =
                  java.util.regex.Pattern.compile("Listening on: http://[^:]+:(\\d+)")
                      .matcher(Files.readString(log));
              assertThat(matcher.find()).as("the HTTP port in the log").isTrue();
              var http = java.net.http.HttpClient.newHttpClient();
              for (var path : java.util.List.of("/q/health/live", "/q/health/ready")) {
                var response =
                    http.send(
                        java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + matcher.group(1) + path))
                            .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
                assertThat(response.body()).contains("\"UP\"");
              }
            });
  }

  @Test
  void thePackagedJarRunsTheBackupModeWithASmallHeap() throws Exception {
    try (var s3 = new S3Server()) {
      var target = s3.bucket("packaged-mode");
      var source = Files.createTempFile("disk", ".img");
      source.toFile().deleteOnExit();
      var bytes = new byte[20 * 1024 * 1024];
      new java.util.Random(3).nextBytes(bytes);
      Files.write(source, bytes);
      var report = Files.createTempFile("report", ".json");
      report.toFile().deleteOnExit();
      var builder =
          new ProcessBuilder(
                  "java",
                  "-Xmx40m",
                  "-jar",
                  PackagedJar.JAR.toString(),
                  "backup",
                  "--vps",
                  "packaged",
                  "--source",
                  source.toString(),
                  "--report",
                  report.toString())
              .redirectErrorStream(true);
      builder.environment().putAll(S3Server.environment(target));
      var process = builder.start();
      var output = new String(process.getInputStream().readAllBytes());
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      var parsed = BackupReport.parse(Files.readString(report));
      assertThat(parsed.backup().sizeBytes()).isEqualTo(bytes.length);
      assertThat(parsed.backup().sha256())
          .isEqualTo(
              java.util.HexFormat.of()
                  .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
      assertThat(parsed.keptCount()).isEqualTo(1);
      assertThat(output).as("the operator did not start").doesNotContain("Installed features");
    }
  }

  @Test
  void thePackagedOperatorWritesTheBackupCronJobOfAPolicy() {
    var namespace = TestNamespaces.create(client, "e2e-bkp");
    client.resource(VpsFixtures.vps(namespace, "saved")).create();
    io.odoovps.operator.testing.BackupFixtures.credentials(client, namespace, "s3");
    client
        .resource(
            BackupFixtures.policy(
                namespace, "daily", "https://s3.lyon.example", "backups", "lyon-1", "s3"))
        .create();
    await()
        .atMost(Duration.ofSeconds(60))
        .failFast("the operator process exited", () -> !operator.isAlive())
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .batch()
                          .v1()
                          .cronjobs()
                          .inNamespace(namespace)
                          .withName(BackupJobDesign.cronJobName("daily", "saved"))
                          .get())
                  .isNotNull();
              var status =
                  client
                      .resources(BackupPolicy.class)
                      .inNamespace(namespace)
                      .withName("daily")
                      .get()
                      .getStatus();
              assertThat(status.covered()).isEqualTo(1);
            });
  }

  @Test
  void thePackagedOperatorServesTheAlertmanagerReceiverAndOpensATicket() throws Exception {
    var namespace = TestNamespaces.create(client, "e2e-am");
    var port =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  var m =
                      java.util.regex.Pattern.compile("Listening on: http://[^:]+:(\\d+)")
                          .matcher(Files.readString(log));
                  return m.find() ? Integer.parseInt(m.group(1)) : null;
                },
                java.util.Objects::nonNull);
    var http = java.net.http.HttpClient.newHttpClient();
    var url = java.net.URI.create("http://127.0.0.1:" + port + "/alertmanager/webhook");
    var body =
        "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\","
            + "\"labels\":{\"alertname\":\"OdooVpsDown\",\"namespace\":\""
            + namespace
            + "\",\"vps\":\"web\",\"indicator\":\"availability\"},"
            + "\"fingerprint\":\"0123456789abcdef\",\"startsAt\":\"2026-03-01T10:00:00Z\"}]}";
    var refused =
        http.send(
            java.net.http.HttpRequest.newBuilder(url)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    // the token is checked before the body is read: a head announcing 8 MiB (above the receiver's
    // 4 MiB, below Quarkus's own 10 MiB limit), no token and no body, is answered 401 and its
    // connection closed
    try (var socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST /alertmanager/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Content-Type: application/json\r\nContent-Length: 8388608\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertThat(
              new String(
                  socket.getInputStream().readAllBytes(),
                  java.nio.charset.StandardCharsets.US_ASCII))
          .startsWith("HTTP/1.1 401");
    }
    var accepted =
        http.send(
            java.net.http.HttpRequest.newBuilder(url)
                .header("Authorization", "Bearer packaged-token")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    assertThat(accepted.body()).contains("\"opened\":1");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(io.odoovps.operator.api.v1alpha1.ticket.SupportTicket.class)
                            .inNamespace(namespace)
                            .list()
                            .getItems())
                    .hasSize(1));
    // an alert that can never be a ticket is answered 200, reported and counted by reason
    var bad = body.replace("\"vps\":\"web\"", "\"vps\":\"" + "w".repeat(64) + "\"");
    var refusedAlert =
        http.send(
            java.net.http.HttpRequest.newBuilder(url)
                .header("Authorization", "Bearer packaged-token")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(bad))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(refusedAlert.statusCode()).as(refusedAlert.body()).isEqualTo(200);
    assertThat(refusedAlert.body()).contains("\"reason\":\"vps-invalid\"");
    var metrics =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body())
        .contains("odoovps_support_webhook_alerts_refused_total{reason=\"vps-invalid\"} 1.0")
        .contains("odoovps_support_webhook_alerts_deferred_total{reason=\"api-server-error\"} 0.0");
  }
}
