package io.odoovps.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.odoovps.operator.testing.AuditLog;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.KubeVirtExportSimulator;
import io.odoovps.operator.testing.TestNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The VirtualMachineExport backup method against the real API server with the real KubeVirt CRDs
 * (which validate every object and status written), KubeVirt's controllers and export server played
 * by {@link KubeVirtExportSimulator}, and a real HTTPS download. The export token Secret is the
 * operator's (made here as BackupPolicyReconciler makes it); the method only reads its token from
 * the environment and names the Secret in the export.
 */
class VirtualMachineExportMethodApiServerTest {

  private static final String VPS = "shop";
  private static final String BACKUP_ID = "20250301T020000Z";
  private static final String NAME = "shop-backup-20250301t020000z";
  private static final String TOKEN_SECRET = "export-token-daily-shop";
  private static final String TOKEN = "0123456789abcdef".repeat(4);
  private static final byte[] DISK = disk(3 * 1024 * 1024);

  /** The User-Agent of the method's own client; the audit log tells its writes apart. */
  private static final String METHOD_AGENT = "vm-export-method-under-test";

  private static KubernetesClient client;
  private String namespace;
  private KubeVirtExportSimulator simulator;

  @BeforeAll
  static void connect() {
    client = ControlPlane.get().newClient();
  }

  @AfterAll
  static void disconnect() {
    if (client != null) {
      client.close();
    }
  }

  @BeforeEach
  void startSimulator() {
    namespace = TestNamespaces.create(client, "vmexport");
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(TOKEN_SECRET)
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData(ExportToken.KEY, TOKEN)
                .build())
        .create();
    simulator = new KubeVirtExportSimulator(client, namespace, () -> DISK);
  }

  @AfterEach
  void stopSimulator() {
    simulator.close();
  }

  /** A disk image: a compressible half (zeros and text) and an incompressible half. */
  private static byte[] disk(int size) {
    var bytes = new byte[size];
    var random = new Random(42);
    for (int i = 0; i < size / 2; i += 512) {
      var sector = ("sector " + i + " of the test disk\n").getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(sector, 0, bytes, i, sector.length);
    }
    var tail = new byte[size - size / 2];
    random.nextBytes(tail);
    System.arraycopy(tail, 0, bytes, size / 2, tail.length);
    return bytes;
  }

  private static VirtualMachineExportMethod method(Duration exportTimeout) {
    return method(client, exportTimeout);
  }

  private static VirtualMachineExportMethod method(
      KubernetesClient methodClient, Duration exportTimeout) {
    return new VirtualMachineExportMethod(
        methodClient,
        ExportToken.fromEnvironment(
            Map.of(ExportToken.SECRET_ENV, TOKEN_SECRET, ExportToken.VALUE_ENV, TOKEN)),
        Clock.systemUTC(),
        Duration.ofSeconds(30),
        exportTimeout,
        Duration.ofMillis(100));
  }

  private GenericKubernetesResource snapshot() {
    return client
        .genericKubernetesResources(VirtualMachineExportMethod.SNAPSHOTS)
        .inNamespace(namespace)
        .withName(NAME)
        .get();
  }

  private GenericKubernetesResource export() {
    return client
        .genericKubernetesResources(VirtualMachineExportMethod.EXPORTS)
        .inNamespace(namespace)
        .withName(NAME)
        .get();
  }

  private Secret tokenSecret() {
    return client.secrets().inNamespace(namespace).withName(TOKEN_SECRET).get();
  }

  /** The capture's objects are gone; the token Secret, the operator's, is left as it was. */
  private void assertNothingLeft() {
    assertThat(snapshot()).as("snapshot deleted").isNull();
    assertThat(export()).as("export deleted").isNull();
    assertThat(client.secrets().inNamespace(namespace).list().getItems())
        .as("the Secrets of the namespace: the operator's token Secret alone, never another")
        .extracting(s -> s.getMetadata().getName())
        .containsExactly(TOKEN_SECRET);
  }

  private static void assertNoTokenIn(Throwable thrown, Set<String> tokens) {
    for (var t = thrown; t != null; t = t.getCause()) {
      for (var token : tokens) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(token);
        assertThat(t.toString()).doesNotContain(token);
      }
    }
  }

  @Test
  void streamsTheOnlyVolumeAsGzipOverTheExportsCertificateAndDeletesEverythingOnClose()
      throws IOException {
    var audit = ControlPlane.get().auditLog();
    var mark = audit.mark();
    var tokenVersion = tokenSecret().getMetadata().getResourceVersion();
    var methodClient =
        new KubernetesClientBuilder().withConfig(ControlPlane.get().config(METHOD_AGENT)).build();
    var capture = method(methodClient, Duration.ofSeconds(30)).capture(namespace, VPS, BACKUP_ID);
    try {
      assertThat(capture.format()).isEqualTo("gzip");
      assertThat(capture.description()).contains("rootdisk").contains(NAME);

      var snapshot = snapshot();
      assertThat(snapshot.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "odoovps-operator")
          .containsEntry("odoovps.io/vps", VPS);
      assertThat(snapshot.getAdditionalProperties().get("spec"))
          .isEqualTo(
              Map.of(
                  "source",
                  Map.of("apiGroup", "kubevirt.io", "kind", "VirtualMachine", "name", VPS)));

      var export = export();
      assertThat(export.getAdditionalProperties().get("spec"))
          .isEqualTo(
              Map.of(
                  "source",
                  Map.of(
                      "apiGroup",
                      "snapshot.kubevirt.io",
                      "kind",
                      "VirtualMachineSnapshot",
                      "name",
                      NAME),
                  "tokenSecretRef",
                  TOKEN_SECRET,
                  "ttlDuration",
                  "2h"));
      assertThat(simulator.tokensSeen())
          .as("the export server read the operator's token Secret")
          .containsExactly(TOKEN);

      byte[] streamed;
      try (var in = new GZIPInputStream(capture.data())) {
        streamed = in.readAllBytes();
      }
      assertThat(streamed).as("the disk the export server served").isEqualTo(DISK);
      // the server counts a download once it closed the body, which the client may read first
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(simulator.downloads()).isEqualTo(1));
      assertThat(simulator.refusals()).isZero();
      assertThatThrownBy(capture::data).isInstanceOf(IllegalStateException.class);
    } finally {
      capture.close();
    }
    assertNothingLeft();
    capture.close(); // a second close finds everything gone and does not throw
    methodClient.close();
    assertThat(tokenSecret().getMetadata().getResourceVersion())
        .as("the token Secret is read by KubeVirt, never written by the method")
        .isEqualTo(tokenVersion);
    assertThat(audit.writesSince(mark, METHOD_AGENT))
        .as("what the method wrote: its snapshot and export, nothing else (no Secret)")
        .isNotEmpty()
        .extracting(AuditLog.Write::resource)
        .containsOnly("virtualmachinesnapshots", "virtualmachineexports");
  }

  @Test
  void fallsBackToTheRawImageWhenNoGzipIsOffered() throws IOException {
    simulator.formats("raw");
    try (var capture = method(Duration.ofSeconds(30)).capture(namespace, VPS, BACKUP_ID)) {
      assertThat(capture.format()).isEqualTo("raw");
      try (var in = capture.data()) {
        assertThat(in.readAllBytes()).isEqualTo(DISK);
      }
    }
    assertNothingLeft();
  }

  @Test
  void aFailedSnapshotFailsTheCaptureWithKubeVirtsReasonAndLeavesNothing() {
    simulator.failSnapshots("Failed to freeze the guest filesystems: guest agent not connected");
    assertThatThrownBy(() -> method(Duration.ofSeconds(30)).capture(namespace, VPS, BACKUP_ID))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("VirtualMachineSnapshot " + namespace + "/" + NAME)
        .hasMessageContaining("of VirtualMachine " + VPS + " failed")
        .hasMessageContaining("guest agent not connected");
    assertNothingLeft();
    assertThat(
            client
                .genericKubernetesResources(VirtualMachineExportMethod.EXPORTS)
                .inNamespace(namespace)
                .list()
                .getItems())
        .as("no export of a failed snapshot")
        .isEmpty();
  }

  @Test
  void aRefusedTokenIsReportedWithoutTheToken() throws IOException {
    try (var capture = method(Duration.ofSeconds(30)).capture(namespace, VPS, BACKUP_ID)) {
      var issued = TOKEN;
      // The export server now expects another token than the one the method holds.
      var rotated = "f".repeat(64);
      client
          .secrets()
          .inNamespace(namespace)
          .withName(TOKEN_SECRET)
          .edit(
              s -> {
                s.setData(
                    Map.of(
                        "token",
                        Base64.getEncoder()
                            .encodeToString(rotated.getBytes(StandardCharsets.UTF_8))));
                return s;
              });
      var thrown = catchThrowable(capture::data);
      assertThat(thrown)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 403")
          .hasMessageContaining("rootdisk")
          .hasMessageContaining("token was refused");
      assertThat(simulator.refusals()).isEqualTo(1);
      assertThat(simulator.downloads()).isZero();
      var tokens = new HashSet<>(simulator.tokensSeen());
      tokens.add(issued);
      tokens.add(rotated);
      assertNoTokenIn(thrown, tokens);
    }
    assertNothingLeft();
  }

  @Test
  void anExportOfSeveralVolumesIsRefusedNamingThem() {
    simulator.volumes("rootdisk", "datadisk");
    var thrown =
        catchThrowable(() -> method(Duration.ofSeconds(30)).capture(namespace, VPS, BACKUP_ID));
    assertThat(thrown)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("exports 2 volumes [rootdisk, datadisk]");
    assertThat(simulator.tokensSeen()).hasSize(1);
    assertNoTokenIn(thrown, simulator.tokensSeen());
    assertNothingLeft();
  }

  @Test
  void anExportThatNeverBecomesReadyTimesOutWithItsConditions() {
    simulator.holdExports();
    var thrown =
        catchThrowable(() -> method(Duration.ofSeconds(1)).capture(namespace, VPS, BACKUP_ID));
    assertThat(thrown)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("VirtualMachineExport " + namespace + "/" + NAME)
        .hasMessageContaining("did not become Ready")
        .hasMessageContaining("phase Pending")
        .hasMessageContaining("exporter pod cannot be scheduled");
    assertNoTokenIn(thrown, simulator.tokensSeen());
    assertNothingLeft();
  }

  @Test
  void aNameAlreadyTakenFailsWithoutDeletingWhatAnotherRunCreated() throws IOException {
    try (var first = method(Duration.ofSeconds(30)).capture(namespace, VPS, BACKUP_ID)) {
      assertThatThrownBy(() -> method(Duration.ofSeconds(30)).capture(namespace, VPS, BACKUP_ID))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("already exists");
      assertThat(snapshot()).as("the first run's snapshot is left alone").isNotNull();
      assertThat(export()).as("the first run's export is left alone").isNotNull();
      try (var in = new GZIPInputStream(first.data())) {
        assertThat(in.readAllBytes()).isEqualTo(DISK);
      }
    }
    assertNothingLeft();
  }
}
