package io.odoovps.operator.testing;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What kubectl users expect of a CRD that fabric8's generator cannot write, applied to the CRDs it
 * generates: the printer columns in the order the Java type declares them (the generator sorts them
 * by name), Age last (added where a kind declares none), and the root schema's description from the
 * kind's {@link JsonClassDescription}, which {@code kubectl explain} prints first. The committed
 * {@code crds/} are these polished CRDs ({@code make crds} writes them), and the tests install
 * them.
 */
public final class CrdConventions {

  /** Every kind of ours. */
  public static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          OdooVps.class,
          BackupPolicy.class,
          io.odoovps.operator.api.v1alpha1.backup.BackupRecord.class,
          OdooVpsRestore.class,
          SupportTicket.class,
          MitigationState.class,
          IPv4Allocation.class);

  /** The category of every kind: {@code kubectl get odoovps-all} lists them all. */
  public static final String CATEGORY = "odoovps-all";

  static final String AGE = "Age";
  private static final String CREATED = ".metadata.creationTimestamp";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private CrdConventions() {}

  /** The generated CRD as it ships. */
  public static CustomResourceDefinition polish(CustomResourceDefinition crd) {
    var kind = crd.getSpec().getNames().getKind();
    var type =
        KINDS.stream()
            .filter(k -> HasMetadata.getKind(k).equals(kind))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException(kind + " is not in KINDS"));
    var declared =
        Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .filter(name -> !name.equals(AGE))
            .toList();
    var description = type.getAnnotation(JsonClassDescription.class);
    if (description == null || description.value().isBlank()) {
      throw new IllegalStateException(
          type.getSimpleName() + " needs a @JsonClassDescription: kubectl explain prints it");
    }
    for (var version : crd.getSpec().getVersions()) {
      var columns = new ArrayList<CustomResourceColumnDefinition>();
      if (version.getAdditionalPrinterColumns() != null) {
        version.getAdditionalPrinterColumns().stream()
            .filter(c -> !c.getName().equals(AGE))
            .sorted(Comparator.comparingInt(c -> declared.indexOf(c.getName())))
            .forEach(columns::add);
      }
      columns.add(
          new CustomResourceColumnDefinitionBuilder()
              .withName(AGE)
              .withJsonPath(CREATED)
              .withType("date")
              .build());
      version.setAdditionalPrinterColumns(columns);
      var root = version.getSchema().getOpenAPIV3Schema();
      root.setDescription(description.value());
      var record = type == io.odoovps.operator.api.v1alpha1.backup.BackupRecord.class;
      var written = type == IPv4Allocation.class ? OPERATORS_SPEC : record ? RECORD_SPEC : SPEC;
      describe(root.getProperties().get("spec"), written);
      describe(
          root.getProperties().get("status"), type == IPv4Allocation.class ? NO_STATUS : STATUS);
      standardFields(root);
    }
    return crd;
  }

  private static final String SPEC =
      "What is asked of the operator: written by people or GitOps, never by the operator.";
  private static final String OPERATORS_SPEC =
      "Written by the operator only, when it hands the address out.";
  private static final String RECORD_SPEC =
      "Written by the operator only: what it observed of one VPS's backups under one policy.";
  private static final String STATUS =
      "What the operator observed and did: written by the operator only.";
  private static final String NO_STATUS = "Unused: an allocation is all spec.";

  /** Kubernetes' own meanings of the fields of metav1.Condition and metav1.LabelSelector. */
  private static final java.util.Map<String, String> STANDARD =
      java.util.Map.ofEntries(
          java.util.Map.entry("type", "The condition's type, in CamelCase."),
          java.util.Map.entry("status", "True, False or Unknown."),
          java.util.Map.entry(
              "observedGeneration", "The metadata.generation the condition was set for."),
          java.util.Map.entry(
              "lastTransitionTime", "When the condition last changed from one status to another."),
          java.util.Map.entry("reason", "Why, in one CamelCase word, for machines."),
          java.util.Map.entry("message", "Why, in words, for people."),
          java.util.Map.entry(
              "matchLabels", "Labels a VPS must carry, all of them (ANDed with matchExpressions)."),
          java.util.Map.entry("matchExpressions", "Label requirements, all of them (ANDed)."),
          java.util.Map.entry("key", "The label's key."),
          java.util.Map.entry("operator", "In, NotIn, Exists or DoesNotExist."),
          java.util.Map.entry(
              "values", "The label values for In and NotIn; empty for Exists and DoesNotExist."));

  private static void describe(
      io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps node, String text) {
    if (node != null && (node.getDescription() == null || node.getDescription().isBlank())) {
      node.setDescription(text);
    }
  }

  /** The fields of the standard types (conditions, label selectors) the generator leaves bare. */
  private static void standardFields(
      io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps node) {
    if (node == null) {
      return;
    }
    if (node.getProperties() != null) {
      node.getProperties()
          .forEach(
              (name, child) -> {
                var standard = STANDARD.get(name);
                if (standard != null) {
                  describe(child, standard);
                }
                standardFields(child);
              });
    }
    if (node.getItems() != null) {
      standardFields(node.getItems().getSchema());
    }
  }

  /** {@link #polish} of a generated CRD file, as YAML. */
  public static String polish(Path generated) {
    try (var in = Files.newInputStream(generated)) {
      var crd = SERIALIZATION.unmarshal(in, CustomResourceDefinition.class);
      return "# Generated from the Java types by `make crds` (fabric8's CRDGenerator, then"
          + " CrdConventions): do not edit\n"
          + SERIALIZATION.asYaml(polish(crd));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The generated CRDs of {@link CrdInstaller#GENERATED}. */
  public static List<Path> generated() {
    try (Stream<Path> files = Files.list(CrdInstaller.GENERATED)) {
      return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          CrdInstaller.GENERATED.toAbsolutePath() + " is missing: build the project first", e);
    }
  }

  /** The polished CRDs written to {@code dir} (same file names); their paths. */
  public static List<Path> writePolished(Path dir) {
    try {
      Files.createDirectories(dir);
      var written = new ArrayList<Path>();
      for (var file : generated()) {
        var target = dir.resolve(file.getFileName());
        Files.writeString(target, polish(file));
        written.add(target);
      }
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
