package io.odoovps.operator.backup;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;

/** The capture methods a BackupPolicy may name in `spec.method`. */
public final class BackupMethods {

  private BackupMethods() {}

  /** The method {@code name}, talking to the API server of the pod it runs in. */
  public static BackupMethod inCluster(String name, Duration timeout) {
    if (!"VirtualMachineExport".equals(name)) {
      throw new IllegalArgumentException(
          "unknown backup method " + name + " (known: VirtualMachineExport)");
    }
    return new VirtualMachineExportMethod(
        new KubernetesClientBuilder().build(),
        Clock.systemUTC(),
        timeout,
        timeout,
        Duration.ofSeconds(2));
  }
}
