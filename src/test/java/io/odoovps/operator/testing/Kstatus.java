package io.odoovps.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The status kstatus computes for an object: the real library (sigs.k8s.io/cli-utils, which Flux's
 * health checks and kpt wait with) in hack/kstatus, built by {@code make kstatus} and named by
 * {@code -Dkstatus.path}.
 */
public final class Kstatus {

  /** kstatus' verdict: InProgress, Failed, Current, Terminating, … and its message. */
  public record Verdict(String status, String message) {}

  private Kstatus() {}

  public static Verdict of(HasMetadata object) throws Exception {
    var configured = System.getProperty("kstatus.path");
    assertThat(configured)
        .as("-Dkstatus.path is not set: run `make kstatus` (or `make test`, which builds it)")
        .isNotBlank();
    var binary = Path.of(configured);
    assertThat(Files.isExecutable(binary)).as(binary + " (run `make kstatus`)").isTrue();
    var process = new ProcessBuilder(binary.toString()).start();
    try (var in = process.getOutputStream()) {
      in.write(Serialization.asJson(object).getBytes(StandardCharsets.UTF_8));
    }
    var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    var err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kstatus: " + err).isZero();
    var fields = out.strip().split("\t", 3);
    assertThat(fields).as("kstatus printed: " + out).hasSize(3);
    return new Verdict(fields[1], fields[2]);
  }
}
