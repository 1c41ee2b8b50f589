package io.odoovps.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart installs our CRDs from {@code files/crds/}, copies of the generated {@code crds/}
 * (which {@link io.odoovps.operator.api.CrdDriftTest} keeps equal to the Java types). `make crds`
 * writes both; this fails when the chart's copies drift.
 */
class ChartCrdsTest {

  private static final Path COMMITTED = Paths.get("crds");
  private static final Path CHART = HelmChart.DIR.resolve("files").resolve("crds");

  @Test
  void chartCrdsAreTheCommittedOnes() throws IOException {
    try (Stream<Path> committed = Files.list(COMMITTED)) {
      var files = committed.filter(p -> p.toString().endsWith(".yml")).toList();
      assertThat(files).isNotEmpty();
      for (var file : files) {
        var copy = CHART.resolve(file.getFileName());
        assertThat(copy).as("%s is missing from the chart: run `make crds`", copy).exists();
        assertThat(Files.readString(copy))
            .as("%s differs from %s: run `make crds`", copy, file)
            .isEqualTo(Files.readString(file));
      }
    }
    try (Stream<Path> copies = Files.list(CHART)) {
      copies.forEach(
          p ->
              assertThat(COMMITTED.resolve(p.getFileName()))
                  .as("%s is no CRD of crds/ any more: run `make crds`", p)
                  .exists());
    }
  }

  @Test
  void chartPoliciesAreTheCommittedOnes() throws IOException {
    var committed = Paths.get("config", "policies");
    var chart = HelmChart.DIR.resolve("files").resolve("policies");
    try (Stream<Path> files = Files.list(committed)) {
      for (var file : files.toList()) {
        var copy = chart.resolve(file.getFileName());
        assertThat(copy).as("%s is missing from the chart: run `make crds`", copy).exists();
        assertThat(Files.readString(copy))
            .as("%s differs from %s: run `make crds`", copy, file)
            .isEqualTo(Files.readString(file));
      }
    }
  }
}
