package io.odoovps.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.testing.CrdInstaller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs are generated from the Java types at build time; the committed copies in {@code crds/}
 * (which the chart and users install) must be exactly those. Run {@code make crds} after changing
 * an API type.
 */
class CrdDriftTest {

  private static final Path COMMITTED = Paths.get("crds");

  @Test
  void committedCrdsAreTheGeneratedOnes() throws IOException {
    try (Stream<Path> generated = Files.list(CrdInstaller.GENERATED)) {
      var files = generated.filter(p -> p.toString().endsWith(".yml")).toList();
      assertThat(files).isNotEmpty();
      for (var file : files) {
        var committed = COMMITTED.resolve(file.getFileName());
        assertThat(committed).as("%s is not committed: run `make crds`", committed).exists();
        assertThat(Files.readString(committed))
            .as("%s differs from the CRD generated from the Java types: run `make crds`", committed)
            .isEqualTo(Files.readString(file));
      }
    }
    try (Stream<Path> committed = Files.list(COMMITTED)) {
      committed
          .filter(p -> p.toString().endsWith(".yml"))
          .forEach(
              p ->
                  assertThat(CrdInstaller.GENERATED.resolve(p.getFileName()))
                      .as("%s is no longer generated from any Java type: remove it", p)
                      .exists());
    }
  }
}
