package io.odoovps.operator.disk;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The `fill-disk` mode of the operator's image: what the fill Job of a VPS's disk claim runs on a
 * cluster without CDI.
 *
 * <pre>
 * fill-disk --vps NAME --source URL --target FILE [--size BYTES] [--qemu-img PATH]
 * </pre>
 *
 * Downloads the provider image from an `http(s)://` URL next to the target, turns it into a raw
 * image (a qcow2 image through `qemu-img convert`, a gzip stream decompressed, anything else taken
 * as raw), grows it (sparse) to --size or to what the volume holds, whichever is smaller, and moves
 * it into place in one rename: KubeVirt never sees a half-written `disk.img`. A target that exists
 * is never touched: the claim already holds a disk (perhaps the customer's), and the command says
 * so and succeeds. Exit code 0 on success, 1 on failure (the reason on stderr), 2 on bad usage.
 */
public final class FillDiskCommand {

  public static final String COMMAND = "fill-disk";

  /** What KubeVirt keeps free on a Filesystem volume by default (its filesystem overhead). */
  static final double FILESYSTEM_OVERHEAD = 0.055;

  private static final long MIB = 1024L * 1024L;
  private static final byte[] QCOW2_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};

  private FillDiskCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream stdout, PrintStream stderr) {
    var options = parse(args, stderr);
    if (options == null) {
      return 2;
    }
    var source = options.get("source");
    var target = options.get("target");
    if (source == null
        || target == null
        || !(source.startsWith("http://") || source.startsWith("https://"))) {
      stderr.println(
          "usage: fill-disk --vps NAME --source http(s)://IMAGE --target FILE [--size BYTES]");
      return 2;
    }
    var file = Path.of(target);
    if (Files.exists(file)) {
      stdout.println(
          "{\"filled\":false,\"reason\":\"" + target + " exists: the disk is left as it is\"}");
      return 0;
    }
    long size;
    try {
      size = options.containsKey("size") ? Long.parseLong(options.get("size")) : -1;
    } catch (NumberFormatException e) {
      stderr.println("--size must be a number of bytes");
      return 2;
    }
    var dir = file.toAbsolutePath().getParent();
    var download = dir.resolve(".fill-download");
    var part = dir.resolve(file.getFileName() + ".part");
    try {
      Files.deleteIfExists(download);
      Files.deleteIfExists(part);
      fetch(URI.create(source), download);
      var format = format(download);
      switch (format) {
        case "qcow2" ->
            convert(options.getOrDefault("qemu-img", "/usr/bin/qemu-img"), download, part);
        case "gzip" -> {
          try (InputStream in = new GZIPInputStream(Files.newInputStream(download), 1 << 16)) {
            Files.copy(in, part);
          }
          Files.delete(download);
        }
        default -> Files.move(download, part);
      }
      long length = grow(part, size, usable(dir));
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
      stdout.println("{\"filled\":true,\"format\":\"" + format + "\",\"bytes\":" + length + "}");
      return 0;
    } catch (IOException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      stderr.println("fill-disk failed: " + e.getMessage());
      return 1;
    } finally {
      try {
        Files.deleteIfExists(download);
        Files.deleteIfExists(part);
      } catch (IOException ignored) {
        // best effort: the next attempt deletes them first
      }
    }
  }

  private static void fetch(URI source, Path to) throws IOException, InterruptedException {
    var client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    var response =
        client.send(
            HttpRequest.newBuilder(source).GET().build(), HttpResponse.BodyHandlers.ofFile(to));
    if (response.statusCode() != 200) {
      throw new IOException(source + " answered HTTP " + response.statusCode());
    }
  }

  /** qcow2, gzip or raw, from the first bytes. */
  static String format(Path image) throws IOException {
    var head = new byte[4];
    int n;
    try (var in = new BufferedInputStream(Files.newInputStream(image))) {
      n = in.readNBytes(head, 0, 4);
    }
    if (n == 4 && java.util.Arrays.equals(head, QCOW2_MAGIC)) {
      return "qcow2";
    }
    if (n >= 2 && head[0] == (byte) 0x1f && head[1] == (byte) 0x8b) {
      return "gzip";
    }
    return "raw";
  }

  private static void convert(String qemuImg, Path from, Path to)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(qemuImg))) {
      throw new IOException("the image is qcow2 and " + qemuImg + " is missing to convert it");
    }
    var process =
        new ProcessBuilder(
                qemuImg, "convert", "-f", "qcow2", "-O", "raw", from.toString(), to.toString())
            .redirectErrorStream(true)
            .start();
    var output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(6, TimeUnit.HOURS) || process.exitValue() != 0) {
      throw new IOException("qemu-img convert failed: " + output.strip());
    }
    Files.delete(from);
  }

  /** The bytes a disk image may take on the volume: its size less KubeVirt's overhead. */
  static long usable(Path dir) throws IOException {
    long total = Files.getFileStore(dir).getTotalSpace();
    return (long) (total * (1 - FILESYSTEM_OVERHEAD)) / MIB * MIB;
  }

  /**
   * Grows the raw image (sparse) to the requested size, capped at what the volume holds; never
   * shrinks it. Returns its length.
   */
  static long grow(Path raw, long requested, long usable) throws IOException {
    try (var file = new RandomAccessFile(raw.toFile(), "rw")) {
      long length = file.length();
      long wanted = (requested > 0 ? Math.min(requested, usable) : usable) / MIB * MIB;
      if (wanted > length) {
        file.setLength(wanted);
        length = wanted;
      }
      return length;
    }
  }

  private static Map<String, String> parse(String[] args, PrintStream stderr) {
    var options = new HashMap<String, String>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        stderr.println("unexpected argument " + args[i]);
        return null;
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }
}
