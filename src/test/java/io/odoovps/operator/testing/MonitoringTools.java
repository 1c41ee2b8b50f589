package io.odoovps.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The real Prometheus tools that {@code hack/build-monitoring-tools.sh} builds: the Makefile passes
 * their paths as {@code -Dpromtool.path}, {@code -Dprometheus.path}, {@code -Dalertmanager.path}
 * and {@code -Damtool.path}; without them the newest build in the cache ({@code
 * $ODOOVPS_TOOLS_DIR}, by default {@code ~/.cache/odoovps-tools}) is used. A missing tool fails the
 * test: it is never skipped.
 */
public final class MonitoringTools {

  private MonitoringTools() {}

  /** A finished tool: its exit code, and the command line followed by what it printed. */
  public record ProcessResult(int exitCode, String output) {}

  /** Runs a tool to its end (at most 60 s), its standard error merged into its output. */
  public static ProcessResult run(String... command) throws IOException, InterruptedException {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command[0] + " did not finish in 60 s");
    }
    return new ProcessResult(process.exitValue(), String.join(" ", command) + "\n" + output);
  }

  public static Path promtool() {
    return find("promtool.path", "promtool", "promtool");
  }

  public static Path prometheus() {
    return find("prometheus.path", "prometheus", "prometheus");
  }

  public static Path alertmanager() {
    return find("alertmanager.path", "alertmanager", "alertmanager");
  }

  public static Path amtool() {
    return find("amtool.path", "alertmanager", "amtool");
  }

  public static Path cacheDir() {
    var env = System.getenv("ODOOVPS_TOOLS_DIR");
    return env != null && !env.isBlank()
        ? Paths.get(env)
        : Paths.get(System.getProperty("user.home"), ".cache", "odoovps-tools");
  }

  private static Path find(String property, String folderPrefix, String binary) {
    var configured = System.getProperty(property);
    if (configured != null && !configured.isBlank()) {
      var path = Paths.get(configured);
      if (!Files.isExecutable(path)) {
        throw missing(binary, path + " (from -D" + property + ")");
      }
      return path;
    }
    var cache = cacheDir();
    if (Files.isDirectory(cache)) {
      try (Stream<Path> folders = Files.list(cache)) {
        var newest =
            folders
                .filter(f -> f.getFileName().toString().startsWith(folderPrefix + "-"))
                .filter(f -> Files.isExecutable(f.resolve(binary)))
                .max(
                    Comparator.comparing(
                        f -> f.getFileName().toString().substring(folderPrefix.length() + 1),
                        MonitoringTools::compareVersions));
        if (newest.isPresent()) {
          return newest.get().resolve(binary);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw missing(binary, cache.resolve(folderPrefix + "-<version>").resolve(binary).toString());
  }

  private static IllegalStateException missing(String binary, String where) {
    return new IllegalStateException(
        binary
            + " is not built at "
            + where
            + ": run `make monitoring-tools` (the Makefile's test target does it)");
  }

  private static int compareVersions(String a, String b) {
    int[] x = numbers(a);
    int[] y = numbers(b);
    return Arrays.compare(x, y);
  }

  private static int[] numbers(String version) {
    return Arrays.stream(version.split("[.-]"))
        .mapToInt(
            part -> {
              try {
                return Integer.parseInt(part);
              } catch (NumberFormatException e) {
                return -1;
              }
            })
        .toArray();
  }
}
