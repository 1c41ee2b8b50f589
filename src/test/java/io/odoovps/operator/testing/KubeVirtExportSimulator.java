package io.odoovps.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.odoovps.operator.backup.VirtualMachineExportMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Stands in for KubeVirt's snapshot and export controllers and its export server in one namespace
 * of the test API server (KubeVirt itself cannot run there):
 *
 * <ul>
 *   <li>a VirtualMachineSnapshot goes {@code InProgress}, then {@code Succeeded} with {@code
 *       readyToUse: true} (or {@code Failed} with {@code status.error.message}, see {@link
 *       #failSnapshots});
 *   <li>a VirtualMachineExport of a ready snapshot whose token Secret exists goes {@code Ready},
 *       with {@code status.links.internal} pointing at a local HTTPS server whose self-signed
 *       certificate (made by the JDK's keytool, SAN {@code IP:127.0.0.1}) is the link's PEM {@code
 *       cert};
 *   <li>that server serves the disk bytes of the supplier as {@code disk.img.gz} (gzip, streamed)
 *       and {@code disk.img} (raw), only to a request whose {@code x-kubevirt-export-token} equals
 *       the token in the export's {@code spec.tokenSecretRef} Secret at that moment (403
 *       otherwise).
 * </ul>
 *
 * Status is written through the status subresource, so the real CRD schemas validate it. Configure
 * before the first object is created; close to stop the informers and the server.
 */
public final class KubeVirtExportSimulator implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STORE_PASSWORD = "simulator";

  private final KubernetesClient client;
  private final String namespace;
  private final Supplier<byte[]> disk;
  private final Path workDir;
  private final String certificatePem;
  private final HttpsServer server;
  private final ExecutorService serverThreads;
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
  private final Set<String> tokensSeen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger downloads = new AtomicInteger();
  private final AtomicInteger refusals = new AtomicInteger();

  private volatile List<String> volumes = List.of("rootdisk");
  private volatile List<String> formats = List.of("gzip", "raw");
  private volatile String snapshotFailure;
  private volatile boolean holdExports;

  /**
   * Starts the simulator for {@code namespace}; {@code disk} gives the raw disk image, asked once
   * per download.
   */
  public KubeVirtExportSimulator(KubernetesClient client, String namespace, Supplier<byte[]> disk) {
    this.client = client;
    this.namespace = namespace;
    this.disk = disk;
    try {
      workDir = Files.createTempDirectory("kubevirt-export-simulator");
      var keystore = workDir.resolve("export-server.p12");
      certificatePem = selfSignedCertificate(keystore);
      server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(sslContext(keystore)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    serverThreads =
        Executors.newFixedThreadPool(
            4,
            r -> {
              var thread = new Thread(r, "export-server-" + namespace);
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(serverThreads);
    server.createContext("/", this::serve);
    server.start();
    informers.add(
        client
            .genericKubernetesResources(VirtualMachineExportMethod.SNAPSHOTS)
            .inNamespace(namespace)
            .inform(handler(this::onSnapshot), 0));
    // The resync wakes exports that were waiting for their snapshot or token Secret.
    informers.add(
        client
            .genericKubernetesResources(VirtualMachineExportMethod.EXPORTS)
            .inNamespace(namespace)
            .inform(handler(this::onExport), 1_000));
  }

  /** The volumes every export offers (default: one, {@code rootdisk}). */
  public KubeVirtExportSimulator volumes(String... names) {
    volumes = List.of(names);
    return this;
  }

  /** The formats every volume is offered in (default: {@code gzip} and {@code raw}). */
  public KubeVirtExportSimulator formats(String... names) {
    formats = List.of(names);
    return this;
  }

  /** Snapshots go {@code Failed} with this {@code status.error.message} instead of succeeding. */
  public KubeVirtExportSimulator failSnapshots(String message) {
    snapshotFailure = message;
    return this;
  }

  /** Exports stay {@code Pending} (as when the exporter pod cannot start). */
  public KubeVirtExportSimulator holdExports() {
    holdExports = true;
    return this;
  }

  /** The PEM certificate of the export server, as put in {@code links.internal.cert}. */
  public String certificatePem() {
    return certificatePem;
  }

  /** Every token read from an export's token Secret, to check none leaks into messages. */
  public Set<String> tokensSeen() {
    return Set.copyOf(tokensSeen);
  }

  /** Downloads served with the right token. */
  public int downloads() {
    return downloads.get();
  }

  /** Requests refused with 403 for a missing or wrong token. */
  public int refusals() {
    return refusals.get();
  }

  private static ResourceEventHandler<GenericKubernetesResource> handler(
      Consumer<GenericKubernetesResource> react) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource resource) {
        react.accept(resource);
      }

      @Override
      public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource resource) {
        react.accept(resource);
      }

      @Override
      public void onDelete(GenericKubernetesResource resource, boolean unknownFinalState) {}
    };
  }

  private static JsonNode json(GenericKubernetesResource resource) {
    return JSON.valueToTree(resource.getAdditionalProperties());
  }

  private void onSnapshot(GenericKubernetesResource snapshot) {
    var status = json(snapshot).path("status");
    var phase = status.path("phase").asText("");
    var now = Instant.now().toString();
    if (phase.isEmpty()) {
      patchStatus(
          VirtualMachineExportMethod.SNAPSHOTS,
          snapshot,
          Map.of(
              "phase",
              "InProgress",
              "readyToUse",
              false,
              "conditions",
              List.of(
                  condition("Progressing", "True", "Source locked and operation in progress"),
                  condition("Ready", "False", "Not ready"))));
    } else if (phase.equals("InProgress")) {
      var failure = snapshotFailure;
      if (failure != null) {
        patchStatus(
            VirtualMachineExportMethod.SNAPSHOTS,
            snapshot,
            Map.of(
                "phase",
                "Failed",
                "readyToUse",
                false,
                "error",
                Map.of("message", failure, "time", now),
                "conditions",
                List.of(
                    condition("Progressing", "False", "Operation failed"),
                    condition("Ready", "False", "Operation failed"))));
      } else {
        patchStatus(
            VirtualMachineExportMethod.SNAPSHOTS,
            snapshot,
            Map.of(
                "phase",
                "Succeeded",
                "readyToUse",
                true,
                "creationTime",
                now,
                "conditions",
                List.of(
                    condition("Progressing", "False", "Operation complete"),
                    condition("Ready", "True", "Operation complete"))));
      }
    }
  }

  private void onExport(GenericKubernetesResource export) {
    var node = json(export);
    if ("Ready".equals(node.path("status").path("phase").asText())) {
      return;
    }
    var name = export.getMetadata().getName();
    var source = node.path("spec").path("source");
    String waiting = null;
    GenericKubernetesResource snapshot = null;
    if (!"VirtualMachineSnapshot".equals(source.path("kind").asText())) {
      waiting = "the simulator exports VirtualMachineSnapshots only";
    } else {
      snapshot =
          client
              .genericKubernetesResources(VirtualMachineExportMethod.SNAPSHOTS)
              .inNamespace(namespace)
              .withName(source.path("name").asText())
              .get();
      if (snapshot == null || !json(snapshot).path("status").path("readyToUse").asBoolean()) {
        waiting = "VirtualMachineSnapshot " + source.path("name").asText() + " is not ready";
      }
    }
    var secretName = node.path("spec").path("tokenSecretRef").asText("");
    if (waiting == null) {
      var token = tokenIn(secretName);
      if (token == null) {
        waiting = "token Secret " + secretName + " not found";
      } else {
        tokensSeen.add(token);
      }
    }
    if (waiting == null && holdExports) {
      waiting = "exporter pod cannot be scheduled (held by the simulator)";
    }
    if (waiting != null) {
      if (!"Pending".equals(node.path("status").path("phase").asText())) {
        patchStatus(
            VirtualMachineExportMethod.EXPORTS,
            export,
            Map.of(
                "phase",
                "Pending",
                "conditions",
                List.of(condition("Ready", "False", "PodPending", waiting))));
      }
      return;
    }
    var base = "https://127.0.0.1:" + server.getAddress().getPort() + "/" + name + "/volumes/";
    var exported = new ArrayList<Map<String, Object>>();
    for (var volume : volumes) {
      var links = new ArrayList<Map<String, Object>>();
      for (var format : formats) {
        links.add(Map.of("format", format, "url", base + volume + "/" + fileOf(format)));
      }
      exported.add(Map.of("name", volume, "formats", links));
    }
    var status = new LinkedHashMap<String, Object>();
    status.put("phase", "Ready");
    status.put("links", Map.of("internal", Map.of("cert", certificatePem, "volumes", exported)));
    status.put("serviceName", "virt-export-" + name);
    status.put("tokenSecretRef", secretName);
    status.put(
        "virtualMachineName", json(snapshot).path("spec").path("source").path("name").asText());
    status.put("conditions", List.of(condition("Ready", "True", "PodReady", "")));
    patchStatus(VirtualMachineExportMethod.EXPORTS, export, status);
  }

  private static String fileOf(String format) {
    return switch (format) {
      case "gzip" -> "disk.img.gz";
      case "raw" -> "disk.img";
      case "tar.gz" -> "all.tar.gz";
      default -> "dir";
    };
  }

  private String tokenIn(String secretName) {
    if (secretName.isEmpty()) {
      return null;
    }
    var secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey("token")) {
      return null;
    }
    return new String(
        Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
  }

  private static Map<String, Object> condition(String type, String status, String reason) {
    return condition(type, status, reason, "");
  }

  private static Map<String, Object> condition(
      String type, String status, String reason, String message) {
    var condition = new LinkedHashMap<String, Object>();
    condition.put("type", type);
    condition.put("status", status);
    condition.put("reason", reason);
    condition.put("lastTransitionTime", Instant.now().toString());
    if (!message.isEmpty()) {
      condition.put("message", message);
    }
    return condition;
  }

  private void patchStatus(
      ResourceDefinitionContext kind,
      GenericKubernetesResource resource,
      Map<String, Object> status) {
    try {
      client
          .genericKubernetesResources(kind)
          .inNamespace(namespace)
          .withName(resource.getMetadata().getName())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              JSON.writeValueAsString(Map.of("status", status)));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code GET /<export>/volumes/<volume>/<file>}, as the export server's volume links. */
  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      var parts = exchange.getRequestURI().getPath().split("/");
      if (parts.length != 5 || !parts[2].equals("volumes") || !volumes.contains(parts[3])) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      var export =
          client
              .genericKubernetesResources(VirtualMachineExportMethod.EXPORTS)
              .inNamespace(namespace)
              .withName(parts[1])
              .get();
      if (export == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      var expected = tokenIn(json(export).path("spec").path("tokenSecretRef").asText(""));
      var given = exchange.getRequestHeaders().getFirst(VirtualMachineExportMethod.TOKEN_HEADER);
      if (expected == null
          || given == null
          || !MessageDigest.isEqual(
              expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
        refusals.incrementAndGet();
        exchange.sendResponseHeaders(403, -1);
        return;
      }
      var file = parts[4];
      if (file.equals("disk.img.gz") && formats.contains("gzip")) {
        exchange.getResponseHeaders().set("Content-Type", "application/gzip");
        exchange.sendResponseHeaders(200, 0);
        try (var gzip = new GZIPOutputStream(exchange.getResponseBody(), 64 * 1024)) {
          gzip.write(disk.get());
        }
      } else if (file.equals("disk.img") && formats.contains("raw")) {
        var bytes = disk.get();
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
      } else {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      downloads.incrementAndGet();
    }
  }

  /** Runs the JDK's keytool for a self-signed EC certificate for 127.0.0.1; returns its PEM. */
  private static String selfSignedCertificate(Path keystore) throws IOException {
    var keytool =
        Paths.get(System.getProperty("java.home"), "bin", "keytool").toAbsolutePath().toString();
    run(
        keytool,
        "-genkeypair",
        "-alias",
        "export-server",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=virt-export simulator",
        "-ext",
        "san=ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        STORE_PASSWORD,
        "-keypass",
        STORE_PASSWORD);
    return run(
        keytool,
        "-exportcert",
        "-rfc",
        "-alias",
        "export-server",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        STORE_PASSWORD);
  }

  private static String run(String... command) throws IOException {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running keytool", e);
    }
    return output;
  }

  private static SSLContext sslContext(Path keystore) throws IOException {
    try (var in = Files.newInputStream(keystore)) {
      var store = KeyStore.getInstance("PKCS12");
      store.load(in, STORE_PASSWORD.toCharArray());
      var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, STORE_PASSWORD.toCharArray());
      var context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load the export server's key store", e);
    }
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    server.stop(0);
    serverThreads.shutdownNow();
    try (Stream<Path> files = Files.walk(workDir)) {
      for (var file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
