package io.odoovps.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's Helm chart installed once on the node's cluster (hack/e2e.sh starts it): the
 * operator image that the script imported into containerd, two replicas, a webhook token, one
 * location; the backup and restore Jobs run the same image, never pulled.
 */
final class InstalledChart {

  static final String NAMESPACE = "odoovps-system";
  static final String RELEASE = "odoovps-operator";
  static final String TOKEN = "e2e-webhook-token";

  private static KubernetesClient client;

  private InstalledChart() {}

  static Path kubeconfig() {
    var path = System.getenv("ODOOVPS_E2E_KUBECONFIG");
    assertThat(path).as("run through make e2e (hack/e2e.sh starts the node)").isNotBlank();
    return Path.of(path);
  }

  static String helm(String... args) throws IOException, InterruptedException {
    var command = new ArrayList<String>();
    command.add(System.getProperty("helm.path", "helm"));
    command.addAll(List.of(args));
    command.addAll(List.of("--kubeconfig", kubeconfig().toString()));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(6, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as("helm " + String.join(" ", args) + "\n" + output).isZero();
    return output;
  }

  /** The client of the node's cluster, the chart installed on the first call. */
  static synchronized KubernetesClient client() throws Exception {
    if (client != null) {
      return client;
    }
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig())))
            .build();
    var image = System.getenv("ODOOVPS_E2E_IMAGE");
    assertThat(image).as("the operator image imported into the node").contains(":");
    var values = Files.createTempFile("e2e-values", ".yaml");
    Files.writeString(
        values,
        """
        image:
          repository: %s
          tag: "%s"
          pullPolicy: Never
        config:
          locations:
            paris-1:
              ipv4Pool: 203.0.113.0/24
          backup:
            imagePullPolicy: Never
        secrets:
          webhookToken: %s
        resources:
          requests: {cpu: 100m, memory: 300Mi}
        """
            .formatted(
                image.substring(0, image.lastIndexOf(':')),
                image.substring(image.lastIndexOf(':') + 1),
                TOKEN));
    helm(
        "install",
        RELEASE,
        Path.of("helm", "odoovps-operator").toString(),
        "--namespace",
        NAMESPACE,
        "--create-namespace",
        "--values",
        values.toString(),
        "--wait",
        "--timeout",
        "5m");
    return client;
  }
}
