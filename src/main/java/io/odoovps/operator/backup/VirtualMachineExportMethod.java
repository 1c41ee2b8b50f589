package io.odoovps.operator.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.odoovps.operator.naming.VpsLabels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jboss.logging.Logger;

/**
 * Captures a VPS through KubeVirt: a VirtualMachineSnapshot of its VirtualMachine, a
 * VirtualMachineExport of that snapshot, and one HTTPS download of the exported disk from the
 * export server's in-cluster link (gzip-compressed when KubeVirt offers it, raw otherwise). Runs in
 * the backup Job's pod; closing the capture deletes the export and the snapshot, the only objects
 * it creates: its ServiceAccount may create, read and delete snapshots and exports, nothing else.
 *
 * <p>The export token authorises the download. It comes from the VPS's token Secret, which the
 * operator writes and the export names ({@link ExportToken}: the pod reads it from its environment,
 * never through the API); it is sent in the request header only, never logged nor put in an
 * exception message.
 */
public final class VirtualMachineExportMethod implements BackupMethod {

  public static final String NAME = "VirtualMachineExport";

  /** snapshot.kubevirt.io/v1beta1, the storage version of VirtualMachineSnapshot. */
  public static final ResourceDefinitionContext SNAPSHOTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("snapshot.kubevirt.io")
          .withVersion("v1beta1")
          .withKind("VirtualMachineSnapshot")
          .withPlural("virtualmachinesnapshots")
          .withNamespaced(true)
          .build();

  /**
   * export.kubevirt.io/v1beta1: served by every KubeVirt release with exports since 1.1. Newer
   * releases also serve (and store) v1, with the same schema, and mark v1beta1 deprecated.
   */
  public static final ResourceDefinitionContext EXPORTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("export.kubevirt.io")
          .withVersion("v1beta1")
          .withKind("VirtualMachineExport")
          .withPlural("virtualmachineexports")
          .withNamespaced(true)
          .build();

  /** The header the KubeVirt export server reads the token from. */
  public static final String TOKEN_HEADER = "x-kubevirt-export-token";

  /** The key of the token in the token Secret, as KubeVirt reads it. */
  public static final String TOKEN_KEY = ExportToken.KEY;

  /** How long KubeVirt keeps the export if this pod dies before deleting it. */
  public static final String EXPORT_TTL = "2h";

  /**
   * The longest name given to the snapshot and the export. KubeVirt names the export's Service
   * {@code virt-export-<export>} and its pod {@code virt-export-pod-<export>}; both stay within a
   * DNS label (63).
   */
  static final int MAX_NAME = 63 - "virt-export-pod-".length();

  static final String FORMAT_GZIP = "gzip";
  static final String FORMAT_RAW = "raw";

  private static final Logger LOG = Logger.getLogger(VirtualMachineExportMethod.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONNECT_TIMEOUT_MILLIS = 30_000;
  private static final int READ_TIMEOUT_MILLIS = 300_000;

  private final KubernetesClient client;
  private final ExportToken token;
  private final Clock clock;
  private final Duration snapshotTimeout;
  private final Duration exportTimeout;
  private final Duration pollInterval;

  /** Waits up to 15 minutes for the snapshot and 15 for the export, polling every 2 seconds. */
  public VirtualMachineExportMethod(KubernetesClient client, ExportToken token) {
    this(
        client,
        token,
        Clock.systemUTC(),
        Duration.ofMinutes(15),
        Duration.ofMinutes(15),
        Duration.ofSeconds(2));
  }

  public VirtualMachineExportMethod(
      KubernetesClient client,
      ExportToken token,
      Clock clock,
      Duration snapshotTimeout,
      Duration exportTimeout,
      Duration pollInterval) {
    this.client = client;
    this.token = java.util.Objects.requireNonNull(token, "token");
    this.clock = clock;
    this.snapshotTimeout = snapshotTimeout;
    this.exportTimeout = exportTimeout;
    this.pollInterval = pollInterval;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The name of the snapshot and of the export for one backup: {@code <vps>-backup-<id>}, the id
   * lowercased with anything outside {@code [a-z0-9-]} turned into dashes; when longer than {@link
   * #MAX_NAME}, cut and suffixed with a hash of the whole so two backups never share a name.
   */
  public static String objectName(String vps, String backupId) {
    var id =
        backupId
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]+", "-")
            .replaceAll("-{2,}", "-")
            .replaceAll("^-|-$", "");
    var name = vps + "-backup-" + id;
    if (name.length() <= MAX_NAME && !id.isEmpty()) {
      return name;
    }
    var hash = HexFormat.of().formatHex(sha256(vps + "\n" + backupId)).substring(0, 8);
    var head = name.substring(0, Math.min(name.length(), MAX_NAME - hash.length() - 1));
    return head.replaceAll("-+$", "") + "-" + hash;
  }

  @Override
  public Capture capture(String namespace, String vps, String backupId) throws IOException {
    var capture = new ExportCapture(namespace, objectName(vps, backupId));
    try {
      capture.snapshot(vps);
      capture.export();
      return capture;
    } catch (KubernetesClientException e) {
      capture.close();
      throw new IOException(
          "capturing VirtualMachine " + namespace + "/" + vps + " failed: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      capture.close();
      throw e;
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(GenericKubernetesResource resource) {
    return JSON.valueToTree(resource.getAdditionalProperties());
  }

  /** One capture: what it created (to delete on close) and the download once opened. */
  private final class ExportCapture implements Capture {

    private final String namespace;
    private final String name;
    private boolean snapshotCreated;
    private boolean exportCreated;
    private String url;
    private String format;
    private String volume;
    private String certificate;
    private HttpURLConnection connection;
    private InputStream body;

    ExportCapture(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }

    private Map<String, String> labels(String vps) {
      return Map.of(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR, VpsLabels.VPS, vps);
    }

    void snapshot(String vps) throws IOException {
      var snapshot = new GenericKubernetesResource();
      snapshot.setApiVersion(SNAPSHOTS.getGroup() + "/" + SNAPSHOTS.getVersion());
      snapshot.setKind(SNAPSHOTS.getKind());
      snapshot.setMetadata(
          new ObjectMetaBuilder()
              .withName(name)
              .withNamespace(namespace)
              .withLabels(labels(vps))
              .build());
      snapshot.setAdditionalProperty(
          "spec",
          Map.of(
              "source", Map.of("apiGroup", "kubevirt.io", "kind", "VirtualMachine", "name", vps)));
      client
          .genericKubernetesResources(SNAPSHOTS)
          .inNamespace(namespace)
          .resource(snapshot)
          .create();
      snapshotCreated = true;

      waitFor(
          SNAPSHOTS,
          name,
          snapshotTimeout,
          status -> status.path("readyToUse").asBoolean(false),
          status -> {
            if ("Failed".equals(status.path("phase").asText())) {
              return "VirtualMachineSnapshot "
                  + namespace
                  + "/"
                  + name
                  + " of VirtualMachine "
                  + vps
                  + " failed"
                  + errorOf(status);
            }
            return null;
          },
          status ->
              "VirtualMachineSnapshot "
                  + namespace
                  + "/"
                  + name
                  + " of VirtualMachine "
                  + vps
                  + " was not ready to use within "
                  + snapshotTimeout
                  + " (phase "
                  + status.path("phase").asText("none")
                  + ")"
                  + errorOf(status));
    }

    void export() throws IOException {
      var export = new GenericKubernetesResource();
      export.setApiVersion(EXPORTS.getGroup() + "/" + EXPORTS.getVersion());
      export.setKind(EXPORTS.getKind());
      export.setMetadata(
          new ObjectMetaBuilder()
              .withName(name)
              .withNamespace(namespace)
              .withLabels(Map.of(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR))
              .build());
      export.setAdditionalProperty(
          "spec",
          Map.of(
              "source",
              Map.of("apiGroup", SNAPSHOTS.getGroup(), "kind", SNAPSHOTS.getKind(), "name", name),
              "tokenSecretRef",
              token.secretName(),
              "ttlDuration",
              EXPORT_TTL));
      client.genericKubernetesResources(EXPORTS).inNamespace(namespace).resource(export).create();
      exportCreated = true;

      var ready =
          waitFor(
              EXPORTS,
              name,
              exportTimeout,
              status ->
                  "Ready".equals(status.path("phase").asText())
                      && status.path("links").path("internal").path("volumes").size() > 0,
              status ->
                  "Terminated".equals(status.path("phase").asText())
                      ? "VirtualMachineExport "
                          + namespace
                          + "/"
                          + name
                          + " was terminated before the download"
                          + conditionsOf(status)
                      : null,
              status ->
                  "VirtualMachineExport "
                      + namespace
                      + "/"
                      + name
                      + " did not become Ready with an internal link within "
                      + exportTimeout
                      + " (phase "
                      + status.path("phase").asText("none")
                      + ")"
                      + conditionsOf(status));
      pickVolume(ready.path("links").path("internal"));
    }

    private void pickVolume(JsonNode internal) throws IOException {
      var volumes = internal.path("volumes");
      if (volumes.size() != 1) {
        var names = new ArrayList<String>();
        volumes.forEach(v -> names.add(v.path("name").asText()));
        throw new IOException(
            "VirtualMachineExport "
                + namespace
                + "/"
                + name
                + " exports "
                + volumes.size()
                + " volumes "
                + names
                + "; this method captures a VM with exactly one disk");
      }
      var chosen = volumes.get(0);
      volume = chosen.path("name").asText();
      var formats = new ArrayList<String>();
      chosen.path("formats").forEach(f -> formats.add(f.path("format").asText()));
      for (var wanted : List.of(FORMAT_GZIP, FORMAT_RAW)) {
        for (var candidate : chosen.path("formats")) {
          if (wanted.equals(candidate.path("format").asText())) {
            format = wanted;
            url = candidate.path("url").asText();
          }
        }
        if (format != null) {
          break;
        }
      }
      if (format == null) {
        throw new IOException(
            "volume "
                + volume
                + " of VirtualMachineExport "
                + namespace
                + "/"
                + name
                + " is offered as "
                + formats
                + ", not as a disk image (gzip or raw)");
      }
      certificate = internal.path("cert").asText("");
      if (certificate.isBlank()) {
        throw new IOException(
            "VirtualMachineExport " + namespace + "/" + name + " has no internal CA certificate");
      }
    }

    /**
     * Polls {@code name} until {@code done} holds for its status; {@code failure} returns a message
     * when the status is final and wrong, {@code timeout} the message once the deadline passed.
     */
    private JsonNode waitFor(
        ResourceDefinitionContext kind,
        String name,
        Duration timeout,
        Predicate<JsonNode> done,
        Function<JsonNode, String> failure,
        Function<JsonNode, String> timedOut)
        throws IOException {
      var deadline = clock.instant().plus(timeout);
      while (true) {
        var resource =
            client.genericKubernetesResources(kind).inNamespace(namespace).withName(name).get();
        if (resource == null) {
          throw new IOException(
              kind.getKind() + " " + namespace + "/" + name + " disappeared while waiting for it");
        }
        var status = json(resource).path("status");
        if (done.test(status)) {
          return status;
        }
        var failed = failure.apply(status);
        if (failed != null) {
          throw new IOException(failed);
        }
        if (!clock.instant().isBefore(deadline)) {
          throw new IOException(timedOut.apply(status));
        }
        try {
          Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for " + kind.getKind());
        }
      }
    }

    @Override
    public synchronized InputStream data() throws IOException {
      if (connection != null) {
        throw new IllegalStateException("the data of a capture is read once");
      }
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new IOException("VirtualMachineExport " + name + " links to a malformed URL", e);
      }
      if (!"https".equals(uri.getScheme())) {
        throw new IOException("VirtualMachineExport " + name + " links to a non-HTTPS URL " + uri);
      }
      var https = (HttpsURLConnection) uri.toURL().openConnection();
      connection = https;
      https.setSSLSocketFactory(trusting(certificate).getSocketFactory());
      https.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
      https.setReadTimeout(READ_TIMEOUT_MILLIS);
      https.setInstanceFollowRedirects(false);
      https.setUseCaches(false);
      https.setRequestProperty(TOKEN_HEADER, token.value());
      https.setRequestProperty("Accept-Encoding", "identity");
      int code = https.getResponseCode();
      if (code != HttpURLConnection.HTTP_OK) {
        throw new IOException(
            "the export server answered HTTP "
                + code
                + " for volume "
                + volume
                + " of VirtualMachineExport "
                + namespace
                + "/"
                + name
                + (code == HttpURLConnection.HTTP_FORBIDDEN
                        || code == HttpURLConnection.HTTP_UNAUTHORIZED
                    ? " (the export token was refused)"
                    : ""));
      }
      body = https.getInputStream();
      return body;
    }

    @Override
    public String format() {
      return format;
    }

    @Override
    public String description() {
      return "volume "
          + volume
          + " ("
          + format
          + ") of VirtualMachineSnapshot "
          + namespace
          + "/"
          + name
          + ", exported by VirtualMachineExport "
          + name;
    }

    @Override
    public synchronized void close() {
      if (body != null) {
        try {
          body.close();
        } catch (IOException | RuntimeException e) {
          LOG.debugf("closing the download of %s/%s: %s", namespace, name, e.getMessage());
        }
      }
      if (connection != null) {
        connection.disconnect();
      }
      if (exportCreated) {
        exportCreated =
            !delete(
                "VirtualMachineExport",
                () ->
                    client
                        .genericKubernetesResources(EXPORTS)
                        .inNamespace(namespace)
                        .withName(name)
                        .delete());
      }
      if (snapshotCreated) {
        snapshotCreated =
            !delete(
                "VirtualMachineSnapshot",
                () ->
                    client
                        .genericKubernetesResources(SNAPSHOTS)
                        .inNamespace(namespace)
                        .withName(name)
                        .delete());
      }
    }

    /** Deletes one object; true when it is gone (or was already), false (logged) otherwise. */
    private boolean delete(String kind, Runnable deletion) {
      try {
        deletion.run();
        return true;
      } catch (RuntimeException e) {
        LOG.warnf("could not delete %s %s/%s: %s", kind, namespace, name, e.getMessage());
        return false;
      }
    }
  }

  private static String errorOf(JsonNode status) {
    var message = status.path("error").path("message").asText("");
    return message.isEmpty() ? "" : ": " + message;
  }

  private static String conditionsOf(JsonNode status) {
    var parts = new ArrayList<String>();
    for (var condition : status.path("conditions")) {
      var message = condition.path("message").asText("");
      var reason = condition.path("reason").asText("");
      if (!message.isEmpty() || !reason.isEmpty()) {
        parts.add(
            condition.path("type").asText()
                + "="
                + condition.path("status").asText()
                + (reason.isEmpty() ? "" : " " + reason)
                + (message.isEmpty() ? "" : ": " + message));
      }
    }
    return parts.isEmpty() ? "" : "; conditions: " + String.join("; ", parts);
  }

  /** An SSL context that trusts only the PEM certificates of {@code pem}. */
  static SSLContext trusting(String pem) throws IOException {
    try {
      var certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
      if (certificates.isEmpty()) {
        throw new IOException("the export's CA certificate holds no certificate");
      }
      var store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (var certificate : certificates) {
        store.setCertificateEntry("export-ca-" + i++, certificate);
      }
      var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      var context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("the export's CA certificate is not a usable PEM certificate", e);
    }
  }
}
