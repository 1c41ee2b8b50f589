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
 * Measures the time to converge against a plain-client baseline making the same writes ({@link
 * PlainClientBaseline}), the API writes per VPS against the floor computed from the audit log (one
 * write per object), refused writes, Events, the writes of a quiet resync, the heap per VPS (live
 * heap less the 0-VPS live heap, with a class histogram) and the largest object. Writes
 * target/bench/scale.md and a plot, target/bench/scale.png. Not part of `make test`: numbers, not
 * pass/fail timings; asserted: 0 quiet-resync writes, writes at the floor, 0 refused, no object
 * over 256 KiB.
 *
 * <p>The sizes run one after the other on one control plane, each in a namespace of its own that
 * every controller of the operator is restricted to ({@code quarkus.operator-sdk.namespaces}, what
 * the chart's watchNamespaces sets), so each run counts only its own VPSs and policy; the objects
 * of the smaller runs and of the baselines stay in etcd.
 */
class ScaleBenchmark {

  /**
   * The reconcile and workflow threads of the operator and the baseline's threads: {@code
   * bench.threads} (`BENCH_THREADS`), else quarkus-operator-sdk's default of 50 for the operator.
   */
  static final int THREADS = Integer.getInteger("bench.threads", 50);

  /**
   * Whether each namespace has a BackupPolicy backing up all its VPSs ({@code bench.policy},
   * `BENCH_POLICY`): one CronJob, export token Secret and BackupRecord more per VPS, and a
   * convergence that waits for them.
   */
  static final boolean POLICY = Boolean.getBoolean("bench.policy");

  /** The policy's own writes (its status, finalizer, ServiceAccount, RoleBinding): not per VPS. */
  private static final java.util.Set<String> POLICY_RESOURCES =
      java.util.Set.of("backuppolicies", "serviceaccounts", "rolebindings");

  /** The operator's CPU time, in nanoseconds (Micrometer's process metrics). */
  private static final String CPU_METRIC = "process_cpu_time_ns_total";

  /** The test JVM, where the baseline client runs, for its CPU time. */
  private static final com.sun.management.OperatingSystemMXBean TEST_JVM =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  /** The client threads creating the VPSs, for the operator and for the baseline. */
  static final int CREATORS = 8;

  /** One size's measures. */
  record Result(
      int n,
      double createdSeconds,
      double convergedSeconds,
      double baselineSeconds,
      long baselineWrites,
      long objectWrites,
      long floorWrites,
      long eventWrites,
      long policyWrites,
      Map<String, Long> eventsByReason,
      Map<String, Long> writesByKind,
      Map<String, Long> refusedByKind,
      double resyncSeconds,
      int quietWrites,
      double heapMiB,
      double rssMiB,
      double heapAfterResyncMiB,
      double liveHeapMiB,
      double emptyLiveHeapMiB,
      String largestObject,
      long largestObjectBytes,
      double operatorCpuSeconds,
      double baselineCpuSeconds) {

    double writesPerVps() {
      return objectWrites / (double) n;
    }

    /** The computed floor: one write per object the operator owns or writes, per VPS. */
    double floorPerVps() {
      return floorWrites / (double) n;
    }

    double ratio() {
      return convergedSeconds / baselineSeconds;
    }

    /** Live heap after the resync, less the live heap of the same process shape with 0 VPSs. */
    double heapPerVpsKiB() {
      return (liveHeapMiB - emptyLiveHeapMiB) * 1024 / n;
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
      ScalePlot.write(
          results, (int) Math.round(results.get(0).floorPerVps()), out.resolve("scale.png"));
    }
    System.out.println(report(results));
    assertThat(results)
        .as("writes during a quiet resync")
        .allSatisfy(r -> assertThat(r.quietWrites()).isZero());
    assertThat(results)
        .as("writes at the computed floor (one per object), none refused, at every size")
        .allSatisfy(
            r -> {
              assertThat(r.refused()).isZero();
              assertThat(r.objectWrites()).isEqualTo(r.floorWrites());
              assertThat(r.baselineWrites()).isEqualTo(r.floorWrites());
            });
    assertThat(results)
        .as("no object of a VPS or its policy grows with N (issue 20: none over 256 KiB)")
        .allSatisfy(r -> assertThat(r.largestObjectBytes()).isLessThanOrEqualTo(LARGEST_ALLOWED));
  }

  /** The size no object of the namespace may pass, at any N (etcd takes up to about 1.5 MiB). */
  static final long LARGEST_ALLOWED = 256 * 1024;

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
          new java.util.HashMap<>(
              Map.of(
                  // 65,536 addresses: every size of a run fits, the earlier sizes' allocations stay
                  "odoovps.locations.bench-1.ipv4-pool", "100.64.0.0/16",
                  "odoovps.mail.security", "NONE",
                  // every controller: the BackupPolicy controller too, which would otherwise
                  // also reconcile the earlier sizes' policies and the baselines'
                  "quarkus.operator-sdk.namespaces", namespace,
                  "quarkus.log.level", "WARN"));
      if (Integer.getInteger("bench.threads") != null) {
        properties.put("quarkus.operator-sdk.concurrent-reconciliation-threads", "" + THREADS);
        properties.put("quarkus.operator-sdk.concurrent-workflow-threads", "" + THREADS);
      }
      if (POLICY) {
        PlainClientBaseline.policy(client, namespace);
      }
      var mark = audit.mark();
      var log1 = out.resolve("operator-" + n + "-1.log");
      var operator = new PackagedOperator(properties, log1);
      awaitMetrics(operator);
      // the same process with no VPS of its own yet: what the heap per VPS is counted from
      Thread.sleep(5_000);
      var emptyLiveHeap = operator.liveHeapBytes();
      var emptyCpu = operator.metric(CPU_METRIC);

      var start = Instant.now();
      var pool = Executors.newFixedThreadPool(CREATORS);
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
      var operatorCpu = operator.metric(CPU_METRIC) - emptyCpu;
      Thread.sleep(5_000); // let trailing events settle before counting
      var writes = audit.writesSince(mark, OperatorUserAgent.USER_AGENT);
      var policyWrites =
          writes.stream().filter(w -> POLICY_RESOURCES.contains(w.resource())).count();
      writes = writes.stream().filter(w -> !POLICY_RESOURCES.contains(w.resource())).toList();
      var objectWrites = writes.stream().filter(w -> !w.resource().equals("events")).count();
      var eventWrites = writes.size() - objectWrites;
      // the floor: each object (or subresource) the operator wrote and the server took, once
      var floorWrites =
          writes.stream()
              .filter(w -> !w.resource().equals("events") && w.code() < 400)
              .map(w -> List.of(w.resource(), w.subresource(), w.namespace(), w.name()))
              .distinct()
              .count();
      var template = PlainClientBaseline.capture(client, namespace, "vps-00000");
      var largest = largestObject(client, namespace);
      var eventsByReason =
          client.v1().events().inNamespace(namespace).list().getItems().stream()
              .collect(
                  Collectors.groupingBy(e -> e.getReason(), TreeMap::new, Collectors.counting()));
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
      // odoovps_vps{phase} counts the VPSs this process has reconciled at least once; the
      // policy's gauges appear at the end of its first reconcile (one for all N VPSs, which
      // builds their N CronJobs and records to compare: the heap is measured after it)
      while (restarted.metric("odoovps_vps{") < n
          || (POLICY && !restarted.hasMetric("odoovps_backup_failing_vps{"))) {
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
      Files.writeString(out.resolve("histogram-" + n + ".txt"), restarted.classHistogram());
      restarted.close();

      // The baseline: the same writes by a plain client, on the same control plane, now idle.
      var baselineNamespace = TestNamespaces.create(client, "base-" + n);
      var baselineMark = audit.mark();
      var testCpu = TEST_JVM.getProcessCpuTime();
      var baseline =
          PlainClientBaseline.run(
              controlPlane, template, baselineNamespace, "bench-1", n, CREATORS, THREADS);
      var baselineCpu = TEST_JVM.getProcessCpuTime() - testCpu;
      Thread.sleep(2_000);
      var baselineWrites =
          audit.writesSince(baselineMark, PlainClientBaseline.USER_AGENT).stream()
              .filter(w -> !w.resource().equals("events") && !w.verb().startsWith("delete"))
              .filter(w -> !(w.verb().equals("create") && w.resource().equals("odoovps")))
              .filter(w -> !POLICY_RESOURCES.contains(w.resource()))
              .filter(w -> !(w.verb().equals("create") && w.name().equals("s3")))
              .count();
      var result =
          new Result(
              n,
              created.toMillis() / 1000.0,
              convergence.toMillis() / 1000.0,
              baseline.toMillis() / 1000.0,
              baselineWrites,
              objectWrites,
              floorWrites,
              eventWrites,
              policyWrites,
              eventsByReason,
              breakdown,
              refused,
              resync.toMillis() / 1000.0,
              quietWrites.size(),
              heap / 1024 / 1024,
              rss / 1024.0 / 1024,
              heapAfterResync / 1024 / 1024,
              liveHeap / 1024 / 1024,
              emptyLiveHeap / 1024 / 1024,
              largest.getKey(),
              largest.getValue(),
              operatorCpu / 1e9,
              baselineCpu / 1e9);
      System.out.println(report(List.of(result)));
      return result;
    }
  }

  /** The kinds a VPS's objects are of, for the largest object: apiVersion and kind. */
  private static final List<List<String>> KINDS =
      List.of(
          List.of("odoovps.io/v1alpha1", "OdooVps"),
          List.of("kubevirt.io/v1", "VirtualMachine"),
          List.of("v1", "Service"),
          List.of("v1", "Secret"),
          List.of("v1", "ConfigMap"),
          List.of("networking.k8s.io/v1", "NetworkPolicy"),
          List.of("monitoring.coreos.com/v1", "PrometheusRule"),
          List.of("odoovps.io/v1alpha1", "BackupPolicy"),
          List.of("odoovps.io/v1alpha1", "BackupRecord"),
          List.of("batch/v1", "CronJob"));

  /** The largest object of the namespace (as JSON, managedFields included, as etcd holds it). */
  private static Map.Entry<String, Long> largestObject(KubernetesClient client, String namespace) {
    var largest = Map.entry("none", 0L);
    for (var kind : KINDS) {
      for (var item :
          client
              .genericKubernetesResources(kind.get(0), kind.get(1))
              .inNamespace(namespace)
              .list()
              .getItems()) {
        long bytes =
            io.fabric8.kubernetes.client.utils.Serialization.asJson(item)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length;
        if (bytes > largest.getValue()) {
          largest = Map.entry(kind.get(1) + " " + item.getMetadata().getName(), bytes);
        }
      }
    }
    return largest;
  }

  /** "key x count, ..." */
  private static String counts(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + " x " + e.getValue())
        .collect(Collectors.joining(", "));
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
            Operator: from the first of N creates (%d client threads) to every VPS converged.
            Operator and baseline threads: %d. Baseline: a plain fabric8 client makes the same
            writes for N new VPSs (copies of the operator's objects for its first VPS) on the
            same control plane, from the first create to the last write. Floor: one write per object (or status) the
            operator wrote, counted from the audit log. Quiet resync: a fresh operator, from its
            metrics endpoint up to every VPS reconciled and the policy's first reconcile done; its
            writes counted until 5 s later. Heap per VPS: live heap after the resync
            (full GC) less the same process's live heap with 0 VPSs, over N. CPU: the
            operator process's from 0 VPSs to converged; the baseline's, the test JVM's
            (where the baseline client runs) during the baseline. Both share the cores with
            kube-apiserver and etcd.%s

            | N | operator | baseline | ratio | writes/VPS (floor) | refused writes | Events/VPS | heap/VPS | quiet resync | quiet-resync writes | largest object |
            |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
            """,
            results.stream().map(r -> String.valueOf(r.n())).collect(Collectors.joining(", ")),
            System.getProperty("k8s.version", "1.34.4"),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("bench.operator.xmx", "1g"),
            CREATORS,
            THREADS,
            POLICY
                ? "\nEach namespace has a BackupPolicy backing up every VPS (`BENCH_POLICY`): its"
                    + " CronJob, export token and BackupRecord of each VPS are counted per VPS (and"
                    + " made by the baseline too); the policy's own writes (status, finalizer,"
                    + " ServiceAccount, RoleBinding) are in the column \"policy writes\"."
                : ""));
    for (var r : results) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %.1f s | %.1f s | %.2f | %.2f (%.2f) | %d | %.2f | %.1f KiB | %.1f s | %d |"
                  + " %s, %.1f KiB |%n",
              r.n(),
              r.convergedSeconds(),
              r.baselineSeconds(),
              r.ratio(),
              r.writesPerVps(),
              r.floorPerVps(),
              r.refused(),
              r.eventWrites() / (double) r.n(),
              r.heapPerVpsKiB(),
              r.resyncSeconds(),
              r.quietWrites(),
              r.largestObject(),
              r.largestObjectBytes() / 1024.0));
    }
    md.append(
        """

        | N | created in | baseline writes/VPS | operator CPU (from 0 VPSs to converged) | baseline client CPU | heap after convergence | RSS after convergence | heap after resync | live heap, 0 VPSs | live heap after resync | policy writes |
        |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
        """);
    for (var r : results) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %.1f s | %.2f | %.1f s (%.1f ms/VPS) | %.1f s (%.1f ms/VPS) | %.0f MiB |"
                  + " %.0f MiB | %.0f MiB | %.0f MiB | %.0f MiB | %d |%n",
              r.n(),
              r.createdSeconds(),
              r.baselineWrites() / (double) r.n(),
              r.operatorCpuSeconds(),
              r.operatorCpuSeconds() * 1000 / r.n(),
              r.baselineCpuSeconds(),
              r.baselineCpuSeconds() * 1000 / r.n(),
              r.heapMiB(),
              r.rssMiB(),
              r.heapAfterResyncMiB(),
              r.emptyLiveHeapMiB(),
              r.liveHeapMiB(),
              r.policyWrites()));
    }
    for (var r : results) {
      md.append("\nEvents at N = ").append(r.n()).append(", by reason: ");
      md.append(counts(r.eventsByReason())).append('\n');
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
        md.append(counts(r.refusedByKind())).append('\n');
      }
    }
    md.append(
        "\nPlot: scale.png (converge time and writes per VPS against N). Class histograms:"
            + " histogram-N.txt.\n");
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
    var records =
        POLICY
            ? client
                .resources(io.odoovps.operator.api.v1alpha1.backup.BackupRecord.class)
                .inNamespace(namespace)
                .list()
                .getItems()
                .stream()
                .map(r -> r.getSpec().name())
                .collect(Collectors.toSet())
            : java.util.Set.<String>of();
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
        // with a policy: its record of the VPS exists and the VPS's status names the policy
        .filter(v -> !POLICY || (records.contains(v.getMetadata().getName()) && backedUp(v)))
        .count();
  }

  private static boolean backedUp(OdooVps vps) {
    return vps.getStatus().getBackup() != null
        && PlainClientBaseline.POLICY.equals(vps.getStatus().getBackup().policy());
  }
}
