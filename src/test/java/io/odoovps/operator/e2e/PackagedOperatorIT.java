package io.odoovps.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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

  private static final Path JAR = Paths.get("target", "quarkus-app", "quarkus-run.jar");
  private static Process operator;
  private static Path log;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws IOException {
    assertThat(JAR).as("package the operator first (mvn verify does)").exists();
    var controlPlane = ControlPlane.get();
    client = controlPlane.newClient();
    log = Files.createTempFile("packaged-operator", ".log");
    var builder =
        new ProcessBuilder("java", "-Xmx256m", "-jar", JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", controlPlane.kubeconfig().toString());
    builder.environment().put("QUARKUS_HTTP_PORT", "0");
    builder.environment().put("ODOOVPS_OVERCOMMIT_CPU_RATIO", "2");
    operator = builder.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.destroy();
      if (!operator.waitFor(20, TimeUnit.SECONDS)) {
        operator.destroyForcibly();
      }
    }
    if (client != null) {
      client.close();
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
}
