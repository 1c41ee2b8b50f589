package io.odoovps.operator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The image tarball that `make image` writes (Jib, docker-archive format): its configuration is
 * what the chart expects, its file system has the JRE and the app but no shell, and, when the test
 * runs as root, the image's own JVM runs from its extracted layers in a chroot, as uid 185 on a
 * read-only root with /tmp writable (the chart's security context), in both modes of the entry
 * point.
 *
 * <p>A failsafe test of the built artifact, like PackagedOperatorIT; skipped when the tarball was
 * not built (`make image`, or -Dimage.tar=PATH for another one). It reads the tarball with the
 * system's tar, which the chroot part needs anyway.
 */
class ImageTarballIT {

  private static final String JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CHART = Path.of("helm", "odoovps-operator");

  private static Path tarball;
  private static Path work;
  private static JsonNode manifest;
  private static JsonNode config;
  private static Set<String> files;

  @BeforeAll
  static void open() throws Exception {
    tarball = Path.of(System.getProperty("image.tar", "target/odoovps-operator-image.tar"));
    if (!Files.isRegularFile(tarball)) {
      return;
    }
    work = Files.createTempDirectory("image-tarball");
    run(List.of("tar", "-xf", tarball.toString(), "-C", work.toString()), 120);
    manifest = JSON.readTree(work.resolve("manifest.json").toFile()).get(0);
    config = JSON.readTree(work.resolve(manifest.get("Config").asText()).toFile());
    files = new HashSet<>();
    for (var layer : manifest.get("Layers")) {
      var layerFile = work.resolve(layer.asText()).toString();
      for (var line : run(List.of("tar", "--warning=no-unknown-keyword", "-tzf", layerFile), 120)) {
        files.add(line.replaceFirst("^\\./", "/").replaceFirst("^(?!/)", "/").replaceAll("/$", ""));
      }
    }
  }

  /** Each test reports itself skipped, with the reason, when the image was not built. */
  @BeforeEach
  void requireTheTarball() {
    assumeTrue(manifest != null, "no " + tarball + ": run `make image` first");
  }

  @AfterAll
  static void clean() throws IOException {
    if (work != null) {
      try (Stream<Path> walk = Files.walk(work)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void theImageIsTheOneTheChartPulls() throws IOException {
    var values = Files.readString(CHART.resolve("values.yaml"));
    assertThat(values).contains("repository: ghcr.io/odoovps/odoovps-operator");
    var appVersion =
        Files.readAllLines(CHART.resolve("Chart.yaml")).stream()
            .filter(l -> l.startsWith("appVersion:"))
            .map(l -> l.substring("appVersion:".length()).trim().replace("\"", ""))
            .findFirst()
            .orElseThrow();
    assertThat(manifest.get("RepoTags").get(0).asText())
        .isEqualTo("ghcr.io/odoovps/odoovps-operator:" + appVersion);
    assertThat(config.at("/config/Labels/org.opencontainers.image.version").asText())
        .isEqualTo(appVersion);
  }

  @Test
  void theEntryPointRunsTheJarAsTheChartsUser() {
    var container = config.get("config");
    assertThat(strings(container.get("Entrypoint")))
        .startsWith(JAVA)
        .endsWith("-jar", "/deployments/quarkus-run.jar");
    assertThat(container.path("Cmd").isMissingNode() || container.get("Cmd").isNull()).isTrue();
    // podSecurityContext runAsUser/runAsGroup 185; runAsNonRoot needs a numeric user
    assertThat(container.get("User").asText()).isEqualTo("185:185");
    assertThat(container.get("WorkingDir").asText()).isEqualTo("/deployments");
    assertThat(container.get("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(config.get("architecture").asText()).isEqualTo("amd64");
    assertThat(config.get("created").asText()).startsWith("1970-01-01T00:00:00");
  }

  @Test
  void theFileSystemHasTheJreAndTheAppButNoShell() {
    assertThat(files)
        .contains(
            JAVA,
            "/usr/lib/jvm/java-17-openjdk-amd64/lib/modules",
            "/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so",
            "/etc/ssl/certs/java/cacerts",
            "/etc/passwd",
            "/tmp",
            "/deployments/quarkus-run.jar",
            "/deployments/app",
            "/deployments/lib/main",
            "/deployments/quarkus/quarkus-application.dat")
        .doesNotContain("/bin/sh", "/bin/bash", "/bin/dash", "/usr/bin/sh", "/bin/busybox")
        .noneMatch(f -> f.contains("/.wh."));
  }

  @Test
  void theImagesJvmRunsBothModesAsUid185OnAReadOnlyRoot() throws Exception {
    assumeTrue(
        canChroot(),
        "not root, or no mount namespaces (unshare -m): only the structure was checked");
    var root = work.resolve("rootfs");
    Files.createDirectories(root);
    for (var layer : manifest.get("Layers")) {
      var layerFile = work.resolve(layer.asText()).toString();
      run(
          List.of("tar", "--warning=no-unknown-keyword", "-xzf", layerFile, "-C", root.toString()),
          300);
    }
    var passwd = Files.readString(root.resolve("etc/passwd"));
    assertThat(passwd).containsPattern("(?m)^[a-z]+:x:185:185:");

    var version = inImage(root, List.of(JAVA, "-version"), 60);
    assertThat(version.exitCode()).as(version.output()).isZero();
    assertThat(version.output()).contains("openjdk version \"17.").contains("sharing");

    // the JDK's default trust store (what ca-certificates-java's postinst would have written), for
    // TLS to S3, SMTP and Prometheus; the API server's CA comes from the service account instead
    var keytool = JAVA.replace("/bin/java", "/bin/keytool");
    var cacerts =
        inImage(root, List.of(keytool, "-list", "-cacerts", "-storepass", "changeit"), 60);
    assertThat(cacerts.exitCode()).as(cacerts.output()).isZero();
    assertThat(cacerts.output()).containsPattern("Your keystore contains [1-9][0-9]{2} entries");

    // the entry point with `backup` and no --vps: the backup mode answers its usage error (exit 2)
    var entrypoint = strings(config.get("config").get("Entrypoint"));
    var backup = new ArrayList<>(entrypoint);
    backup.add("backup");
    var usage = inImage(root, backup, 120);
    assertThat(usage.output()).contains("--vps NAME is required");
    assertThat(usage.exitCode()).as(usage.output()).isEqualTo(2);

    // the entry point alone starts the operator: Quarkus boots and registers the controllers, then,
    // with no cluster to reach (no kubernetes.default.svc here), gives up and exits
    var operator = inImage(root, entrypoint, 180);
    assertThat(operator.output())
        .as("the operator mode")
        .contains("Registered reconciler: 'odoovps'", "Starting operator")
        .doesNotContain("--vps NAME is required");
  }

  private record Result(int exitCode, String output) {}

  /**
   * Runs a command of the image in a chroot of its extracted layers, as the chart runs the pod: uid
   * and gid 185, root file system read-only, /tmp a fresh tmpfs, /proc of its own PID namespace,
   * the image's environment plus the chart's JAVA_TOOL_OPTIONS, and nothing of this machine's.
   */
  private static Result inImage(Path root, List<String> command, int timeoutSeconds)
      throws Exception {
    var script =
        "set -e; root=$1; shift;"
            + " mount --bind \"$root\" \"$root\"; mount -o remount,bind,ro \"$root\";"
            + " mount -t proc proc \"$root/proc\"; mount -t tmpfs -o mode=1777 tmpfs \"$root/tmp\";"
            + " exec chroot --userspec=185:185 \"$root\" \"$@\"";
    var env = new ArrayList<String>();
    config.get("config").get("Env").forEach(e -> env.add(e.asText()));
    env.add("JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=60");
    var full = new ArrayList<>(List.of("env", "-i"));
    full.addAll(env);
    full.addAll(List.of("unshare", "--mount", "--pid", "--fork", "sh", "-c", script, "sh"));
    full.add(root.toString());
    full.addAll(command);
    var log = Files.createTempFile(work, "run", ".log");
    var process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
    var started = process.start();
    if (!started.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      started.destroyForcibly().waitFor();
      return new Result(-1, Files.readString(log));
    }
    return new Result(started.exitValue(), Files.readString(log));
  }

  private static List<String> run(List<String> command, int timeoutSeconds) throws Exception {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    return output.lines().toList();
  }

  private static boolean canChroot() throws Exception {
    if (!"0".equals(run(List.of("id", "-u"), 10).get(0).trim())) {
      return false;
    }
    var probe = new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "true").start();
    return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
  }

  private static List<String> strings(JsonNode array) {
    var list = new ArrayList<String>();
    array.forEach(e -> list.add(e.asText()));
    return list;
  }
}
