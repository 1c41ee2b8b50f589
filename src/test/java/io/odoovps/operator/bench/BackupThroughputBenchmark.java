package io.odoovps.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.odoovps.operator.backup.BackupCommand;
import io.odoovps.operator.backup.BackupStore;
import io.odoovps.operator.backup.BackupTarget;
import io.odoovps.operator.testing.S3Server;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * `make bench`: upload throughput of the backup mode against a plain AWS SDK v2 multipart upload of
 * the same file to the same real S3 server (S3Proxy on loopback, a separate process).
 *
 * <p>Both sides run as their own JVM with the heap a backup Job gets (`-Xmx64m`) and the same
 * classpath: "ours" is {@link BackupCommand} `backup --vps NAME --source FILE` (multipart upload
 * through one 8 MiB buffer, SHA-256 on the way, then the `.sha256` sidecar and the manifest);
 * "baseline" is createMultipartUpload / uploadPart / completeMultipartUpload with the same 8 MiB
 * parts and the client of {@link BackupTarget#client()}, nothing else. One warm-up of each, then
 * the measured runs alternate which side goes first so that load from other processes falls on
 * both. Writes target/bench/backup.md. Not part of `make test`: numbers, not pass/fail timings.
 */
class BackupThroughputBenchmark {

  private static final String MARK = "bench-child ";

  @TempDir Path temp;

  @Test
  void backupUploadAgainstPlainMultipart() throws Exception {
    int mib = Integer.getInteger("bench.backup.mib", 256);
    int runs = Integer.getInteger("bench.backup.runs", 3);
    var out = Path.of("target", "bench");
    Files.createDirectories(out);
    var os = ManagementFactory.getOperatingSystemMXBean();
    var loadBefore = os.getSystemLoadAverage();
    var started = Instant.now();

    var source = temp.resolve("vps-disk.img");
    var random = new Random(42);
    var chunk = new byte[1 << 20];
    try (var file = Files.newOutputStream(source)) {
      for (int i = 0; i < mib; i++) {
        random.nextBytes(chunk); // incompressible
        file.write(chunk);
      }
    }
    long bytes = Files.size(source);

    var ours = new ArrayList<Run>();
    var baseline = new ArrayList<Run>();
    try (var server = new S3Server()) {
      var target = server.bucket("bench");
      for (int round = 0; round <= runs; round++) {
        boolean oursFirst = round % 2 == 0;
        for (var side : oursFirst ? List.of("ours", "baseline") : List.of("baseline", "ours")) {
          var run = child(target, side, "bench-" + round, source, bytes);
          if (round > 0) { // round 0 is the warm-up
            (side.equals("ours") ? ours : baseline).add(run);
          }
          deleteAll(target); // untimed: keep the server's disk as it was
        }
      }
    }
    var loadAfter = os.getSystemLoadAverage();

    String report = report(mib, bytes, runs, ours, baseline, started, loadBefore, loadAfter);
    Files.writeString(out.resolve("backup.md"), report);
    System.out.println(report);
  }

  /** One upload in its own JVM; the child reports its own time and peak heap on stderr. */
  private Run child(BackupTarget target, String side, String vps, Path source, long bytes)
      throws Exception {
    var command =
        new ArrayList<>(
            List.of(
                "java",
                "-Xmx64m",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName(),
                side,
                vps,
                source.toString()));
    var stdout = temp.resolve(side + "-" + vps + ".out");
    var stderr = temp.resolve(side + "-" + vps + ".err");
    var builder =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().putAll(S3Server.environment(target));
    long start = System.nanoTime();
    var process = builder.start();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as(side + " finished").isTrue();
    long wall = System.nanoTime() - start;
    var errors = Files.readString(stderr);
    assertThat(process.exitValue()).as(side + ": " + errors).isZero();
    if (side.equals("ours")) {
      assertThat(Files.readString(stdout)).contains("\"sizeBytes\":" + bytes);
    } else {
      assertThat(Files.readString(stdout).trim()).isEqualTo(Long.toString(bytes));
      try (var s3 = target.client()) { // checked here, untimed
        assertThat(s3.headObject(b -> b.bucket(target.bucket()).key(vps + "/data")).contentLength())
            .isEqualTo(bytes);
      }
    }
    var line =
        errors
            .lines()
            .filter(l -> l.startsWith(MARK))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException(side + " did not report: " + errors));
    var fields = line.substring(MARK.length()).split(" ", 4);
    return new Run(
        bytes,
        wall,
        Long.parseLong(fields[0]),
        Long.parseLong(fields[1]),
        Long.parseLong(fields[2]),
        fields[3]);
  }

  private static void deleteAll(BackupTarget target) {
    try (var s3 = target.client()) {
      s3.listObjectsV2Paginator(b -> b.bucket(target.bucket()))
          .contents()
          .forEach(o -> s3.deleteObject(b -> b.bucket(target.bucket()).key(o.key())));
    }
  }

  /**
   * One upload: {@code bytes} in {@code wallNanos} (the child process from start to exit), of which
   * {@code mainNanos} timed inside the child (client, upload, completion; no JVM start-up or SDK
   * class loading) and {@code cpuNanos} of the child's CPU, using at most {@code peakHeapBytes} of
   * heap right after a GC.
   */
  record Run(
      long bytes, long wallNanos, long mainNanos, long cpuNanos, long peakHeapBytes, String gc) {
    double uploadMBps() {
      return bytes / 1e6 / (mainNanos / 1e9);
    }

    double wallMBps() {
      return bytes / 1e6 / (wallNanos / 1e9);
    }

    /** Client CPU (user + system, all threads) per GB uploaded. */
    double cpuSecondsPerGB() {
      return cpuNanos / 1e9 / (bytes / 1e9);
    }
  }

  private static double median(List<Double> values) {
    var sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double best(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  private static String report(
      int mib,
      long bytes,
      int runs,
      List<Run> ours,
      List<Run> baseline,
      Instant started,
      double loadBefore,
      double loadAfter) {
    var oursUpload = ours.stream().map(Run::uploadMBps).toList();
    var baseUpload = baseline.stream().map(Run::uploadMBps).toList();
    var oursWall = ours.stream().map(Run::wallMBps).toList();
    var baseWall = baseline.stream().map(Run::wallMBps).toList();
    var oursCpu = ours.stream().map(Run::cpuSecondsPerGB).toList();
    var baseCpu = baseline.stream().map(Run::cpuSecondsPerGB).toList();
    long oursHeap = ours.stream().mapToLong(Run::peakHeapBytes).max().orElseThrow();
    long baseHeap = baseline.stream().mapToLong(Run::peakHeapBytes).max().orElseThrow();
    var perRun = new StringBuilder();
    for (int i = 0; i < runs; i++) {
      perRun.append(
          String.format(
              Locale.ROOT,
              "| %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f |%n",
              i + 1,
              ours.get(i).uploadMBps(),
              baseline.get(i).uploadMBps(),
              ours.get(i).wallMBps(),
              baseline.get(i).wallMBps(),
              ours.get(i).cpuSecondsPerGB(),
              baseline.get(i).cpuSecondsPerGB()));
    }
    return String.format(
        Locale.ROOT,
        """
        # Backup upload throughput: %d MiB

        Recorded %s on %d cores (%s), %s %s, %s; load average %.2f before, %.2f after.
        S3Proxy %s (filesystem backend, same machine, loopback). Source: %d bytes of random
        (incompressible) data in a temp file, %d MiB parts. Each upload runs in its own
        `java -Xmx64m` (GC: %s); 1 warm-up + %d measured runs per side, alternating which goes
        first. MB/s = 10^6 bytes per second.

        | measure | ours: `BackupCommand backup` | baseline: plain SDK multipart | ours / baseline |
        |---|---|---|---|
        | upload MB/s, median (client, upload, complete; SDK already loaded) | %.1f | %.1f | %.2f |
        | upload MB/s, best | %.1f | %.1f | %.2f |
        | process MB/s, median (JVM start to exit) | %.1f | %.1f | %.2f |
        | process MB/s, best | %.1f | %.1f | %.2f |
        | client CPU s per GB, median (user + system, all threads) | %.2f | %.2f | %.2f |
        | heap in use after GC, MiB (highest during the upload, over all runs) | %.1f | %.1f | %.2f |

        Per run (upload and process in MB/s):

        | run | ours, upload | baseline, upload | ours, process | baseline, process | ours, CPU s/GB | baseline, CPU s/GB |
        |---|---|---|---|---|---|---|
        %s""",
        mib,
        DateTimeFormatter.ISO_LOCAL_DATE_TIME
                .withZone(ZoneOffset.UTC)
                .format(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
            + "Z",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        loadBefore,
        loadAfter,
        s3ProxyVersion(),
        bytes,
        BackupStore.PART_SIZE / (1024 * 1024),
        ours.get(0).gc(),
        runs,
        median(oursUpload),
        median(baseUpload),
        median(oursUpload) / median(baseUpload),
        best(oursUpload),
        best(baseUpload),
        best(oursUpload) / best(baseUpload),
        median(oursWall),
        median(baseWall),
        median(oursWall) / median(baseWall),
        best(oursWall),
        best(baseWall),
        best(oursWall) / best(baseWall),
        median(oursCpu),
        median(baseCpu),
        median(oursCpu) / median(baseCpu),
        oursHeap / 1048576.0,
        baseHeap / 1048576.0,
        oursHeap / (double) baseHeap,
        perRun);
  }

  private static String cpuModel() {
    try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("cpu model unknown");
    } catch (IOException | RuntimeException e) {
      return "cpu model unknown";
    }
  }

  private static String s3ProxyVersion() {
    try {
      return Arrays.stream(Files.readString(S3Server.CLASSPATH).trim().split(":"))
          .map(p -> Path.of(p).getFileName().toString())
          .filter(n -> n.startsWith("s3proxy-"))
          .map(n -> n.substring("s3proxy-".length()).replace(".jar", ""))
          .findFirst()
          .orElse("(version unknown)");
    } catch (IOException e) {
      return "(version unknown)";
    }
  }

  /**
   * The child JVM: {@code ours|baseline VPS FILE}, bucket from the environment as for a backup Job.
   * On exit it prints {@code bench-child <nanos timed> <cpu nanos> <max heap after a GC> <gc
   * names>} on stderr.
   */
  public static final class Child {

    private Child() {}

    public static void main(String[] args) throws Exception {
      var peakAfterGc = new AtomicLong();
      var timedFromUptime = new AtomicLong(Long.MAX_VALUE);
      var heapPools =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .map(p -> p.getName())
              .collect(Collectors.toSet());
      for (var collector : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) collector)
            .addNotificationListener(
                (notification, handback) -> {
                  if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                      notification.getType())) {
                    var info =
                        GarbageCollectionNotificationInfo.from(
                            (CompositeData) notification.getUserData());
                    if (info.getGcInfo().getStartTime() >= timedFromUptime.get()) {
                      long used =
                          info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                              .filter(e -> heapPools.contains(e.getKey()))
                              .mapToLong(e -> e.getValue().getUsed())
                              .sum();
                      peakAfterGc.accumulateAndGet(used, Math::max);
                    }
                  }
                },
                null,
                null);
      }
      // Untimed: load and initialise the SDK once (the same for both sides), so that the timed
      // part is the upload, not class loading on a busy 2-core machine.
      var target = BackupTarget.fromEnvironment(System.getenv());
      try (var s3 = target.client()) {
        s3.headBucket(b -> b.bucket(target.bucket()));
      }
      System.gc();
      timedFromUptime.set(ManagementFactory.getRuntimeMXBean().getUptime());
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpuStart = os.getProcessCpuTime();
      long start = System.nanoTime();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    long nanos = System.nanoTime() - start;
                    long cpu = os.getProcessCpuTime() - cpuStart;
                    var gc =
                        ManagementFactory.getGarbageCollectorMXBeans().stream()
                            .map(b -> b.getName())
                            .collect(Collectors.joining(", "));
                    System.err.println(
                        MARK + nanos + " " + cpu + " " + peakAfterGc.get() + " " + gc);
                  }));
      var source = args[2];
      if (args[0].equals("ours")) {
        BackupCommand.main(new String[] {"backup", "--vps", args[1], "--source", source});
      } else {
        System.out.println(plainMultipart(args[1] + "/data", Path.of(source)));
      }
    }

    /** The baseline: a plain multipart upload, same part size and client, nothing else. */
    static long plainMultipart(String key, Path source) throws IOException {
      var target = BackupTarget.fromEnvironment(System.getenv());
      var bucket = target.bucket();
      try (var s3 = target.client();
          InputStream in = Files.newInputStream(source)) {
        var uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        var parts = new ArrayList<CompletedPart>();
        var buffer = new byte[BackupStore.PART_SIZE];
        long size = 0;
        for (int number = 1; ; number++) {
          int filled = in.readNBytes(buffer, 0, buffer.length);
          if (filled == 0 && number > 1) {
            break;
          }
          final int part = number;
          var etag =
              s3.uploadPart(
                      b ->
                          b.bucket(bucket)
                              .key(key)
                              .uploadId(uploadId)
                              .partNumber(part)
                              .contentLength((long) filled),
                      RequestBody.fromBytes(
                          filled == buffer.length ? buffer : Arrays.copyOf(buffer, filled)))
                  .eTag();
          parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
          size += filled;
          if (filled < buffer.length) {
            break;
          }
        }
        s3.completeMultipartUpload(
            b ->
                b.bucket(bucket)
                    .key(key)
                    .uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        return size;
      }
    }
  }
}
