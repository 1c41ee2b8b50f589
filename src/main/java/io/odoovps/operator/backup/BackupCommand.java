package io.odoovps.operator.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The backup mode of the operator's image: what the backup CronJob and restore Jobs run.
 *
 * <pre>
 * backup  --vps NAME [--source FILE|-]          stream a backup to the bucket, print its manifest
 * restore --vps NAME --backup ID [--target FILE|-]  stream it back, verifying its SHA-256
 * prune   --vps NAME [--retention-days 15]       delete backups older than the retention
 * list    --vps NAME                             print the complete backups
 * </pre>
 *
 * The bucket comes from the environment ({@link BackupTarget#fromEnvironment}). Exit code 0 on
 * success, 1 on failure (with the reason on stderr, never a credential), 2 on bad usage.
 */
public final class BackupCommand {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BackupCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.in, System.out, System.err, Clock.systemUTC()));
  }

  static int run(
      String[] args,
      Map<String, String> env,
      InputStream stdin,
      PrintStream stdout,
      PrintStream stderr,
      Clock clock) {
    if (args.length == 0) {
      stderr.println("usage: backup|restore|prune|list --vps NAME [options]");
      return 2;
    }
    var options = new HashMap<String, String>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        stderr.println("unexpected argument " + args[i]);
        return 2;
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    var vps = options.get("vps");
    if (vps == null || !vps.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      stderr.println("--vps NAME is required (a Kubernetes name)");
      return 2;
    }
    try (var s3 = BackupTarget.fromEnvironment(env).client()) {
      var store = new BackupStore(s3, BackupTarget.fromEnvironment(env).bucket(), clock);
      switch (args[0]) {
        case "backup" -> {
          try (var in = open(options.getOrDefault("source", "-"), stdin)) {
            stdout.println(JSON.writeValueAsString(store.upload(vps, in)));
          }
        }
        case "restore" -> {
          var backup = options.get("backup");
          if (backup == null) {
            stderr.println("--backup ID is required");
            return 2;
          }
          try (var out = create(options.getOrDefault("target", "-"), stdout)) {
            long bytes = store.restore(vps, backup, out);
            stderr.println(
                "restored " + bytes + " bytes of " + vps + "/" + backup + ", SHA-256 verified");
          }
        }
        case "prune" -> {
          var days = Integer.parseInt(options.getOrDefault("retention-days", "15"));
          stdout.println(
              JSON.writeValueAsString(Map.of("pruned", store.prune(vps, Duration.ofDays(days)))));
        }
        case "list" -> stdout.println(JSON.writeValueAsString(store.list(vps)));
        default -> {
          stderr.println("unknown command " + args[0]);
          return 2;
        }
      }
      return 0;
    } catch (Exception e) {
      stderr.println(
          args[0]
              + " of "
              + vps
              + " failed: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage());
      return 1;
    }
  }

  private static InputStream open(String source, InputStream stdin) throws java.io.IOException {
    return new BufferedInputStream(
        "-".equals(source) ? stdin : Files.newInputStream(Path.of(source)), 1 << 16);
  }

  private static OutputStream create(String target, PrintStream stdout) throws java.io.IOException {
    return new BufferedOutputStream(
        "-".equals(target) ? stdout : Files.newOutputStream(Path.of(target)), 1 << 16);
  }
}
