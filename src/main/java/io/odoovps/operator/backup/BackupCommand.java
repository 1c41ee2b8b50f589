package io.odoovps.operator.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The backup mode of the operator's image: what the backup CronJobs and restore Jobs run.
 *
 * <pre>
 * backup  --vps NAME [--method VirtualMachineExport | --source FILE|- [--format raw|gzip]]
 *         [--retention-days 15] [--capture-timeout 30m] [--report FILE]
 *     capture the VPS, stream it to the bucket, prune what is past retention, report
 * restore --vps NAME --backup ID [--target FILE|-] [--staging FILE [--safety-copy FILE]]
 *         [--report FILE]
 *     stream a backup back; with --staging, decode and verify the whole backup there first
 *     (SHA-256, gzip to its end), so a corrupt or truncated backup never reaches the disk; with
 *     --safety-copy, keep the target as it was there before writing it
 * rollback --vps NAME --safety-copy FILE --target FILE [--report FILE]
 *     put the target back from a complete safety copy (no bucket needed); a copy never completed
 *     means the target was never written, and it is left as it is
 * prune   --vps NAME [--retention-days 15]   delete backups older than the retention
 * purge   --vps NAME [--until TIME] [--report FILE]
 *                                            delete every backup (the end of the contract), or
 *                                            those taken until TIME (RFC 3339)
 * list    --vps NAME                         print the complete backups
 * </pre>
 *
 * The bucket comes from the environment ({@link BackupTarget#fromEnvironment}), the namespace from
 * `ODOOVPS_NAMESPACE` (or --namespace); with a namespace, keys live under `backups/<namespace>/`.
 * Exit code 0 on success, 1 on failure (with the reason on stderr and in the report file, never a
 * credential), 2 on bad usage.
 */
public final class BackupCommand {

  /** The first arguments that select the backup mode instead of the operator. */
  public static final Set<String> COMMANDS =
      Set.of("backup", "restore", "rollback", "prune", "purge", "list");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Makes the capture method named in a policy, with the pod's environment (where the method finds
   * what the operator gave it, such as the export token).
   */
  @FunctionalInterface
  public interface Methods {
    BackupMethod create(String name, Duration timeout, Map<String, String> env);
  }

  private BackupCommand() {}

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            System.getenv(),
            System.in,
            System.out,
            System.err,
            Clock.systemUTC(),
            BackupMethods::inCluster));
  }

  static int run(
      String[] args,
      Map<String, String> env,
      InputStream stdin,
      PrintStream stdout,
      PrintStream stderr,
      Clock clock) {
    return run(args, env, stdin, stdout, stderr, clock, BackupMethods::inCluster);
  }

  public static int run(
      String[] args,
      Map<String, String> env,
      InputStream stdin,
      PrintStream stdout,
      PrintStream stderr,
      Clock clock,
      Methods methods) {
    if (args.length == 0) {
      stderr.println("usage: backup|restore|prune|purge|list --vps NAME [options]");
      return 2;
    }
    var options = parseOptions(args, stderr);
    if (options == null) {
      return 2;
    }
    var vps = options.get("vps");
    if (vps == null || !vps.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      stderr.println("--vps NAME is required (a Kubernetes name)");
      return 2;
    }
    var report = options.get("report");
    if ("rollback".equals(args[0])) {
      return rollback(vps, options, stderr);
    }
    if ("restore".equals(args[0])
        && options.containsKey("safety-copy")
        && !options.containsKey("staging")) {
      stderr.println("--safety-copy needs --staging: the backup is verified there first");
      return 2;
    }
    try (var s3 = BackupTarget.fromEnvironment(env).client()) {
      var store =
          new BackupStore(
              s3,
              BackupTarget.fromEnvironment(env).bucket(),
              clock,
              options.getOrDefault("namespace", env.get("ODOOVPS_NAMESPACE")));
      switch (args[0]) {
        case "backup" -> {
          var result = backup(vps, options, env, stdin, store, methods, stderr);
          write(report, result.toJson());
          stdout.println(result.toJson());
        }
        case "restore" -> {
          return runRestore(vps, options, store, stdout, stderr);
        }
        case "prune" -> runPrune(vps, options, store, stdout, stderr);
        case "purge" -> runPurge(vps, options, store, stdout, stderr);
        case "list" -> stdout.println(JSON.writeValueAsString(store.list(vps)));
        default -> {
          stderr.println("unknown command " + args[0]);
          return 2;
        }
      }
      return 0;
    } catch (Exception e) {
      return failed(args[0], vps, e, report, stderr);
    }
  }

  /** The `--name value` pairs after the command; null (said on stderr) when they do not pair up. */
  private static Map<String, String> parseOptions(String[] args, PrintStream stderr) {
    var options = new HashMap<String, String>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        stderr.println("unexpected argument " + args[i]);
        return null;
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  /** Restores the backup named by --backup and reports the disk restored; the exit code. */
  private static int runRestore(
      String vps,
      Map<String, String> options,
      BackupStore store,
      PrintStream stdout,
      PrintStream stderr)
      throws IOException {
    var backup = options.get("backup");
    if (backup == null) {
      stderr.println("--backup ID is required");
      return 2;
    }
    var manifest = store.manifest(vps, backup);
    long bytes = restore(store, manifest, options, stdout, stderr);
    stderr.println("restored " + bytes + " bytes of " + vps + "/" + backup + ", SHA-256 verified");
    write(
        options.get("report"),
        BackupReport.ofDisk(BackupReport.Entry.of(manifest), BackupReport.DISK_RESTORED).toJson());
    return 0;
  }

  /** Deletes the backups past the retention (--retention-days) and reports what is left. */
  private static void runPrune(
      String vps,
      Map<String, String> options,
      BackupStore store,
      PrintStream stdout,
      PrintStream stderr)
      throws IOException {
    var days = Integer.parseInt(options.getOrDefault("retention-days", "15"));
    var pruned = store.prune(vps, Duration.ofDays(days));
    stderr.println(
        "deleted " + pruned.size() + " backups of " + vps + " older than " + days + " days");
    write(options.get("report"), BackupReport.ofPrune(store.list(vps), pruned).toJson());
    stdout.println(JSON.writeValueAsString(Map.of("pruned", pruned)));
  }

  /** Deletes every backup of the VPS, or those taken until --until, and reports the count. */
  private static void runPurge(
      String vps,
      Map<String, String> options,
      BackupStore store,
      PrintStream stdout,
      PrintStream stderr)
      throws IOException {
    // --until: only what was taken until then (the termination), never a newer VPS's backups
    var until = Optional.ofNullable(options.get("until")).map(Instant::parse);
    var purged = until.isPresent() ? store.purge(vps, until.get()) : store.purge(vps);
    stderr.println(
        "deleted "
            + purged.size()
            + " backups of "
            + vps
            + until.map(u -> " taken until " + u).orElse(""));
    // the count, not the ids: a long retention would not fit a termination message
    var result = new BackupReport(null, List.of(), purged.size(), null, List.of(), null);
    write(options.get("report"), result.toJson());
    stdout.println(result.toJson());
  }

  /** Says why a command failed, on stderr and in the report file; returns the exit code 1. */
  private static int failed(
      String command, String vps, Exception e, String report, PrintStream stderr) {
    var message =
        command + " of " + vps + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    stderr.println(message);
    try {
      write(report, message);
    } catch (IOException ignored) {
      // the message is on stderr, which the pod's log keeps
    }
    return 1;
  }

  /** Puts the disk back from its safety copy; needs no bucket. */
  private static int rollback(String vps, Map<String, String> options, PrintStream stderr) {
    var copy = options.get("safety-copy");
    var target = options.get("target");
    if (copy == null || target == null || "-".equals(target)) {
      stderr.println("--safety-copy FILE and --target FILE are required");
      return 2;
    }
    var report = options.get("report");
    try {
      var disk = SafetyCopy.putBack(Path.of(copy), Path.of(target), stderr);
      write(report, BackupReport.ofDisk(null, disk).toJson());
      return 0;
    } catch (Exception e) {
      return failed("rollback", vps, e, report, stderr);
    }
  }

  private static BackupReport backup(
      String vps,
      Map<String, String> options,
      Map<String, String> env,
      InputStream stdin,
      BackupStore store,
      Methods methods,
      PrintStream stderr)
      throws IOException {
    var backupId = store.nextBackupId();
    BackupManifest made;
    if (options.containsKey("source")) {
      try (var in = open(options.get("source"), stdin)) {
        made =
            store.upload(
                vps,
                backupId,
                in,
                options.getOrDefault("format", "raw"),
                "file " + options.get("source"));
      }
    } else {
      var namespace = options.getOrDefault("namespace", env.get("ODOOVPS_NAMESPACE"));
      if (namespace == null) {
        throw new IllegalArgumentException("--namespace or ODOOVPS_NAMESPACE is required");
      }
      var timeout =
          io.quarkus.runtime.configuration.DurationConverter.parseDuration(
              options.getOrDefault("capture-timeout", "30m"));
      var method =
          methods.create(options.getOrDefault("method", "VirtualMachineExport"), timeout, env);
      try (var capture = method.capture(namespace, vps, backupId);
          var in = new BufferedInputStream(capture.data(), 1 << 16)) {
        made = store.upload(vps, backupId, in, capture.format(), capture.description());
      }
    }
    stderr.println(
        "backup " + made.backupId() + " of " + vps + ": " + made.sizeBytes() + " bytes stored");
    var days = Integer.parseInt(options.getOrDefault("retention-days", "15"));
    var pruned = store.prune(vps, Duration.ofDays(days));
    return BackupReport.ofBackup(made, store.list(vps), pruned);
  }

  private static long restore(
      BackupStore store,
      BackupManifest manifest,
      Map<String, String> options,
      PrintStream stdout,
      PrintStream stderr)
      throws IOException {
    var target = options.getOrDefault("target", "-");
    var staging = options.get("staging");
    if (staging == null) {
      try (var out = create(target, stdout)) {
        return store.restore(manifest, out);
      }
    }
    // Verify the whole backup first: the disk is written only from bytes that decoded to the end
    // and whose SHA-256 matched.
    var staged = Path.of(staging);
    try {
      long decoded;
      try (var out = DiskImage.create(staged)) {
        decoded = store.decode(manifest, out);
      }
      stderr.println(
          "backup "
              + manifest.backupId()
              + " verified: "
              + manifest.sizeBytes()
              + " bytes stored, SHA-256 matches, "
              + decoded
              + " bytes decoded to the end");
      if ("-".equals(target)) {
        try (var out = create(target, stdout)) {
          Files.copy(staged, out);
        }
        return manifest.sizeBytes();
      }
      var disk = Path.of(target);
      var copy = options.get("safety-copy");
      if (copy != null) {
        SafetyCopy.keep(disk, Path.of(copy), stderr);
      }
      var written = DiskImage.copy(staged, disk, "writing the disk", stderr);
      stderr.println("the disk is written: " + written.bytes() + " bytes, forced to the device");
    } finally {
      Files.deleteIfExists(staged);
    }
    return manifest.sizeBytes();
  }

  private static void write(String report, String text) throws IOException {
    if (report != null) {
      Files.writeString(
          Path.of(report),
          text,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    }
  }

  private static InputStream open(String source, InputStream stdin) throws IOException {
    return new BufferedInputStream(
        "-".equals(source) ? stdin : Files.newInputStream(Path.of(source)), 1 << 16);
  }

  private static OutputStream create(String target, PrintStream stdout) throws IOException {
    return new BufferedOutputStream(
        "-".equals(target) ? stdout : Files.newOutputStream(Path.of(target)), 1 << 16);
  }
}
