package io.odoovps.operator.traffic;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.testing.CrdInstaller;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

/**
 * Cilium's real CiliumNetworkPolicy CRD, from the folder `make cni-crds` fills (passed as
 * -Dcilium.crds), installed for one test class and removed after it.
 */
public final class CiliumCrd {

  private CiliumCrd() {}

  public static void install(KubernetesClient client) {
    var dir = System.getProperty("cilium.crds");
    if (dir == null) {
      throw new IllegalStateException(
          "-Dcilium.crds is not set: run `make cni-crds` (hack/fetch-cni-crds.sh) and pass its"
              + " folder, as `make test` does");
    }
    var file = Paths.get(dir, "ciliumnetworkpolicies.yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          file + " is missing (from -Dcilium.crds): run `make cni-crds`");
    }
    CrdInstaller.install(client, List.of(file));
    awaitServed(client);
  }

  /**
   * Until the API server's discovery serves the kind: right after the CRD was removed by one test
   * class and installed again by the next, Established can come before discovery does, and the
   * client then finds no handler for the kind.
   */
  static void awaitServed(KubernetesClient client) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                client.getApiResources(CiliumPolicyDesign.API_VERSION).getResources().stream()
                    .anyMatch(r -> CiliumPolicyDesign.KIND.equals(r.getKind())));
  }

  public static void remove(KubernetesClient client) {
    var crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(CiliumPolicyDesign.CRD_NAME);
    crd.delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> crd.get() == null);
  }
}
