package io.odoovps.operator.testing;

import io.odoovps.operator.backup.BackupTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server, S3Proxy (Apache-2.0) with its filesystem backend, run as a separate
 * process on loopback. Its classpath is resolved by `make s3proxy` (hack/s3proxy/pom.xml) into
 * target/tools/s3proxy.classpath. Chosen over MinIO (AGPL, a long Go build) and S3Mock (a Spring
 * Boot application): one Maven artifact, real S3 wire protocol with v4 signatures and multipart.
 */
public final class S3Server implements AutoCloseable {

  public static final Path CLASSPATH = Path.of("target", "tools", "s3proxy.classpath");
  private static final String ACCESS_KEY = "test-access-key";
  private static final String SECRET_KEY = "test-secret-key-not-secret";

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final String host;

  /** S3Proxy on loopback. */
  public S3Server() {
    this("127.0.0.1");
  }

  /** S3Proxy on {@code host}: the machine's address, for pods of a node to reach it. */
  public S3Server(String host) {
    this.host = host;
    try {
      if (!Files.exists(CLASSPATH)) {
        throw new IllegalStateException(
            CLASSPATH + " is missing: run `make s3proxy` (make test does)");
      }
      try (var socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      dataDir = Files.createTempDirectory("s3proxy");
      var properties = dataDir.resolve("s3proxy.properties");
      Files.createDirectories(dataDir.resolve("blobs"));
      Files.writeString(
          properties,
          String.join(
              "\n",
              "s3proxy.endpoint=http://" + host + ":" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + dataDir.resolve("blobs")));
      process =
          new ProcessBuilder(
                  "java",
                  "-Xmx256m",
                  "-DLOG_LEVEL=warn",
                  "-cp",
                  Files.readString(CLASSPATH).trim(),
                  "org.gaul.s3proxy.Main",
                  "--properties",
                  properties.toString())
              .redirectErrorStream(true)
              .redirectOutput(dataDir.resolve("s3proxy.log").toFile())
              .start();
      awaitPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitPort() throws IOException {
    for (int i = 0; i < 150; i++) {
      try (var ignored = new Socket(host, port)) {
        return;
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IOException(
              "S3Proxy exited: " + Files.readString(dataDir.resolve("s3proxy.log")));
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
    }
    throw new IOException("S3Proxy did not listen on " + port);
  }

  /** A target for a new bucket of that name (created). */
  public BackupTarget bucket(String name) {
    var target =
        new BackupTarget(
            URI.create("http://" + host + ":" + port), name, "us-east-1", ACCESS_KEY, SECRET_KEY);
    try (var client = target.client()) {
      client.createBucket(b -> b.bucket(name));
    }
    return target;
  }

  /** The environment of a backup Job pointed at this server. */
  public static Map<String, String> environment(BackupTarget target) {
    return Map.of(
        "ODOOVPS_BACKUP_ENDPOINT", target.endpoint().toString(),
        "ODOOVPS_BACKUP_BUCKET", target.bucket(),
        "ODOOVPS_BACKUP_REGION", target.region(),
        "ODOOVPS_BACKUP_ACCESS_KEY_ID", target.accessKeyId(),
        "ODOOVPS_BACKUP_SECRET_ACCESS_KEY", target.secretAccessKey());
  }

  /** Stops the server and deletes its data: the tests' backups are hundreds of MiB each. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    try (var files = Files.walk(dataDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | RuntimeException e) {
      System.err.println("[s3proxy] could not remove " + dataDir + ": " + e);
    }
  }
}
