package io.odoovps.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * values.schema.json: helm refuses a misspelt key, a wrong type or an unknown choice before it
 * renders anything, naming the value; the schema and values.yaml describe the same keys.
 */
class ChartSchemaTest {

  private static JsonNode schema() throws IOException {
    return new ObjectMapper().readTree(HelmChart.DIR.resolve("values.schema.json").toFile());
  }

  private static JsonNode values() throws IOException {
    return new YAMLMapper().readTree(HelmChart.DIR.resolve("values.yaml").toFile());
  }

  @Test
  void everyValueIsInTheSchemaWithADescriptionAndNothingElseIs() throws IOException {
    var missing = new ArrayList<String>();
    var extra = new ArrayList<String>();
    var undescribed = new ArrayList<String>();
    compare("", values(), schema(), missing, extra, undescribed);
    assertThat(missing).as("values.yaml keys the schema does not know").isEmpty();
    assertThat(extra)
        .as("schema properties values.yaml does not have (but keys that moved, refused by name)")
        .isEmpty();
    assertThat(undescribed).as("schema properties without a description").isEmpty();
  }

  /** Walks values and schema together; maps of free keys (no "properties") end the walk. */
  private static void compare(
      String path,
      JsonNode value,
      JsonNode schema,
      List<String> missing,
      List<String> extra,
      List<String> undescribed) {
    var properties = schema.get("properties");
    if (properties == null || !value.isObject()) {
      return;
    }
    assertThat(schema.path("additionalProperties").asBoolean(true))
        .as("%s: a misspelt key under it must be refused", path.isEmpty() ? "the root" : path)
        .isFalse();
    value
        .fieldNames()
        .forEachRemaining(
            key -> {
              var child = path.isEmpty() ? key : path + "." + key;
              if (!properties.has(key)) {
                missing.add(child);
              } else {
                if (!properties.get(key).has("description")) {
                  undescribed.add(child);
                }
                compare(child, value.get(key), properties.get(key), missing, extra, undescribed);
              }
            });
    properties
        .fieldNames()
        .forEachRemaining(
            key -> {
              if (!value.has(key)
                  && !properties.get(key).path("description").asText().startsWith("Moved")) {
                extra.add(path.isEmpty() ? key : path + "." + key);
              }
            });
  }

  @Test
  void aMisspeltKeyAWrongTypeAndAnUnknownChoiceAreRefusedByName() {
    assertThatThrownBy(() -> HelmChart.template("odoovps-system", "replicas: 3"))
        .hasMessageContaining("additional properties 'replicas' not allowed");
    assertThatThrownBy(
            () -> HelmChart.template("odoovps-system", "config: {traffic: {bandwidthMbps: fast}}"))
        .hasMessageContaining("/config/traffic/bandwidthMbps");
    assertThatThrownBy(
            () -> HelmChart.template("odoovps-system", "config: {mail: {security: SSL}}"))
        .hasMessageContaining("/config/mail/security")
        .hasMessageContaining("'NONE', 'STARTTLS', 'TLS'");
    assertThatThrownBy(
            () ->
                HelmChart.template(
                    "odoovps-system", "config: {locations: {paris-1: {ipv4Exclude: 192.0.2.1}}}"))
        .as("a location without a pool")
        .hasMessageContaining("/config/locations/paris-1")
        .hasMessageContaining("ipv4Pool");
    assertThatThrownBy(() -> HelmChart.template("odoovps-system", "extraVolumeMounts: [{name: x}]"))
        .hasMessageContaining("mountPath");
  }

  @Test
  void thePackagedChartCarriesTheSchemaAndRendersTheSame() throws IOException {
    var dir = java.nio.file.Files.createTempDirectory("chart-package");
    HelmChart.run("package", HelmChart.DIR.toString(), "-d", dir.toString());
    var tgz = dir.resolve("odoovps-operator-0.1.0.tgz");
    assertThat(tgz).exists();
    assertThatThrownBy(() -> HelmChart.run("template", "x", tgz.toString(), "--set", "replicas=3"))
        .hasMessageContaining("additional properties 'replicas' not allowed");
    assertThat(HelmChart.run("template", HelmChart.RELEASE, tgz.toString(), "-n", "odoovps-system"))
        .isEqualTo(HelmChart.template("odoovps-system", "{}"));
  }

  @Test
  void theValuesOfEveryOtherTestAreValid() {
    HelmChart.template("odoovps-system", HelmChart.EVERYTHING_ON);
    HelmChart.template(
        "odoovps-system",
        """
        shaper: {enabled: true, udpPacketsPerSecond: 0}
        extraEnv: [{name: QUARKUS_LOG_LEVEL, value: DEBUG}]
        extraConfig: {odoovps.backup.purge-grace: 7d, some.flag: true, some.number: 4}
        """);
  }
}
