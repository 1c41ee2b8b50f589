package io.odoovps.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoovps.operator.testing.MovableClock;
import io.odoovps.operator.testing.S3Server;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The backup mode against a real S3-compatible server (S3Proxy, a separate process), real bytes.
 */
class BackupStoreS3Test {

  private static S3Server server;

  @TempDir Path temp;

  @BeforeAll
  static void start() {
    server = new S3Server();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
  }

  /** Runs the backup command in its own JVM with a small heap, as the CronJob would. */
  private static Process command(BackupTarget target, String... args) throws IOException {
    var command =
        new ArrayList<>(
            List.of(
                "java",
                "-Xmx48m",
                "-cp",
                System.getProperty("java.class.path"),
                BackupCommand.class.getName()));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command);
    builder.environment().putAll(S3Server.environment(target));
    return builder.start();
  }

  private static String sha256(Path file) throws Exception {
    var digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      var buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @Test
  void streamsTwoHundredMebibytesWithA48MebibyteHeapAndRestoresTheSameBytes() throws Exception {
    var target = server.bucket("offsite-big");
    var source = temp.resolve("vps-disk.img");
    var random = new Random(42);
    var chunk = new byte[1 << 20];
    try (var out = Files.newOutputStream(source)) {
      for (int i = 0; i < 200; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    var expected = sha256(source);

    var backup = command(target, "backup", "--vps", "acme", "--source", source.toString());
    assertThat(backup.waitFor(5, TimeUnit.MINUTES)).isTrue();
    var printed = new String(backup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    var errors = new String(backup.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(backup.exitValue()).as(errors).isZero();
    assertThat(printed)
        .contains("\"sha256\":\"" + expected + "\"")
        .contains("\"sizeBytes\":209715200");
    assertThat(printed + errors).doesNotContain(target.secretAccessKey());

    try (var s3 = target.client()) {
      var store = new BackupStore(s3, target.bucket(), java.time.Clock.systemUTC());
      var manifests = store.list("acme");
      assertThat(manifests)
          .singleElement()
          .satisfies(m -> assertThat(m.sha256()).isEqualTo(expected));
      var sidecar =
          s3.getObjectAsBytes(
                  b -> b.bucket(target.bucket()).key(manifests.get(0).dataKey() + ".sha256"))
              .asUtf8String();
      assertThat(sidecar).startsWith(expected);

      var restored = temp.resolve("restored.img");
      var restore =
          command(
              target,
              "restore",
              "--vps",
              "acme",
              "--backup",
              manifests.get(0).backupId(),
              "--target",
              restored.toString());
      assertThat(restore.waitFor(5, TimeUnit.MINUTES)).isTrue();
      var restoreErrors =
          new String(restore.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(restore.exitValue()).as(restoreErrors).isZero();
      assertThat(restoreErrors).contains("SHA-256 verified");
      assertThat(sha256(restored)).isEqualTo(expected);
    }
  }

  @Test
  void retentionPrunesBackupsOlderThanFifteenDaysWhenTheClockMoves() throws Exception {
    var target = server.bucket("offsite-retention");
    var clock = MovableClock.at("2026-03-01T02:00:00Z");
    try (var s3 = target.client()) {
      var store = new BackupStore(s3, target.bucket(), clock);
      var first =
          store.upload("acme", new ByteArrayInputStream("day 0".getBytes(StandardCharsets.UTF_8)));
      clock.advance(Duration.ofDays(10));
      var second =
          store.upload("acme", new ByteArrayInputStream("day 10".getBytes(StandardCharsets.UTF_8)));
      assertThat(store.list("acme")).hasSize(2);

      clock.advance(Duration.ofDays(6)); // day 16
      assertThat(store.prune("acme", Duration.ofDays(15))).containsExactly(first.backupId());
      assertThat(store.list("acme"))
          .extracting(BackupManifest::backupId)
          .containsExactly(second.backupId());
      assertThat(store.allBackupIds("acme")).containsExactly(second.backupId());
    }
  }

  /**
   * The same retention through the command the CronJob runs: each {@code backup} prunes what the
   * moved clock makes older than {@code --retention-days}, and says so in its report.
   */
  @Test
  void theBackupCommandPrunesWhatTheMovedClockMakesOlderThanTheRetention() throws Exception {
    var target = server.bucket("offsite-command-retention");
    var clock = MovableClock.at("2026-03-01T02:00:00Z");
    var day0 = backupThroughTheCommand(target, clock, "day 0");
    assertThat(day0.path("pruned")).isEmpty();
    clock.advance(Duration.ofDays(10));
    var day10 = backupThroughTheCommand(target, clock, "day 10");
    assertThat(day10.path("pruned")).isEmpty();
    assertThat(day10.path("kept")).hasSize(2);

    clock.advance(Duration.ofDays(6)); // day 16: the day-0 backup is 16 days old
    var day16 = backupThroughTheCommand(target, clock, "day 16");
    assertThat(day16.path("pruned").get(0).asText())
        .isEqualTo(day0.path("backup").path("backupId").asText());
    assertThat(day16.path("kept"))
        .extracting(k -> k.path("backupId").asText())
        .containsExactly(
            day10.path("backup").path("backupId").asText(),
            day16.path("backup").path("backupId").asText());
    try (var s3 = target.client()) {
      assertThat(new BackupStore(s3, target.bucket(), clock).allBackupIds("acme"))
          .as("nothing of the pruned backup is left in the bucket")
          .doesNotContain(day0.path("backup").path("backupId").asText());
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode backupThroughTheCommand(
      BackupTarget target, java.time.Clock clock, String content) throws Exception {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var code =
        BackupCommand.run(
            new String[] {"backup", "--vps", "acme", "--source", "-", "--retention-days", "15"},
            S3Server.environment(target),
            new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)),
            new java.io.PrintStream(out),
            new java.io.PrintStream(err),
            clock,
            (method, timeout, env) -> {
              throw new AssertionError("the data comes from stdin");
            });
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void aBackupWithoutItsManifestNeverCountsAndIsPrunedToo() throws Exception {
    var target = server.bucket("offsite-partial");
    var clock = MovableClock.at("2026-03-01T02:00:00Z");
    try (var s3 = target.client()) {
      var store = new BackupStore(s3, target.bucket(), clock);
      // what an interrupted upload leaves: data, no manifest
      s3.putObject(
          b -> b.bucket(target.bucket()).key("backups/acme/20260301T020000Z/data"),
          RequestBody.fromString("half"));
      assertThat(store.list("acme")).isEmpty();
      clock.advance(Duration.ofDays(16));
      assertThat(store.prune("acme", Duration.ofDays(15))).containsExactly("20260301T020000Z");
      assertThat(store.allBackupIds("acme")).isEmpty();
    }
  }

  @Test
  void aCorruptBackupIsRefusedOnRestore() throws Exception {
    var target = server.bucket("offsite-corrupt");
    try (var s3 = target.client()) {
      var store = new BackupStore(s3, target.bucket(), MovableClock.at("2026-03-01T02:00:00Z"));
      var manifest =
          store.upload(
              "acme", new ByteArrayInputStream("the real data".getBytes(StandardCharsets.UTF_8)));
      s3.putObject(
          b -> b.bucket(target.bucket()).key(manifest.dataKey()),
          RequestBody.fromString("tampered data"));

      assertThatThrownBy(
              () -> store.restore("acme", manifest.backupId(), new ByteArrayOutputStream()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("corrupt");
    }
  }

  @Test
  void theCommandRefusesBadUsageAndMissingTargetsClearly() throws Exception {
    var err = new ByteArrayOutputStream();
    var code =
        BackupCommand.run(
            new String[] {"backup", "--vps", "Not_A_Name"},
            java.util.Map.of(),
            InputStream.nullInputStream(),
            new java.io.PrintStream(new ByteArrayOutputStream()),
            new java.io.PrintStream(err),
            java.time.Clock.systemUTC());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--vps NAME is required");

    err.reset();
    code =
        BackupCommand.run(
            new String[] {"list", "--vps", "acme"},
            java.util.Map.of(),
            InputStream.nullInputStream(),
            new java.io.PrintStream(new ByteArrayOutputStream()),
            new java.io.PrintStream(err),
            java.time.Clock.systemUTC());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("ODOOVPS_BACKUP_ENDPOINT is required");

    // the disk is written in place only from a backup verified on the scratch volume first
    err.reset();
    code =
        BackupCommand.run(
            new String[] {
              "restore",
              "--vps",
              "acme",
              "--backup",
              "20260301T020000Z",
              "--target",
              "/disk/disk.img",
              "--safety-copy",
              "/safety-copy/disk.img"
            },
            java.util.Map.of(),
            InputStream.nullInputStream(),
            new java.io.PrintStream(new ByteArrayOutputStream()),
            new java.io.PrintStream(err),
            java.time.Clock.systemUTC());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--safety-copy needs --staging");

    err.reset();
    code =
        BackupCommand.run(
            new String[] {"rollback", "--vps", "acme", "--target", "/disk/disk.img"},
            java.util.Map.of(),
            InputStream.nullInputStream(),
            new java.io.PrintStream(new ByteArrayOutputStream()),
            new java.io.PrintStream(err),
            java.time.Clock.systemUTC());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--safety-copy FILE and --target FILE are required");
  }

  private static int command(BackupTarget target, java.time.Clock clock, String... args) {
    return BackupCommand.run(
        args,
        S3Server.environment(target),
        InputStream.nullInputStream(),
        new java.io.PrintStream(new ByteArrayOutputStream()),
        new java.io.PrintStream(new ByteArrayOutputStream()),
        clock,
        (method, timeout, env) -> {
          throw new AssertionError("no capture method in this test");
        });
  }

  @Test
  void aStagedRestoreDecodesAGzipBackupAndNeverOverwritesTheDiskWithACorruptOne() throws Exception {
    var target = server.bucket("offsite-staged");
    var clock = io.odoovps.operator.testing.MovableClock.at("2026-03-01T02:00:00Z");
    var temp = Files.createTempDirectory("staged");
    var disk = new byte[2 * 1024 * 1024];
    new java.util.Random(11).nextBytes(disk);
    var gz = temp.resolve("disk.img.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(disk);
    }
    var report = temp.resolve("report.json");
    assertThat(
            command(
                target,
                clock,
                "backup",
                "--vps",
                "acme",
                "--source",
                gz.toString(),
                "--format",
                "gzip",
                "--report",
                report.toString()))
        .isZero();
    var parsed = BackupReport.parse(Files.readString(report));
    var made = parsed.backup();
    assertThat(parsed.keptCount()).isEqualTo(parsed.kept().size());
    assertThat(parsed.keptOldest()).isEqualTo(parsed.kept().get(0).time());

    var target0 = temp.resolve("disk.img");
    var staging = temp.resolve("staging.img");
    assertThat(
            command(
                target,
                clock,
                "restore",
                "--vps",
                "acme",
                "--backup",
                made.backupId(),
                "--staging",
                staging.toString(),
                "--target",
                target0.toString(),
                "--report",
                report.toString()))
        .isZero();
    assertThat(Files.readAllBytes(target0)).isEqualTo(disk);
    assertThat(staging).as("staging removed").doesNotExist();
    assertThat(BackupReport.parse(Files.readString(report)).restored().sha256())
        .isEqualTo(made.sha256());

    // the stored data is altered: the restore fails and the disk keeps its bytes
    try (var s3 = target.client()) {
      s3.putObject(
          b -> b.bucket(target.bucket()).key("backups/acme/" + made.backupId() + "/data"),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[] {1, 2, 3}));
    }
    Files.write(target0, "the customer's current disk".getBytes(StandardCharsets.UTF_8));
    assertThat(
            command(
                target,
                clock,
                "restore",
                "--vps",
                "acme",
                "--backup",
                made.backupId(),
                "--staging",
                staging.toString(),
                "--target",
                target0.toString(),
                "--report",
                report.toString()))
        .isEqualTo(1);
    assertThat(Files.readString(target0)).isEqualTo("the customer's current disk");
    assertThat(Files.readString(report)).contains("is corrupt: SHA-256");
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    var out = new ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void aTruncatedGzipBackupIsFoundBeforeTheDiskIsTouchedThoughItsChecksumMatches()
      throws Exception {
    var target = server.bucket("offsite-truncated");
    var clock = MovableClock.at("2026-03-01T02:00:00Z");
    var disk = new byte[3 * 1024 * 1024];
    new Random(21).nextBytes(disk);
    var whole = gzip(disk);
    try (var s3 = target.client()) {
      var store = new BackupStore(s3, target.bucket(), clock);
      // cut short when it was taken: the manifest's checksum is that of the stored bytes
      var cut =
          store.upload(
              "acme",
              "20260301T020000Z",
              new ByteArrayInputStream(java.util.Arrays.copyOf(whole, whole.length / 2)),
              "gzip",
              "test");
      assertThatThrownBy(() -> store.decode(cut, OutputStream.nullOutputStream()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("backup 20260301T020000Z of acme is damaged")
          .hasMessageContaining("although its SHA-256 matches the manifest");
      // the whole backup decodes to the disk's bytes
      var good =
          store.upload("acme", "20260301T030000Z", new ByteArrayInputStream(whole), "gzip", "test");
      var decoded = new ByteArrayOutputStream();
      assertThat(store.decode(good, decoded)).isEqualTo(disk.length);
      assertThat(decoded.toByteArray()).isEqualTo(disk);
    }

    var current = "the customer's current disk".getBytes(StandardCharsets.UTF_8);
    var diskFile = temp.resolve("disk.img");
    Files.write(diskFile, current);
    var copy = temp.resolve("copy.img");
    var report = temp.resolve("report.json");
    assertThat(
            command(
                target,
                clock,
                "restore",
                "--vps",
                "acme",
                "--backup",
                "20260301T020000Z",
                "--staging",
                temp.resolve("staging.img").toString(),
                "--target",
                diskFile.toString(),
                "--safety-copy",
                copy.toString(),
                "--report",
                report.toString()))
        .isEqualTo(1);
    assertThat(Files.readAllBytes(diskFile)).as("byte for byte as it was").isEqualTo(current);
    assertThat(SafetyCopy.marker(copy)).as("not even a safety copy was needed").doesNotExist();
    assertThat(temp.resolve("staging.img")).doesNotExist();
    assertThat(Files.readString(report)).contains("is damaged");
  }

  @Test
  void aSafeRestoreKeepsThePreviousDiskAndTheRollbackModePutsItBackWithoutTheBucket()
      throws Exception {
    var target = server.bucket("offsite-rollback");
    var clock = MovableClock.at("2026-03-01T02:00:00Z");
    var previous = new byte[2 * 1024 * 1024];
    new Random(31).nextBytes(previous);
    var restored = new byte[2 * 1024 * 1024 + 5];
    new Random(32).nextBytes(restored);
    BackupManifest made;
    try (var s3 = target.client()) {
      made =
          new BackupStore(s3, target.bucket(), clock)
              .upload(
                  "acme",
                  "20260301T020000Z",
                  new ByteArrayInputStream(gzip(restored)),
                  "gzip",
                  "test");
    }
    var diskFile = temp.resolve("disk.img");
    Files.write(diskFile, previous);
    var copy = temp.resolve("copy.img");
    var report = temp.resolve("report.json");
    assertThat(
            command(
                target,
                clock,
                "restore",
                "--vps",
                "acme",
                "--backup",
                made.backupId(),
                "--staging",
                temp.resolve("staging.img").toString(),
                "--target",
                diskFile.toString(),
                "--safety-copy",
                copy.toString(),
                "--report",
                report.toString()))
        .isZero();
    assertThat(Files.readAllBytes(diskFile)).isEqualTo(restored);
    assertThat(Files.readAllBytes(copy)).isEqualTo(previous);
    var restoredReport = BackupReport.parse(Files.readString(report));
    assertThat(restoredReport.disk()).isEqualTo(BackupReport.DISK_RESTORED);
    assertThat(restoredReport.restored().sha256()).isEqualTo(made.sha256());

    var err = new ByteArrayOutputStream();
    var code =
        BackupCommand.run(
            new String[] {
              "rollback",
              "--vps",
              "acme",
              "--safety-copy",
              copy.toString(),
              "--target",
              diskFile.toString(),
              "--report",
              report.toString()
            },
            java.util.Map.of(), // no bucket, no credentials
            InputStream.nullInputStream(),
            new java.io.PrintStream(new ByteArrayOutputStream()),
            new java.io.PrintStream(err),
            clock);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(Files.readAllBytes(diskFile)).isEqualTo(previous);
    assertThat(BackupReport.parse(Files.readString(report)).disk())
        .isEqualTo(BackupReport.DISK_ROLLED_BACK);
  }
}
