package io.odoovps.operator.helm;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The chart in {@code helm/odoovps-operator} and the Helm binary that {@code hack/build-helm.sh}
 * built ({@code -Dhelm.path}, set by the Makefile). Tests that need Helm are skipped, with the way
 * to get it, when it is absent.
 */
final class HelmChart {

  static final Path DIR = Paths.get("helm", "odoovps-operator");

  /** The release name; with it, every object is named odoovps-operator. */
  static final String RELEASE = "odoovps-operator";

  private HelmChart() {}

  static Path binary() {
    var path = System.getProperty("helm.path");
    if (path == null || !Files.isExecutable(Paths.get(path))) {
      throw new IllegalStateException(
          "Helm is not built (-Dhelm.path="
              + path
              + "): run `make helm`, or `make test`, which builds it");
    }
    return Paths.get(path);
  }

  /** Runs helm with the arguments; returns its standard output, fails on a non-zero exit. */
  static String run(String... args) {
    var command = new ArrayList<String>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    try {
      var home = Files.createTempDirectory("helm-home");
      var builder = new ProcessBuilder(command).redirectErrorStream(false);
      // no user configuration, cache or repository index of this machine
      builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
      builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
      builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
      var process = builder.start();
      var err = process.getErrorStream();
      var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      var errors = new String(err.readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("helm " + args[0] + " did not finish in 120 s");
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(
            "helm " + String.join(" ", args) + " failed:\n" + out + "\n" + errors);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code helm template} of the chart as release {@link #RELEASE} with extra values (YAML). */
  static String template(String namespace, String values) {
    return run("template", RELEASE, DIR.toString(), "-n", namespace, "-f", valuesFile(values));
  }

  static String valuesFile(String values) {
    try {
      var file = Files.createTempFile("values", ".yaml");
      Files.writeString(file, values);
      file.toFile().deleteOnExit();
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every switch of the chart on, as an installation with monitoring would set it. */
  static final String EVERYTHING_ON =
      """
      serviceMonitor: {enabled: true}
      prometheusRule: {enabled: true}
      config:
        locations:
          paris-1: {ipv4Pool: 192.0.2.0/24, ipv4Exclude: 192.0.2.1}
        traffic:
          liveAnnotations: {"ovn.kubernetes.io/egress_rate": "{mbps}"}
      extraConfig: {odoovps.overcommit.cpu-ratio: "4"}
      secrets: {webhookToken: not-a-real-token}
      """;

  /** The user name of the chart's ServiceAccount in a release namespace. */
  static String serviceAccountUser(String namespace) {
    return "system:serviceaccount:" + namespace + ":" + RELEASE;
  }

  /**
   * Whether the API server's authorizer lets the chart's ServiceAccount (of a release in {@code
   * releaseNamespace}, with the groups a real token of it carries) do {@code verb} on {@code
   * resource[/subresource]} of {@code group} in {@code inNamespace} (null: cluster-wide).
   */
  static boolean allowed(
      KubernetesClient client,
      String releaseNamespace,
      String verb,
      String group,
      String resource,
      String subresource,
      String inNamespace) {
    return allowed(client, releaseNamespace, verb, group, resource, subresource, inNamespace, null);
  }

  /** As {@link #allowed}, for the object named {@code name} (null: any object). */
  static boolean allowed(
      KubernetesClient client,
      String releaseNamespace,
      String verb,
      String group,
      String resource,
      String subresource,
      String inNamespace,
      String name) {
    return review(
        client,
        serviceAccountUser(releaseNamespace),
        List.of(
            "system:serviceaccounts",
            "system:serviceaccounts:" + releaseNamespace,
            "system:authenticated"),
        new ResourceAttributesBuilder()
            .withVerb(verb)
            .withGroup(group)
            .withResource(resource)
            .withSubresource(subresource)
            .withNamespace(inNamespace)
            .withName(name)
            .build());
  }

  /** A SubjectAccessReview: whether the authorizer lets {@code user} in {@code groups} do it. */
  static boolean review(
      KubernetesClient client,
      String user,
      List<String> groups,
      io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes attributes) {
    return client
        .authorization()
        .v1()
        .subjectAccessReview()
        .create(
            new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(user)
                .withGroups(groups)
                .withResourceAttributes(attributes)
                .endSpec()
                .build())
        .getStatus()
        .getAllowed();
  }
}
