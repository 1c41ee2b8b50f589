package io.odoovps.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered rules against the files under {@code monitoring/rendered/}: a change to how the
 * rules are built must not change what Prometheus and the API server receive (the rule files byte
 * for byte, the PrometheusRule as a JSON tree). {@code ODOOVPS_RENDERED_UPDATE=1} rewrites the
 * files from the current code (review the diff).
 */
class AlertRuleRenderingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Path FILES = Path.of("src/test/resources/monitoring/rendered");

  private static final AlertRuleDesign SPAM =
      new AlertRuleDesign(
          AlertRulesPromtoolTest.config(
              Map.of(
                  "odoovps.monitoring.abuse.spam-expr",
                  "sum(rate(flows{ns=\"{namespace}\", pod=~\"virt-launcher-{vps}-.*\"}[5m])) > 5",
                  "odoovps.monitoring.evaluation-interval",
                  "30s")));

  static Stream<Arguments> renderings() {
    var design = AlertRulesPromtoolTest.DESIGN;
    return Stream.of(
        rendering("shop.rules.yaml", () -> design.rulesYaml(AlertRulesPromtoolTest.shop())),
        rendering("erp.rules.yaml", () -> design.rulesYaml(AlertRulesPromtoolTest.erp())),
        rendering(
            "legacy.rules.yaml", () -> design.rulesYaml(AlertRulesPromtoolTest.unnamedPlan())),
        rendering("spam.rules.yaml", () -> SPAM.rulesYaml(AlertRulesPromtoolTest.shop())),
        rendering("shop.prometheusrule.json", () -> json(design, AlertRulesPromtoolTest.shop())),
        rendering("erp.prometheusrule.json", () -> json(SPAM, AlertRulesPromtoolTest.erp())));
  }

  private static Arguments rendering(String file, Supplier<String> render) {
    return Arguments.of(file, render);
  }

  /** The PrometheusRule as the dependent resource sends it to the API server. */
  private static String json(AlertRuleDesign design, OdooVps vps) {
    var generic = design.prometheusRule(vps);
    return Serialization.asJson(
            Serialization.unmarshal(Serialization.asJson(generic), PrometheusRule.class))
        + "\n";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void theRenderedRulesAreUnchanged(String file, Supplier<String> render) throws IOException {
    var actual = render.get();
    if ("1".equals(System.getenv("ODOOVPS_RENDERED_UPDATE"))) {
      Files.writeString(FILES.resolve(file), actual, StandardCharsets.UTF_8);
      return;
    }
    if (file.endsWith(".json")) {
      // as JSON trees: the metadata labels come from an unordered map
      assertThat(JSON.readTree(actual)).isEqualTo(JSON.readTree(read(file)));
    } else {
      assertThat(actual).isEqualTo(read(file));
    }
  }

  private static String read(String file) {
    try (var in =
        AlertRuleRenderingTest.class.getResourceAsStream("/monitoring/rendered/" + file)) {
      assertThat(in).as(file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
