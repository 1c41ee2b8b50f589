package io.odoovps.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.odoovps.operator.testing.CrdConventions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped CRDs follow kubectl's conventions: Age the last column, the declared column order,
 * every field described (kubectl explain), one category for all kinds, short names that cannot
 * clash with other projects'.
 */
class CrdConventionsTest {

  private static List<CustomResourceDefinition> committed() throws IOException {
    var serialization = new KubernetesSerialization();
    try (Stream<Path> files = Files.list(Path.of("crds"))) {
      var crds = new ArrayList<CustomResourceDefinition>();
      for (var file : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
        crds.add(serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class));
      }
      return crds;
    }
  }

  @Test
  void ageIsTheLastColumnAndTheDeclaredOrderIsKept() throws IOException {
    for (var crd : committed()) {
      var columns = crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
      assertThat(columns.get(columns.size() - 1).getName()).isEqualTo("Age");
      assertThat(columns.get(columns.size() - 1).getJsonPath())
          .isEqualTo(".metadata.creationTimestamp");
    }
    var vps =
        committed().stream()
            .filter(c -> c.getSpec().getNames().getKind().equals("OdooVps"))
            .findFirst()
            .orElseThrow();
    assertThat(vps.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .extracting(c -> c.getName())
        .containsExactly(
            "Phase", "Plan", "Location", "IPv4", "Ready", "Availability", "Support Left", "Age");
  }

  @Test
  void everyFieldIsDescribedForKubectlExplain() throws IOException {
    for (var crd : committed()) {
      var missing = new ArrayList<String>();
      var root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
      if (root.getDescription() == null) {
        missing.add("(root)");
      }
      undescribed(root, "", missing);
      assertThat(missing).as(crd.getMetadata().getName()).isEmpty();
    }
  }

  private static void undescribed(JSONSchemaProps node, String path, List<String> missing) {
    if (node.getProperties() != null) {
      node.getProperties()
          .forEach(
              (name, child) -> {
                if (child.getDescription() == null || child.getDescription().isBlank()) {
                  missing.add(path + "." + name);
                }
                undescribed(child, path + "." + name, missing);
              });
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      undescribed(node.getItems().getSchema(), path + "[]", missing);
    }
  }

  @Test
  void oneCategoryAndShortNamesThatCannotClash() throws IOException {
    var crds = committed();
    assertThat(crds).hasSize(CrdConventions.KINDS.size());
    for (var crd : crds) {
      var names = crd.getSpec().getNames();
      assertThat(names.getCategories()).containsExactly(CrdConventions.CATEGORY);
      assertThat(names.getShortNames())
          .as("%s: short names prefixed by the project's", names.getKind())
          .allMatch(n -> n.startsWith("ovps"));
      assertThat(names.getPlural())
          .as("the category is not a resource name, which kubectl would take first")
          .isNotEqualTo(CrdConventions.CATEGORY);
    }
  }
}
