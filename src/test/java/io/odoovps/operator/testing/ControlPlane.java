package io.odoovps.operator.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real control plane per test JVM: etcd and kube-apiserver started by kube-api-test from the
 * binaries that {@code hack/build-control-plane.sh} built, with an audit log that counts writes,
 * and kube-controller-manager started on demand (garbage collection, Jobs, CronJobs, namespaces).
 * The CRDs (ours and the upstream third-party ones) are installed once.
 */
public final class ControlPlane {

  /** The User-Agent of the operator's client in tests; the audit log counts its writes. */
  public static final String OPERATOR_USER_AGENT = "odoovps-operator-under-test";

  /** The user the operator's clients authenticate as (a member of system:masters). */
  static final String OPERATOR_USER = "odoovps-operator-under-test";

  private static final String OPERATOR_TOKEN = java.util.UUID.randomUUID().toString();

  /**
   * Where the requests that the operator made in this JVM are written when it exits (one per line,
   * "verb group resource[/subresource]"), if set: the surefire run sets it, and {@code
   * ChartRbacCoversTheOperatorIT} checks them against the chart's ClusterRole.
   */
  public static final String REQUESTS_PROPERTY = "odoovps.operator-requests";

  private static ControlPlane instance;

  private final Path workDir;
  private final Path testDir;
  private final KubeAPIServer apiServer;
  private final AuditLog auditLog;
  private final Path kubeconfig;
  private Process controllerManager;

  /** kube-apiserver as restarted by {@link #killAndRestartApiServer}; null until then. */
  private Process restartedApiServer;

  private int apiServerRestarts;

  private ControlPlane() throws IOException {
    testDir =
        Paths.get(
            System.getProperty(
                "kube.api.test.dir", System.getProperty("user.home") + "/.kubeapitest"));
    var version = System.getProperty("k8s.version", "1.34.4");
    var binDir = testDir.resolve("k8s").resolve(version + "-linux-amd64");
    if (!Files.isExecutable(binDir.resolve("kube-apiserver"))) {
      throw new IllegalStateException(
          "kube-apiserver "
              + version
              + " is not built in "
              + binDir
              + ": run `make control-plane` (the Makefile's test target does it)");
    }
    workDir = Files.createTempDirectory("odoovps-control-plane");
    var policy = workDir.resolve("audit-policy.yaml");
    Files.writeString(
        policy,
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: ["RequestReceived"]
        rules:
        - level: Metadata
          users: ["%s"]
        - level: None
          verbs: ["get", "list", "watch"]
        - level: Metadata
        """
            .formatted(OPERATOR_USER));
    // the operator's clients authenticate with this token, as a user of their own, so that the
    // audit log keeps their reads too (the chart's RBAC is checked against every request)
    var tokens = workDir.resolve("tokens.csv");
    Files.writeString(
        tokens, OPERATOR_TOKEN + "," + OPERATOR_USER + "," + OPERATOR_USER + ",system:masters\n");
    var auditPath = workDir.resolve("audit.log");
    auditLog = new AuditLog(auditPath);
    apiServer = startApiServer(testDir, version, policy, auditPath, tokens);
    kubeconfig = workDir.resolve("kubeconfig");
    Files.writeString(kubeconfig, apiServer.getKubeConfigYaml());
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "control-plane-stop"));
    try (var client = newClient()) {
      CrdInstaller.installAll(client);
      installPolicies(client);
      widenServiceRange(client);
    }
  }

  /**
   * Starts etcd and kube-apiserver, twice at most: a start that times out is reported with the last
   * lines both processes printed (kube-api-test logs them at debug level only, so a failure would
   * otherwise say nothing of its cause), the machine's free disk and memory, then tried again with
   * fresh ports and data.
   */
  private static KubeAPIServer startApiServer(
      Path testDir, String version, Path policy, Path auditPath, Path tokens) {
    RuntimeException first = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      var output = ProcessOutput.capture();
      var server =
          new KubeAPIServer(
              KubeAPIServerConfigBuilder.anAPIServerConfig()
                  .withTestDir(testDir.toString())
                  .withApiServerVersion(version)
                  .withOfflineMode(true)
                  .withUpdateKubeConfig(false)
                  .withStartupTimeout(120_000)
                  .withApiServerFlag("--audit-policy-file", policy.toString())
                  .withApiServerFlag("--audit-log-path", auditPath.toString())
                  .withApiServerFlag("--audit-log-format", "json")
                  .withApiServerFlag("--audit-log-mode", "blocking")
                  // never rotated: the log is read from marks into it, and its writer (lumberjack)
                  // rotates at 100 MB unless told otherwise, which a 5,000-VPS benchmark passes
                  .withApiServerFlag("--audit-log-maxsize", "1000000")
                  .withApiServerFlag("--token-auth-file", tokens.toString())
                  // A LoadBalancer Service with externalTrafficPolicy Local takes a health-check
                  // NodePort; the default 30000-32767 holds about 2,700 VPSs, the scale run needs
                  // 5,000
                  .withApiServerFlag("--service-node-port-range", "30000-64999")
                  .build());
      try {
        server.start();
        return server;
      } catch (RuntimeException e) {
        System.err.println(
            "[control-plane] kube-apiserver did not start (attempt "
                + attempt
                + "): "
                + e
                + "\n"
                + output.report());
        try {
          server.stop();
        } catch (RuntimeException ignored) {
          // already stopped
        }
        if (first == null) {
          first = e;
        } else {
          e.addSuppressed(first);
          throw e;
        }
      } finally {
        output.close();
      }
    }
    throw first;
  }

  /** The operator's admission policies from config/policies (the deletion guard). */
  private static void installPolicies(KubernetesClient client) throws IOException {
    try (var files = Files.list(Paths.get("config", "policies"))) {
      for (var file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (var in = Files.newInputStream(file)) {
          client.load(in).forceConflicts().serverSideApply();
        }
      }
    }
  }

  /**
   * kube-api-test fixes the Service range to a /24; scale tests need more ClusterIPs, so add a
   * ServiceCIDR (networking.k8s.io/v1, GA since Kubernetes 1.33).
   */
  private static void widenServiceRange(KubernetesClient client) {
    var cidr = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    cidr.setApiVersion("networking.k8s.io/v1");
    cidr.setKind("ServiceCIDR");
    cidr.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("odoovps-tests").build());
    cidr.setAdditionalProperty("spec", java.util.Map.of("cidrs", List.of("10.96.0.0/16")));
    client.resource(cidr).forceConflicts().serverSideApply();
  }

  public static synchronized ControlPlane get() {
    if (instance == null) {
      try {
        instance = new ControlPlane();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /** A client with the test's own identity. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(config("odoovps-test")).build();
  }

  /**
   * A client whose requests the audit log attributes to the operator: its User-Agent for writes,
   * and its own user, authenticated by token, for reads.
   */
  public KubernetesClient newOperatorClient() {
    return new KubernetesClientBuilder().withConfig(operatorConfig(OPERATOR_USER_AGENT)).build();
  }

  /** The operator's identity (token, no client certificate) with the given User-Agent. */
  public Config operatorConfig(String userAgent) {
    var config = config(userAgent);
    config.setClientCertData(null);
    config.setClientKeyData(null);
    config.setClientCertFile(null);
    config.setClientKeyFile(null);
    config.setOauthToken(OPERATOR_TOKEN);
    return config;
  }

  public Config config(String userAgent) {
    var config = Config.fromKubeconfig(apiServer.getKubeConfigYaml());
    config.setUserAgent(userAgent);
    config.setRequestTimeout(30_000);
    return config;
  }

  public AuditLog auditLog() {
    return auditLog;
  }

  /** The kubectl built with the control plane ({@code make control-plane}). */
  public static Path kubectl() {
    var testDir =
        Paths.get(
            System.getProperty(
                "kube.api.test.dir", System.getProperty("user.home") + "/.kubeapitest"));
    return testDir
        .resolve("k8s")
        .resolve(System.getProperty("k8s.version", "1.34.4") + "-linux-amd64")
        .resolve("kubectl");
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** Starts kube-controller-manager if it is not running yet. */
  public synchronized void requireControllerManager() {
    if (controllerManager != null && controllerManager.isAlive()) {
      return;
    }
    var binary =
        testDir
            .resolve("k8s")
            .resolve(System.getProperty("k8s.version", "1.34.4") + "-linux-amd64")
            .resolve("kube-controller-manager");
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--leader-elect=false");
    command.add(
        "--controllers=garbagecollector,job,cronjob,namespace,serviceaccount,serviceaccount-token,"
            + "pvc-protection");
    command.add("--service-account-private-key-file=" + testDir.resolve("apiserver.key"));
    command.add("--root-ca-file=" + testDir.resolve("apiserver.crt"));
    command.add("--use-service-account-credentials=false");
    command.add("--secure-port=0");
    command.add("--concurrent-gc-syncs=5");
    try {
      controllerManager =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(workDir.resolve("kube-controller-manager.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Kills kube-apiserver (SIGKILL) and starts it again after {@code downtime} with the same command
   * line: same port, certificates, flags and audit log, against the same etcd, which keeps running.
   * For the chaos scenario. kube-api-test 7.5.2 cannot do this itself: when its API server process
   * exits it stops etcd and deletes its data, so the library's process is first marked stopped (a
   * private field, read by reflection) and the restarted process is managed here.
   */
  public synchronized void killAndRestartApiServer(java.time.Duration downtime) {
    try {
      Process current;
      if (restartedApiServer != null) {
        current = restartedApiServer;
      } else {
        var processField = KubeAPIServer.class.getDeclaredField("kubeApiServerProcess");
        processField.setAccessible(true);
        var libraryProcess = processField.get(apiServer);
        var stopped = libraryProcess.getClass().getDeclaredField("stopped");
        stopped.setAccessible(true);
        stopped.setBoolean(libraryProcess, true); // its exit must not stop etcd
        var handle = libraryProcess.getClass().getDeclaredField("apiServerProcess");
        handle.setAccessible(true);
        current = (Process) handle.get(libraryProcess);
      }
      var command =
          List.of(
              Files.readString(Path.of("/proc", String.valueOf(current.pid()), "cmdline"))
                  .split("\\u0000"));
      current.destroyForcibly();
      current.waitFor();
      Thread.sleep(downtime.toMillis());
      restartedApiServer =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(
                      workDir.resolve("kube-apiserver-restarted.log").toFile()))
              .start();
      apiServerRestarts++;
      awaitApiServerReady();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "kube-api-test's internals changed; the API server restart needs updating", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How many times {@link #killAndRestartApiServer} restarted the API server. */
  public synchronized int apiServerRestarts() {
    return apiServerRestarts;
  }

  private void awaitApiServerReady() throws InterruptedException {
    var deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try (var client = newClient()) {
      while (true) {
        try {
          if ("ok".equals(client.raw("/readyz"))) {
            return;
          }
        } catch (RuntimeException notYet) {
          // connection refused or not ready: wait
        }
        if (!restartedApiServer.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "kube-apiserver did not come back; see "
                  + workDir.resolve("kube-apiserver-restarted.log"));
        }
        Thread.sleep(250);
      }
    }
  }

  private synchronized void stop() {
    var requests = System.getProperty(REQUESTS_PROPERTY, "");
    if (!requests.isBlank()) {
      try {
        var out = Path.of(requests);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(
            out,
            auditLog.requests(OPERATOR_USER).stream().map(AuditLog.Request::toString).toList());
      } catch (IOException | RuntimeException e) {
        System.err.println("[control-plane] could not write " + requests + ": " + e);
      }
    }
    if (restartedApiServer != null) {
      restartedApiServer.destroyForcibly();
      try {
        restartedApiServer.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (controllerManager != null) {
      controllerManager.destroy();
      try {
        controllerManager.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      controllerManager.destroyForcibly();
    }
    apiServer.stop();
    // the audit log grows to tens of MiB per run: leave no litter in the temporary directory
    try (var files = Files.walk(workDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | RuntimeException e) {
      System.err.println("[control-plane] could not remove " + workDir + ": " + e);
    }
  }
}
