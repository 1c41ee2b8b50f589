package io.odoovps.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorUserAgent;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.testing.AuditLog;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * `make bench`: for each N of {@code bench.sizes} (default 100, 1,000 and 5,000; {@code bench.vps}
 * runs one size), N OdooVps on the local control plane, reconciled by the packaged operator.
 * Measures the time to converge, the API writes per VPS against the floor, the writes of a quiet
 * resync (must be 0), and the operator's heap and RSS. Writes target/bench/scale.md and a plot,
 * target/bench/scale.png. Not part of `make test`: numbers, not pass/fail timings (the quiet-resync
 * zero is asserted).
 *
 * <p>The sizes run one after the other on one control plane, each in a namespace of its own that
 * the operator is restricted to ({@code quarkus.operator-sdk.controllers.odoovps.namespaces}), so
 * each run counts only its own VPSs; the objects of the smaller runs stay in etcd.
 */
class ScaleBenchmark {

  /**
   * One write per owned object (VM, Service, 4 Secrets, IPv4Allocation, traffic NetworkPolicy, and
   * the PrometheusRule, whose CRD the test control plane has) and one status write.
   */
  static final int FLOOR = 10;

  /** One size's measures. */
  record Result(
      int n,
      double createdSeconds,
      double convergedSeconds,
      long objectWrites,
      long eventWrites,
      Map<String, Long> writesByKind,
      Map<String, Long> refusedByKind,
      double resyncSeconds,
      int quietWrites,
      double heapMiB,
      double rssMiB,
      double heapAfterResyncMiB,
      double liveHeapMiB) {

    double writesPerVps() {
      return objectWrites / (double) n;
    }

    long refused() {
      return refusedByKind.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  @Test
  void scale() throws Exception {
    var out = Path.of("target", "bench");
    Files.createDirectories(out);
    var results = new ArrayList<Result>();
    for (int n : sizes()) {
      results.add(run(n, out));
      var report = report(results);
      Files.writeString(out.resolve("scale.md"), report); // after each size: partial results stay
      ScalePlot.write(results, FLOOR + 1, out.resolve("scale.png"));
    }
    System.out.println(report(results));
    assertThat(results)
        .as("writes during a quiet resync")
        .allSatisfy(r -> assertThat(r.quietWrites()).isZero());
  }

  /** {@code bench.sizes} (comma-separated), else {@code bench.vps}, else 100,1000,5000. */
  static List<Integer> sizes() {
    var sizes = System.getProperty("bench.sizes", "");
    if (sizes.isBlank()) {
      sizes = System.getProperty("bench.vps", "100,1000,5000");
    }
    return Arrays.stream(sizes.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(Integer::valueOf)
        .toList();
  }

  private static Result run(int n, Path out) throws Exception {
    var controlPlane = ControlPlane.get();
    var audit = controlPlane.auditLog();
    try (var client = controlPlane.newClient()) {
      var namespace = TestNamespaces.create(client, "bench-" + n);
      var properties =
          Map.of(
              // 65,536 addresses: every size of a run fits, the earlier sizes' allocations stay
              "odoovps.locations.bench-1.ipv4-pool", "100.64.0.0/16",
              "odoovps.mail.security", "NONE",
              "quarkus.operator-sdk.controllers.odoovps.namespaces", namespace,
              "quarkus.log.level", "WARN");
      var mark = audit.mark();
      var log1 = out.resolve("operator-" + n + "-1.log");
      var operator = new PackagedOperator(properties, log1);
      awaitMetrics(operator);

      var start = Instant.now();
      var pool = Executors.newFixedThreadPool(8);
      var creations = new ArrayList<Future<?>>();
      for (int i = 0; i < n; i++) {
        var name = String.format(Locale.ROOT, "vps-%05d", i);
        creations.add(
            pool.submit(
                () -> {
                  var vps = VpsFixtures.vps(namespace, name);
                  vps.getSpec().setLocation("bench-1");
                  return client.resource(vps).create();
                }));
      }
      for (var creation : creations) {
        creation.get();
      }
      pool.shutdown();
      var created = Duration.between(start, Instant.now());
      long poll = Math.max(500, n / 2); // listing 5,000 VPSs costs the 2 cores too
      // 2 cores converge about 5 VPSs a second; a run 4 times slower than that has gone wrong
      var convergeLimit = Duration.ofSeconds(Math.max(600, n * 4L / 5));
      for (long done; (done = converged(client, namespace)) < n; ) {
        if (!operator.isAlive()) {
          throw new IllegalStateException("the operator died; see " + log1);
        }
        if (Duration.between(start, Instant.now()).compareTo(convergeLimit) > 0) {
          throw new IllegalStateException(
              done + " of " + n + " VPSs converged after " + convergeLimit + "; see " + log1);
        }
        Thread.sleep(poll);
      }
      var convergence = Duration.between(start, Instant.now());
      Thread.sleep(5_000); // let trailing events settle before counting
      var writes = audit.writesSince(mark, OperatorUserAgent.USER_AGENT);
      var objectWrites = writes.stream().filter(w -> !w.resource().equals("events")).count();
      var eventWrites = writes.size() - objectWrites;
      var breakdown =
          writes.stream()
              .filter(w -> !w.resource().equals("events"))
              .collect(
                  Collectors.groupingBy(ScaleBenchmark::kind, TreeMap::new, Collectors.counting()));
      // writes the API server refused (409 Conflict, 422, timeouts as 5xx...), by kind and code
      var refused =
          writes.stream()
              .filter(w -> w.code() >= 400)
              .collect(
                  Collectors.groupingBy(
                      w -> kind(w) + " -> " + w.code(), TreeMap::new, Collectors.counting()));
      Files.writeString(out.resolve("metrics-" + n + "-after-convergence.txt"), operator.metrics());
      var heap = operator.metric("jvm_memory_used_bytes{area=\"heap\"");
      var rss = operator.rssBytes();
      operator.close();

      // Quiet resync: a fresh operator lists and reconciles every unchanged VPS.
      var before = statuses(client, namespace);
      var quietMark = audit.mark();
      var log2 = out.resolve("operator-" + n + "-2.log");
      var restarted = new PackagedOperator(properties, log2);
      awaitMetrics(restarted);
      var resyncStart = Instant.now();
      var resyncLimit = Duration.ofMinutes(Math.max(5, n / 200));
      // odoovps_vps{phase} counts the VPSs this process has reconciled at least once.
      while (restarted.metric("odoovps_vps{") < n) {
        if (!restarted.isAlive()
            || Duration.between(resyncStart, Instant.now()).compareTo(resyncLimit) > 0) {
          throw new IllegalStateException("the resync did not finish; see " + log2);
        }
        Thread.sleep(500);
      }
      var resync = Duration.between(resyncStart, Instant.now());
      Thread.sleep(5_000);
      var quietWrites = audit.writesSince(quietMark, OperatorUserAgent.USER_AGENT);
      if (!quietWrites.isEmpty()) {
        // what each write changed: the status before the resync and after it
        var after = statuses(client, namespace);
        var report = new ArrayList<String>();
        for (var write : quietWrites) {
          report.add(write.toString());
          report.add("  before: " + before.get(write.name()));
          report.add("  after:  " + after.get(write.name()));
        }
        Files.write(out.resolve("quiet-writes-" + n + ".txt"), report);
      }
      var heapAfterResync = restarted.metric("jvm_memory_used_bytes{area=\"heap\"");
      var liveHeap = restarted.liveHeapBytes();
      restarted.close();
      var result =
          new Result(
              n,
              created.toMillis() / 1000.0,
              convergence.toMillis() / 1000.0,
              objectWrites,
              eventWrites,
              breakdown,
              refused,
              resync.toMillis() / 1000.0,
              quietWrites.size(),
              heap / 1024 / 1024,
              rss / 1024.0 / 1024,
              heapAfterResync / 1024 / 1024,
              liveHeap / 1024 / 1024);
      System.out.println(report(List.of(result)));
      return result;
    }
  }

  /** Each VPS's status as JSON, by name. */
  private static Map<String, String> statuses(KubernetesClient client, String namespace) {
    return client.resources(OdooVps.class).inNamespace(namespace).list().getItems().stream()
        .collect(
            Collectors.toMap(
                v -> v.getMetadata().getName(),
                v -> io.fabric8.kubernetes.client.utils.Serialization.asJson(v.getStatus())));
  }

  private static String kind(AuditLog.Write w) {
    return w.verb() + " " + w.resource() + (w.subresource().isEmpty() ? "" : "/" + w.subresource());
  }

  static String report(List<Result> results) {
    var md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            """
            # Scale benchmark: %s OdooVps

            Local control plane (kube-apiserver %s, etcd, this machine's %d cores), packaged operator
            (`java -Xmx%s -jar target/quarkus-app/quarkus-run.jar`), upstream KubeVirt CRDs installed.
            The sizes ran one after the other on one control plane, each in its own namespace.
            Floor: one write per owned object (VM, Service, 4 Secrets, IPv4Allocation, traffic
            NetworkPolicy, PrometheusRule) + one status write = %d, + 1 finalizer = %d per VPS.

            | N | created in | converged in | writes/VPS (floor %d) | refused writes | Event writes/VPS | quiet resync: wall time | quiet resync: writes | heap after convergence | RSS after convergence | heap after resync | live heap (after a full GC) |
            |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
            """,
            results.stream().map(r -> String.valueOf(r.n())).collect(Collectors.joining(", ")),
            System.getProperty("k8s.version", "1.34.4"),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("bench.operator.xmx", "1g"),
            FLOOR,
            FLOOR + 1,
            FLOOR + 1));
    for (var r : results) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %.1f s | %.1f s | %.2f (%d) | %d | %.2f | %.1f s | %d | %.0f MiB | %.0f MiB |"
                  + " %.0f MiB | %.0f MiB |%n",
              r.n(),
              r.createdSeconds(),
              r.convergedSeconds(),
              r.writesPerVps(),
              r.objectWrites(),
              r.refused(),
              r.eventWrites() / (double) r.n(),
              r.resyncSeconds(),
              r.quietWrites(),
              r.heapMiB(),
              r.rssMiB(),
              r.heapAfterResyncMiB(),
              r.liveHeapMiB()));
    }
    md.append("\nWrites by kind during convergence, per VPS:\n\n| write |");
    results.forEach(r -> md.append(" N = ").append(r.n()).append(" |"));
    md.append("\n|---|").append("---:|".repeat(results.size())).append('\n');
    results.stream()
        .flatMap(r -> r.writesByKind().keySet().stream())
        .distinct()
        .sorted()
        .forEach(
            kind -> {
              md.append("| ").append(kind).append(" |");
              for (var r : results) {
                md.append(
                    String.format(
                        Locale.ROOT,
                        " %.2f |",
                        r.writesByKind().getOrDefault(kind, 0L) / (double) r.n()));
              }
              md.append('\n');
            });
    for (var r : results) {
      if (!r.refusedByKind().isEmpty()) {
        md.append("\nRefused writes at N = ").append(r.n()).append(": ");
        md.append(
            r.refusedByKind().entrySet().stream()
                .map(e -> e.getKey() + " x " + e.getValue())
                .collect(Collectors.joining(", ")));
        md.append('\n');
      }
    }
    md.append("\nPlot: scale.png (converge time and writes per VPS against N).\n");
    return md.toString();
  }

  static void awaitMetrics(PackagedOperator operator) throws InterruptedException {
    for (int i = 0; i < 240 && operator.metrics().isEmpty(); i++) {
      if (!operator.isAlive()) {
        throw new IllegalStateException("the operator exited at start");
      }
      Thread.sleep(500);
    }
  }

  /** VPSs whose status names their VM and IPv4 (the operator's whole first pass is done). */
  private static long converged(KubernetesClient client, String namespace) {
    var vms =
        client.resources(VirtualMachine.class).inNamespace(namespace).list().getItems().stream()
            .map(v -> v.getMetadata().getName())
            .collect(Collectors.toSet());
    List<OdooVps> all = client.resources(OdooVps.class).inNamespace(namespace).list().getItems();
    // converged: the status of the last generation, written by a reconcile that succeeded (a
    // Service patch that timed out leaves Ready=False/ReconcileError until its retry succeeds)
    return all.stream()
        .filter(v -> v.getStatus() != null && v.getStatus().getIpv4() != null)
        .filter(
            v ->
                Objects.equals(
                    v.getStatus().getObservedGeneration(), v.getMetadata().getGeneration()))
        .filter(
            v ->
                v.getStatus().getConditions().stream()
                    .noneMatch(c -> "ReconcileError".equals(c.getReason())))
        .filter(
            v ->
                v.getStatus().getVirtualMachine() != null
                    && vms.contains(v.getMetadata().getName()))
        .count();
  }
}
