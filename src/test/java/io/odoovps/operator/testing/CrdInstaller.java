package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Installs into the test API server the CRDs generated from our Java types and the real third-party
 * CRDs (KubeVirt, CDI, prometheus-operator) that {@code hack/fetch-upstream-crds.sh} produced from
 * their official Go modules, so the API server validates everything the operator writes. The
 * folders come from the system property {@value #PROPERTY} (set by the Makefile), else the
 * environment variable {@code ODOOVPS_UPSTREAM_CRDS}: a list separated by {@code :}. When they are
 * missing, the control plane does not start: no test runs against a schemaless stand-in.
 */
public final class CrdInstaller {

  /** Where the generated CRDs land at build time (crd-generator-maven-plugin). */
  public static final Path GENERATED = Paths.get("target", "classes", "META-INF", "fabric8");

  /** The system property naming the third-party CRD folders. */
  public static final String PROPERTY = "upstream.crds";

  private CrdInstaller() {}

  /**
   * The folders of the third-party CRDs, each checked to exist and hold YAML files.
   *
   * @throws IllegalStateException naming the command that produces them
   */
  public static List<Path> upstreamDirs() {
    var list = System.getProperty(PROPERTY, System.getenv("ODOOVPS_UPSTREAM_CRDS"));
    if (list == null || list.isBlank()) {
      throw new IllegalStateException(
          "the third-party CRD folders are not set (system property "
              + PROPERTY
              + " or ODOOVPS_UPSTREAM_CRDS): run the tests with `make test`, or run `make"
              + " upstream-crds` and pass the folders it prints");
    }
    var dirs = new ArrayList<Path>();
    for (var entry : list.split(":")) {
      var dir = Paths.get(entry);
      if (!Files.isDirectory(dir) || yamlFiles(dir).isEmpty()) {
        throw new IllegalStateException(
            dir.toAbsolutePath()
                + " holds no CRD: run `make upstream-crds` (hack/fetch-upstream-crds.sh)");
      }
      dirs.add(dir);
    }
    return dirs;
  }

  static void installAll(KubernetesClient client) {
    // the CRDs as they ship (crds/): the generated ones with kubectl's conventions applied
    var files =
        new ArrayList<Path>(CrdConventions.writePolished(Paths.get("target", "crds-polished")));
    for (var dir : upstreamDirs()) {
      System.out.println(
          "[control-plane] installing third-party CRDs from " + dir.toAbsolutePath().normalize());
      files.addAll(yamlFiles(dir));
    }
    install(client, files);
  }

  /** Installs the CRDs of {@code files} by server-side apply and waits until they are served. */
  public static void install(KubernetesClient client, List<Path> files) {
    var names = new ArrayList<String>();
    for (var file : files) {
      try (var in = Files.newInputStream(file)) {
        var crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        crd.getMetadata().setResourceVersion(null);
        client.resource(crd).forceConflicts().serverSideApply();
        names.add(crd.getMetadata().getName());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (var name : names) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
                      && c.getStatus().getConditions() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              cond ->
                                  "Established".equals(cond.getType())
                                      && "True".equals(cond.getStatus())),
              60,
              TimeUnit.SECONDS);
    }
  }

  private static List<Path> yamlFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          dir.toAbsolutePath() + " is missing: build the project first");
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
