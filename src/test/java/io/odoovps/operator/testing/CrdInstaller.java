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
 * CRDs of {@code ../shared/upstream-crds} (KubeVirt, CDI, prometheus-operator), so the API server
 * validates everything the operator writes. Where that folder is missing (a user's fresh clone), it
 * installs schemaless stand-ins from {@code config/fallback-crds} and says so.
 */
public final class CrdInstaller {

  /** Where the generated CRDs land at build time (crd-generator-maven-plugin). */
  public static final Path GENERATED = Paths.get("target", "classes", "META-INF", "fabric8");

  private CrdInstaller() {}

  public static Path upstreamDir() {
    var env = System.getenv("ODOOVPS_UPSTREAM_CRDS");
    return env != null ? Paths.get(env) : Paths.get("..", "shared", "upstream-crds");
  }

  public static boolean upstreamAvailable() {
    return Files.isDirectory(upstreamDir());
  }

  static void installAll(KubernetesClient client) {
    var files = new ArrayList<Path>(yamlFiles(GENERATED));
    if (upstreamAvailable()) {
      System.out.println(
          "[control-plane] installing upstream CRDs from "
              + upstreamDir().toAbsolutePath().normalize());
      files.addAll(yamlFiles(upstreamDir()));
    } else {
      System.out.println(
          "[control-plane] WARNING: "
              + upstreamDir().toAbsolutePath().normalize()
              + " is missing: installing SCHEMALESS fallback CRDs, so the API server does not"
              + " validate KubeVirt or prometheus-operator objects in this run");
      files.addAll(yamlFiles(Paths.get("config", "fallback-crds")));
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
