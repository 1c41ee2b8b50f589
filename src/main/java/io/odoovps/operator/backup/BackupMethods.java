package io.odoovps.operator.backup;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** The capture methods a BackupPolicy may name in `spec.method`. */
public final class BackupMethods {

  private BackupMethods() {}

  /**
   * The method {@code name}, talking to the API server of the pod it runs in, with the export token
   * of the pod's environment ({@link ExportToken#fromEnvironment}).
   */
  public static BackupMethod inCluster(String name, Duration timeout, Map<String, String> env) {
    if (!"VirtualMachineExport".equals(name)) {
      throw new IllegalArgumentException(
          "unknown backup method " + name + " (known: VirtualMachineExport)");
    }
    var token = ExportToken.fromEnvironment(env);
    return new VirtualMachineExportMethod(
        new KubernetesClientBuilder().build(),
        token,
        Clock.systemUTC(),
        timeout,
        timeout,
        Duration.ofSeconds(2));
  }
}
