package io.odoovps.operator.disk;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `fill-disk` against a real HTTP server, with Debian's qemu-img for qcow2 images. */
class FillDiskCommandTest {

  @TempDir Path dir;
  private HttpServer server;
  private final Map<String, byte[]> files = new HashMap<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private byte[] image;

  @BeforeEach
  void serve() throws Exception {
    image = new byte[3 << 20];
    new Random(7).nextBytes(image);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          var body = files.get(exchange.getRequestURI().getPath());
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private int fill(String path, Path target, long size) {
    return FillDiskCommand.run(
        new String[] {
          "fill-disk",
          "--vps",
          "acme",
          "--source",
          url(path),
          "--target",
          target.toString(),
          "--size",
          String.valueOf(size)
        },
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void aRawImageIsGrownSparseToTheClaimsSize() throws Exception {
    files.put("/disk.raw", image);
    var target = dir.resolve("disk.img");

    assertThat(fill("/disk.raw", target, 64L << 20)).isZero();
    assertThat(Files.size(target)).isEqualTo(64L << 20);
    assertThat(Files.readAllBytes(target)).startsWith(image);
    assertThat(out.toString()).contains("\"filled\":true").contains("\"format\":\"raw\"");
    try (var listing = Files.list(dir)) {
      assertThat(listing).containsExactly(target);
    }
  }

  @Test
  void aGzipImageIsDecompressed() throws Exception {
    var gz = new ByteArrayOutputStream();
    try (var zip = new GZIPOutputStream(gz)) {
      zip.write(image);
    }
    files.put("/disk.raw.gz", gz.toByteArray());
    var target = dir.resolve("disk.img");

    assertThat(fill("/disk.raw.gz", target, 8L << 20)).isZero();
    assertThat(Files.readAllBytes(target)).startsWith(image);
    assertThat(Files.size(target)).isEqualTo(8L << 20);
  }

  @Test
  void aQcow2ImageIsConvertedByQemuImg() throws Exception {
    var raw = dir.resolve("source.raw");
    Files.write(raw, image);
    var qcow2 = dir.resolve("source.qcow2");
    var convert =
        new ProcessBuilder(
                "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString())
            .inheritIO()
            .start();
    assertThat(convert.waitFor()).as("qemu-img (Debian's qemu-utils) must be installed").isZero();
    files.put("/disk.qcow2", Files.readAllBytes(qcow2));
    Files.createDirectory(dir.resolve("claim"));
    var target = dir.resolve("claim/disk.img");

    assertThat(fill("/disk.qcow2", target, 16L << 20)).as(err.toString()).isZero();
    assertThat(out.toString()).contains("\"format\":\"qcow2\"");
    assertThat(Files.readAllBytes(target)).startsWith(image);
    assertThat(Files.size(target)).isEqualTo(16L << 20);
  }

  @Test
  void aDiskThatIsThereIsNeverTouched() throws Exception {
    files.put("/disk.raw", image);
    var target = dir.resolve("disk.img");
    Files.writeString(target, "the customer's data");

    assertThat(fill("/disk.raw", target, 64L << 20)).isZero();
    assertThat(Files.readString(target)).isEqualTo("the customer's data");
    assertThat(out.toString()).contains("\"filled\":false");
  }

  @Test
  void aFailedDownloadFailsAndLeavesNoDisk() {
    var target = dir.resolve("disk.img");

    assertThat(fill("/missing.qcow2", target, 64L << 20)).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 404");
    assertThat(dir.toFile().list()).isEmpty();
  }

  @Test
  void onlyHttpSourcesAreAccepted() {
    var code =
        FillDiskCommand.run(
            new String[] {"fill-disk", "--source", "docker://quay.io/x", "--target", "/tmp/x"},
            new PrintStream(out),
            new PrintStream(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("http(s)://");
  }
}
