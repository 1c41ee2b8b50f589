package io.odoovps.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The chart's watchNamespaces reaches the packaged operator as {@code
 * QUARKUS_OPERATOR_SDK_NAMESPACES}: started with one namespace, it reconciles a VPS there and
 * leaves one in another namespace as it was written (no status, no finalizer, no VM).
 */
class WatchNamespacesIT {

  @Test
  void thePackagedOperatorReconcilesOnlyTheNamespacesItIsToldToWatch() throws Exception {
    try (KubernetesClient client = ControlPlane.get().newClient()) {
      var watched = TestNamespaces.create(client, "watched");
      var other = TestNamespaces.create(client, "unwatched");
      var log = Files.createTempFile("watch-namespaces-operator", ".log");
      var builder = PackagedJar.builder(log);
      builder.environment().put("ODOOVPS_SUPPORT_WEBHOOK_TOKEN", "watch-token");
      builder.environment().put("QUARKUS_OPERATOR_SDK_NAMESPACES", watched);
      var operator = builder.start();
      try {
        client.resource(VpsFixtures.vps(other, "outside")).create();
        client.resource(VpsFixtures.vps(watched, "inside")).create();
        await()
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  assertThat(
                          client
                              .resources(VirtualMachine.class)
                              .inNamespace(watched)
                              .withName("inside")
                              .get())
                      .as("the watched namespace's VPS has its VM")
                      .isNotNull();
                  assertThat(
                          client
                              .resources(OdooVps.class)
                              .inNamespace(watched)
                              .withName("inside")
                              .get()
                              .getStatus()
                              .getIpv4())
                      .isNotBlank();
                });
        // the operator is up and reconciling; the other VPS stays untouched meanwhile
        var untouched = client.resources(OdooVps.class).inNamespace(other).withName("outside");
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(5))
            .until(() -> untouched.get().getStatus() == null);
        var outside = untouched.get();
        assertThat(outside.getMetadata().getFinalizers()).as("nor a finalizer").isNullOrEmpty();
        assertThat(
                client.resources(VirtualMachine.class).inNamespace(other).withName("outside").get())
            .as("nor a VM")
            .isNull();
        assertThat(Files.readString(log))
            .as("the operator's log names the watched namespace")
            .contains(watched);
      } finally {
        PackagedJar.stop(operator);
      }
    }
  }
}
