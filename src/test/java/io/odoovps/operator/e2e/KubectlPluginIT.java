package io.odoovps.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kubectl plugin as support staff run it: the launcher `make plugin` installs, on the packaged
 * application, through kubectl's plugin lookup (an executable kubectl-odoovps on PATH), against the
 * real API server with a kubeconfig context.
 */
class KubectlPluginIT {

  private static final Path APP = Path.of("target", "quarkus-app");
  private static KubernetesClient client;
  private static String namespace;
  private static Path bin;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void install() throws IOException {
    assertThat(APP.resolve("quarkus-run.jar")).as("package the operator first").exists();
    client = ControlPlane.get().newClient();
    namespace = TestNamespaces.create(client, "plugin-cli");
    client.resource(VpsFixtures.vps(namespace, "acme")).create();
    // the layout of make plugin: bin/kubectl-odoovps beside lib/odoovps-plugin
    var prefix = Files.createTempDirectory("plugin-prefix");
    bin = Files.createDirectories(prefix.resolve("bin"));
    Files.createDirectories(prefix.resolve("lib"));
    Files.createSymbolicLink(prefix.resolve("lib").resolve("odoovps-plugin"), APP.toAbsolutePath());
    Files.copy(Path.of("hack", "plugin", "kubectl-odoovps"), bin.resolve("kubectl-odoovps"));
    bin.resolve("kubectl-odoovps").toFile().setExecutable(true);
  }

  @AfterAll
  static void close() {
    if (client != null) {
      client.close();
    }
  }

  private static Result kubectl(String stdin, String... args) throws Exception {
    var command = new ArrayList<String>();
    command.add(ControlPlane.kubectl().toString());
    assertThat(ControlPlane.kubectl()).as("make control-plane builds kubectl").isExecutable();
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    // kubectl refuses its own flags before a plugin's name; the plugin reads KUBECONFIG as it does
    builder.environment().put("KUBECONFIG", ControlPlane.get().kubeconfig().toString());
    var process = builder.start();
    try (var in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    var err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), out, err);
  }

  @Test
  void kubectlFindsThePluginWhichWritesTheVpsAndDescribesIt() throws Exception {
    var listed = kubectl("", "plugin", "list");
    assertThat(listed.out()).contains("kubectl-odoovps");

    // kubectl passes its own flags after the plugin name on to the plugin
    var suspended =
        kubectl("", "odoovps", "-n", namespace, "suspend", "acme", "--reason", "Spam relay");
    assertThat(suspended.code()).as(suspended.err()).isZero();
    assertThat(suspended.out())
        .isEqualTo("odoovps.odoovps.io/acme patched (suspended: Spam relay)\n");
    assertThat(suspended.err()).as("no log noise on stderr").isEmpty();
    var vps = client.resources(OdooVps.class).inNamespace(namespace).withName("acme").get();
    assertThat(vps.getSpec().getSuspension().getReason()).isEqualTo("Spam relay");

    var described =
        kubectl(
            "",
            "odoovps",
            "--kubeconfig",
            ControlPlane.get().kubeconfig().toString(),
            "-n",
            namespace,
            "describe",
            "acme");
    assertThat(described.code()).as(described.err()).isZero();
    assertThat(described.out()).contains("VPS:             " + namespace + "/acme, paris-1");

    var refused = kubectl("acne\n", "odoovps", "-n", namespace, "terminate", "acme");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(
            client
                .resources(OdooVps.class)
                .inNamespace(namespace)
                .withName("acme")
                .get()
                .getSpec()
                .getTermination())
        .isNull();

    var usage = kubectl("", "odoovps", "frobnicate");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err()).contains("Usage: kubectl odoovps");
  }
}
