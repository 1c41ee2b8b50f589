package io.odoovps.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorUserAgent;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * `make bench`: N OdooVps (default 1,000) on the local control plane, reconciled by the packaged
 * operator. Measures the time to converge, the API writes per VPS against the floor, the writes of
 * a quiet resync (must be 0), and the operator's heap and RSS. Writes target/bench/scale.md. Not
 * part of `make test`: numbers, not pass/fail timings (the quiet-resync zero is asserted).
 */
class ScaleBenchmark {

  /**
   * One write per owned object (VM, Service, 3 Secrets, IPv4Allocation, traffic NetworkPolicy) and
   * one status write.
   */
  static final int FLOOR = 8;

  @Test
  void scale() throws Exception {
    int n = Integer.getInteger("bench.vps", 1000);
    var out = Path.of("target", "bench");
    Files.createDirectories(out);
    var controlPlane = ControlPlane.get();
    var audit = controlPlane.auditLog();
    var properties =
        Map.of(
            "odoovps.locations.bench-1.ipv4-pool", "100.64.0.0/16",
            "odoovps.mail.security", "NONE",
            "quarkus.log.level", "WARN");
    try (var client = controlPlane.newClient()) {
      var namespace = TestNamespaces.create(client, "bench");
      var mark = audit.mark();
      var operator = new PackagedOperator(properties, out.resolve("operator-1.log"));
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
      while (converged(client, namespace) < n) {
        if (!operator.isAlive()) {
          throw new IllegalStateException(
              "the operator died; see " + out.resolve("operator-1.log"));
        }
        Thread.sleep(500);
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
                  java.util.stream.Collectors.groupingBy(
                      w ->
                          w.verb()
                              + " "
                              + w.resource()
                              + (w.subresource().isEmpty() ? "" : "/" + w.subresource()),
                      java.util.TreeMap::new,
                      java.util.stream.Collectors.counting()));
      Files.writeString(out.resolve("metrics-after-convergence.txt"), operator.metrics());
      var heap = operator.metric("jvm_memory_used_bytes{area=\"heap\"");
      var rss = operator.rssBytes();
      operator.close();

      // Quiet resync: a fresh operator lists and reconciles every unchanged VPS.
      var quietMark = audit.mark();
      var restarted = new PackagedOperator(properties, out.resolve("operator-2.log"));
      awaitMetrics(restarted);
      var resyncStart = Instant.now();
      // odoovps_vps{phase} counts the VPSs this process has reconciled at least once.
      while (restarted.metric("odoovps_vps{") < n) {
        if (!restarted.isAlive() || Duration.between(resyncStart, Instant.now()).toMinutes() > 5) {
          throw new IllegalStateException(
              "the resync did not finish; see " + out.resolve("operator-2.log"));
        }
        Thread.sleep(500);
      }
      var resync = Duration.between(resyncStart, Instant.now());
      Thread.sleep(5_000);
      var quietWrites = audit.writesSince(quietMark, OperatorUserAgent.USER_AGENT);
      var heapAfterResync = restarted.metric("jvm_memory_used_bytes{area=\"heap\"");
      restarted.close();

      String report =
          String.format(
              Locale.ROOT,
              """
              # Scale benchmark: %d OdooVps

              Local control plane (kube-apiserver %s, etcd, this machine's %d cores), packaged operator
              (`java -Xmx1g -jar target/quarkus-app/quarkus-run.jar`), upstream KubeVirt CRDs installed.

              | measure | value |
              |---|---|
              | VPSs created (8 client threads) | %d in %.1f s |
              | time until all converged (VM, Service, Secrets, IPv4, status) | %.1f s |
              | API writes by the operator, objects | %d (%.2f per VPS) |
              | floor: one per owned object + one status write | %d per VPS (+1 finalizer = %d) |
              | Event writes | %d (%.2f per VPS) |
              | quiet resync: reconciles / wall time | %d / %.1f s |
              | quiet resync: writes | %d |
              | operator heap after convergence | %.0f MiB |
              | operator RSS after convergence | %.0f MiB |
              | operator heap after the quiet resync | %.0f MiB |
              """,
              n,
              System.getProperty("k8s.version", "1.34.4"),
              Runtime.getRuntime().availableProcessors(),
              n,
              created.toMillis() / 1000.0,
              convergence.toMillis() / 1000.0,
              objectWrites,
              objectWrites / (double) n,
              FLOOR,
              FLOOR + 1,
              eventWrites,
              eventWrites / (double) n,
              n,
              resync.toMillis() / 1000.0,
              quietWrites.size(),
              heap / 1024 / 1024,
              rss / 1024.0 / 1024,
              heapAfterResync / 1024 / 1024);
      var details =
          new StringBuilder(
              "\nWrites by kind during convergence:\n\n| write | count | per VPS |\n|---|---|---|\n");
      breakdown.forEach(
          (k, v) ->
              details.append(
                  String.format(Locale.ROOT, "| %s | %d | %.2f |%n", k, v, v / (double) n)));
      report = report + details;
      Files.writeString(out.resolve("scale.md"), report);
      System.out.println(report);
      assertThat(quietWrites).as("writes during a quiet resync").isEmpty();
    }
  }

  private static void awaitMetrics(PackagedOperator operator) throws InterruptedException {
    for (int i = 0; i < 240 && operator.metrics().isEmpty(); i++) {
      if (!operator.isAlive()) {
        throw new IllegalStateException("the operator exited at start");
      }
      Thread.sleep(500);
    }
  }

  /** VPSs whose status names their VM and IPv4 (the operator's whole first pass is done). */
  private static long converged(
      io.fabric8.kubernetes.client.KubernetesClient client, String namespace) {
    var vms =
        client.resources(VirtualMachine.class).inNamespace(namespace).list().getItems().stream()
            .map(v -> v.getMetadata().getName())
            .collect(java.util.stream.Collectors.toSet());
    List<OdooVps> all = client.resources(OdooVps.class).inNamespace(namespace).list().getItems();
    return all.stream()
        .filter(v -> v.getStatus() != null && v.getStatus().getIpv4() != null)
        .filter(
            v ->
                v.getStatus().getVirtualMachine() != null
                    && vms.contains(v.getMetadata().getName()))
        .count();
  }
}
