package io.odoovps.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.testing.ControlPlane;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/** The packaged operator (the Quarkus jar that the image runs), as a process of its own. */
final class PackagedJar {

  static final Path JAR = Paths.get("target", "quarkus-app", "quarkus-run.jar");

  private PackagedJar() {}

  /** A process of the jar against the test control plane, its output to {@code log}. */
  static ProcessBuilder builder(Path log) {
    assertThat(JAR).as("package the operator first (mvn verify does)").exists();
    var builder =
        new ProcessBuilder("java", "-Xmx256m", "-jar", JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", ControlPlane.get().kubeconfig().toString());
    builder.environment().put("QUARKUS_HTTP_PORT", "0");
    return builder;
  }

  /** Stops it, forcibly after 20 s. */
  static void stop(Process operator) throws InterruptedException {
    if (operator == null) {
      return;
    }
    operator.destroy();
    if (!operator.waitFor(20, TimeUnit.SECONDS)) {
      operator.destroyForcibly();
    }
  }
}
