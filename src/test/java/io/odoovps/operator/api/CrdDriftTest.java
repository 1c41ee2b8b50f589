package io.odoovps.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.testing.CrdConventions;
import io.odoovps.operator.testing.CrdInstaller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs are generated from the Java types at build time; the committed copies in {@code crds/}
 * (which the chart and users install) must be exactly those, with kubectl's conventions applied
 * ({@link CrdConventions}). Run {@code make crds} after changing an API type: it runs this test
 * with {@code -Dcrds.update=true}, which writes them instead.
 */
class CrdDriftTest {

  private static final Path COMMITTED = Paths.get("crds");

  @Test
  void committedCrdsAreTheGeneratedOnes() throws IOException {
    if (Boolean.getBoolean("crds.update")) {
      try (Stream<Path> old = Files.list(COMMITTED)) {
        for (var file : old.filter(p -> p.toString().endsWith(".yml")).toList()) {
          Files.delete(file);
        }
      }
      CrdConventions.writePolished(COMMITTED);
    }
    var files = CrdConventions.generated();
    assertThat(files).isNotEmpty();
    for (var file : files) {
      var committed = COMMITTED.resolve(file.getFileName());
      assertThat(committed).as("%s is not committed: run `make crds`", committed).exists();
      assertThat(Files.readString(committed))
          .as("%s differs from the CRD generated from the Java types: run `make crds`", committed)
          .isEqualTo(CrdConventions.polish(file));
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
