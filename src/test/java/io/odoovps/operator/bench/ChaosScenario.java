package io.odoovps.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.config.OperatorUserAgent;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * `make chaos` (or `make bench BENCH=ChaosScenario`): while N OdooVps (default 1,000, {@code
 * chaos.vps}) are being created in a few namespaces, the packaged operator is SIGKILLed and
 * restarted at 3 to 5 random points and kube-apiserver is killed and restarted once (same port,
 * same etcd). Afterwards every VPS must converge (phase Provisioning, as no KubeVirt runs here,
 * with its IPv4 and VM in the status), with exactly its VM, Service, 3 Secrets, traffic
 * NetworkPolicy and one IPv4Allocation; no address held twice, no orphan, nothing missing. Prints
 * {@code CHAOS PASS} or {@code CHAOS FAIL} with the numbers and writes target/bench/chaos.md. The
 * random points come from {@code chaos.seed} (printed), so a failure can be replayed.
 */
class ChaosScenario {

  /**
   * Writes per VPS without faults: the floor the scale benchmark computes from the audit log and
   * asserts (its report's "floor" column: 11 at 1,000 and 5,000), for comparison only.
   */
  private static final int FLOOR = 11;

  static final long DEFAULT_SEED = 20261127L;
  private static final String LOCATION = "chaos-1";
  private static final Map<String, Integer> OWNED_PER_VPS =
      Map.of(
          "VirtualMachine", 1, "Service", 1, "Secret", 3, "NetworkPolicy", 1, "PrometheusRule", 1);

  /** One planned disruption: after {@code atVps} creations were submitted. */
  record Disruption(int atVps, boolean apiServer, long pauseMillis) {}

  @Test
  void chaos() throws Exception {
    int n = Integer.getInteger("chaos.vps", 1000);
    int namespaces = Integer.getInteger("chaos.namespaces", 4);
    long seed = Long.getLong("chaos.seed", DEFAULT_SEED);
    double rate = Double.parseDouble(System.getProperty("chaos.rate", "25"));
    var apiServerDown = Duration.ofSeconds(Long.getLong("chaos.apiserver.down.seconds", 5));
    var random = new Random(seed);
    int operatorKills = Integer.getInteger("chaos.operator.kills", 3 + random.nextInt(3));
    var plan = plan(random, n, operatorKills);
    System.out.printf(
        Locale.ROOT,
        "CHAOS seed=%d (replay: -Dchaos.seed=%d) vps=%d namespaces=%d rate=%.0f/s plan=%s%n",
        seed,
        seed,
        n,
        namespaces,
        rate,
        plan);

    var out = Path.of("target", "bench");
    Files.createDirectories(out);
    var controlPlane = ControlPlane.get();
    var audit = controlPlane.auditLog();
    try (var client = controlPlane.newClient()) {
      var names = new ArrayList<String>();
      for (int i = 0; i < namespaces; i++) {
        names.add(TestNamespaces.create(client, "chaos-" + i));
      }
      var properties =
          Map.of(
              "odoovps.locations." + LOCATION + ".ipv4-pool",
              "100.80.0.0/16",
              "odoovps.mail.security",
              "NONE",
              "quarkus.operator-sdk.controllers.odoovps.namespaces",
              String.join(",", names),
              "quarkus.log.level",
              "WARN");
      var mark = audit.mark();
      var incarnation = new AtomicInteger(1);
      var operator = new PackagedOperator[1];
      operator[0] = new PackagedOperator(properties, out.resolve("operator-chaos-1.log"));
      ScaleBenchmark.awaitMetrics(operator[0]);

      var start = Instant.now();
      var submitted = new AtomicInteger();
      var createRetries = new AtomicInteger();
      var lastDisruption = new Instant[] {start};
      var log = java.util.Collections.synchronizedList(new ArrayList<String>());
      var crashes = new AtomicInteger();
      var monkey = Executors.newSingleThreadExecutor();
      Future<?> chaos =
          monkey.submit(
              () -> {
                for (var d : plan) {
                  while (submitted.get() < d.atVps()) {
                    Thread.sleep(50);
                  }
                  if (!d.apiServer()) {
                    // let the running operator do some work first: kill it, not its JVM start
                    while (operator[0].metrics().isEmpty()) {
                      if (!operator[0].isAlive()) {
                        operator[0] = restartCrashed(properties, out, incarnation, crashes, log);
                      }
                      Thread.sleep(500);
                    }
                  }
                  var at = Duration.between(start, Instant.now()).toMillis() / 1000.0;
                  if (d.apiServer()) {
                    controlPlane.killAndRestartApiServer(apiServerDown);
                    log.add(
                        String.format(
                            Locale.ROOT,
                            "%.1f s: kube-apiserver killed after %d VPSs submitted, back %.1f s"
                                + " later",
                            at,
                            d.atVps(),
                            Duration.between(start, Instant.now()).toMillis() / 1000.0 - at));
                  } else {
                    operator[0].kill();
                    Thread.sleep(d.pauseMillis());
                    int k = incarnation.incrementAndGet();
                    operator[0] =
                        new PackagedOperator(
                            properties, out.resolve("operator-chaos-" + k + ".log"));
                    log.add(
                        String.format(
                            Locale.ROOT,
                            "%.1f s: operator SIGKILLed after %d VPSs submitted, restarted %d ms"
                                + " later",
                            at,
                            d.atVps(),
                            d.pauseMillis()));
                  }
                  lastDisruption[0] = Instant.now();
                }
                return null;
              });

      var pool = Executors.newFixedThreadPool(8);
      var creations = new ArrayList<Future<?>>();
      long interval = (long) (1_000_000_000L / rate);
      long next = System.nanoTime();
      for (int i = 0; i < n; i++) {
        var namespace = names.get(i % names.size());
        var name = String.format(Locale.ROOT, "vps-%05d", i);
        creations.add(pool.submit(() -> createWithRetry(client, namespace, name, createRetries)));
        submitted.incrementAndGet();
        next += interval;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      for (var creation : creations) {
        creation.get();
      }
      pool.shutdown();
      var created = Duration.between(start, Instant.now());
      chaos.get();
      monkey.shutdown();

      var timeout = Duration.ofSeconds(Math.max(600, n * 3L / 5));
      Verification result;
      while (true) {
        result = verify(client, names, n);
        if (result.pass()) {
          break;
        }
        if (Duration.between(lastDisruption[0], Instant.now()).compareTo(timeout) > 0) {
          break;
        }
        if (!operator[0].isAlive()) {
          operator[0] = restartCrashed(properties, out, incarnation, crashes, log);
        }
        Thread.sleep(2_000);
      }
      var converged = Duration.between(lastDisruption[0], Instant.now());
      var total = Duration.between(start, Instant.now());
      Thread.sleep(5_000);
      var writes = audit.writesSince(mark, OperatorUserAgent.USER_AGENT);
      long objectWrites = writes.stream().filter(w -> !w.resource().equals("events")).count();
      operator[0].close();

      var line =
          String.format(
              Locale.ROOT,
              "CHAOS %s vps=%d/%d converged=%d seed=%d operator-kills=%d operator-crashes=%d apiserver-restarts=%d"
                  + " converge-after-last-kill=%.1fs total=%.1fs duplicates=%d ipv4-mismatches=%d"
                  + " orphans=%d missing=%d extra=%d",
              result.pass() ? "PASS" : "FAIL",
              result.vps(),
              n,
              result.converged(),
              seed,
              operatorKills,
              crashes.get(),
              controlPlane.apiServerRestarts(),
              converged.toMillis() / 1000.0,
              total.toMillis() / 1000.0,
              result.duplicateAddresses(),
              result.ipv4Mismatches(),
              result.orphans(),
              result.missing(),
              result.extra());
      var md =
          String.format(
              Locale.ROOT,
              """
              # Chaos scenario: %d OdooVps, operator and kube-apiserver killed while creating

              `%s`

              Seed %d (replay: `make chaos CHAOS_SEED=%d`), %d namespaces, creation paced at %.0f VPS/s
              (%d created in %.1f s, %d creates retried beyond the client's own retries), this machine's
              %d cores.

              | measure | value |
              |---|---|
              | VPSs | %d of %d |
              | converged (phase %s, IPv4 and VM in status, all owned objects) | %d |
              | operator SIGKILLs + restarts | %d |
              | operator exits by itself + restarts (as the kubelet would) | %d |
              | kube-apiserver kills + restarts (same port, same etcd, down %d s) | %d |
              | time to converge after the last disruption | %.1f s |
              | total time from the first creation | %.1f s |
              | IPv4 addresses held by two VPSs (status) | %d |
              | VPSs whose status.ipv4 is not exactly one allocation of theirs | %d |
              | orphans (owned object or IPv4Allocation whose VPS does not exist) | %d |
              | missing owned objects or allocations | %d |
              | extra owned objects or allocations (more than one of a kind) | %d |
              | operator object writes (all incarnations) | %d (%.2f per VPS; floor %d) |

              Disruptions:

              %s
              %s
              """,
              n,
              line,
              seed,
              seed,
              namespaces,
              rate,
              n,
              created.toMillis() / 1000.0,
              createRetries.get(),
              Runtime.getRuntime().availableProcessors(),
              result.vps(),
              n,
              VpsPhase.Provisioning,
              result.converged(),
              operatorKills,
              crashes.get(),
              apiServerDown.toSeconds(),
              controlPlane.apiServerRestarts(),
              converged.toMillis() / 1000.0,
              total.toMillis() / 1000.0,
              result.duplicateAddresses(),
              result.ipv4Mismatches(),
              result.orphans(),
              result.missing(),
              result.extra(),
              objectWrites,
              objectWrites / (double) n,
              FLOOR,
              log.stream().map(l -> "- " + l).collect(Collectors.joining("\n")),
              result.problems().isEmpty()
                  ? ""
                  : "\nFirst problems:\n\n"
                      + result.problems().stream()
                          .limit(20)
                          .map(p -> "- " + p)
                          .collect(Collectors.joining("\n"))
                      + "\n");
      Files.writeString(out.resolve("chaos.md"), md);
      System.out.println(md);
      System.out.println(line);
      assertThat(result.pass()).as(line).isTrue();
    }
  }

  /**
   * The operator exited by itself (it stops when an informer cannot start, e.g. while the API
   * server is down): start it again, as the kubelet restarts a crashed container.
   */
  private static PackagedOperator restartCrashed(
      Map<String, String> properties,
      Path out,
      AtomicInteger incarnation,
      AtomicInteger crashes,
      List<String> log)
      throws java.io.IOException {
    crashes.incrementAndGet();
    int k = incarnation.incrementAndGet();
    log.add(
        "operator incarnation "
            + (k - 1)
            + " exited by itself (see operator-chaos-"
            + (k - 1)
            + ".log); restarted as the kubelet would");
    return new PackagedOperator(properties, out.resolve("operator-chaos-" + k + ".log"));
  }

  /** Operator kills at distinct random points, the API server kill at another, in order. */
  static List<Disruption> plan(Random random, int n, int operatorKills) {
    var points = new TreeSet<Integer>();
    int low = Math.max(1, n / 20);
    int high = Math.max(low + operatorKills + 2, n - n / 20);
    int apiServerAt;
    do {
      apiServerAt = n / 5 + random.nextInt(Math.max(1, n * 3 / 5));
    } while (!points.add(apiServerAt));
    while (points.size() < operatorKills + 1) {
      points.add(low + random.nextInt(high - low));
    }
    var plan = new ArrayList<Disruption>();
    for (int at : points) {
      plan.add(new Disruption(at, at == apiServerAt, at == apiServerAt ? 0 : random.nextInt(3000)));
    }
    return plan;
  }

  private static Object createWithRetry(
      KubernetesClient client, String namespace, String name, AtomicInteger retries)
      throws InterruptedException {
    var deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (true) {
      try {
        var vps = VpsFixtures.vps(namespace, name);
        vps.getSpec().setLocation(LOCATION);
        return client.resource(vps).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          return null; // created, but the answer was lost with the API server
        }
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
        retries.incrementAndGet();
        Thread.sleep(250);
      }
    }
  }

  /** What the cluster holds after the chaos. */
  record Verification(
      int vps,
      int converged,
      int duplicateAddresses,
      int ipv4Mismatches,
      int orphans,
      int missing,
      int extra,
      List<String> problems,
      boolean pass) {}

  static Verification verify(KubernetesClient client, List<String> namespaces, int expected) {
    var problems = new ArrayList<String>();
    var vpss = new ArrayList<OdooVps>();
    var owned = new ArrayList<HasMetadata>();
    for (var ns : namespaces) {
      vpss.addAll(client.resources(OdooVps.class).inNamespace(ns).list().getItems());
      owned.addAll(client.resources(VirtualMachine.class).inNamespace(ns).list().getItems());
      owned.addAll(
          client.services().inNamespace(ns).withLabel(VpsLabels.MANAGED_BY).list().getItems());
      owned.addAll(
          client.secrets().inNamespace(ns).withLabel(VpsLabels.MANAGED_BY).list().getItems());
      owned.addAll(
          client
              .network()
              .v1()
              .networkPolicies()
              .inNamespace(ns)
              .withLabel(VpsLabels.MANAGED_BY)
              .list()
              .getItems());
      owned.addAll(
          client
              .genericKubernetesResources("monitoring.coreos.com/v1", "PrometheusRule")
              .inNamespace(ns)
              .withLabel(VpsLabels.MANAGED_BY)
              .list()
              .getItems());
    }
    var nsSet = new HashSet<>(namespaces);
    var allocations =
        client
            .resources(IPv4Allocation.class)
            .withLabel(VpsLabels.MANAGED_BY)
            .list()
            .getItems()
            .stream()
            .filter(a -> nsSet.contains(a.getSpec().getVps().namespace()))
            .toList();
    Map<String, OdooVps> byUid =
        vpss.stream().collect(Collectors.toMap(v -> v.getMetadata().getUid(), v -> v));

    int missing = Math.max(0, expected - vpss.size());
    if (missing > 0) {
      problems.add((expected - vpss.size()) + " OdooVps were never created");
    }
    int extra = 0;
    int orphans = 0;
    // owned objects, by owner uid and kind
    Map<String, Map<String, Integer>> ownedCount = new HashMap<>();
    for (var o : owned) {
      var owner =
          o.getMetadata().getOwnerReferences().stream()
              .filter(r -> "OdooVps".equals(r.getKind()))
              .map(OwnerReference::getUid)
              .findFirst();
      if (owner.isEmpty() || !byUid.containsKey(owner.get())) {
        orphans++;
        problems.add(
            "orphan " + o.getKind() + " " + o.getMetadata().getNamespace() + "/" + name(o));
        continue;
      }
      ownedCount
          .computeIfAbsent(owner.get(), u -> new HashMap<>())
          .merge(o.getKind(), 1, Integer::sum);
    }
    Map<String, List<IPv4Allocation>> allocationsByUid = new HashMap<>();
    for (var a : allocations) {
      if (!byUid.containsKey(a.getSpec().getVps().uid())) {
        orphans++;
        problems.add(
            "orphan IPv4Allocation "
                + name(a)
                + " of "
                + a.getSpec().getVps().namespace()
                + "/"
                + a.getSpec().getVps().name());
        continue;
      }
      allocationsByUid.computeIfAbsent(a.getSpec().getVps().uid(), u -> new ArrayList<>()).add(a);
    }
    int converged = 0;
    int mismatches = 0;
    Map<String, Integer> statusAddresses = new ConcurrentHashMap<>();
    for (var v : vpss) {
      var uid = v.getMetadata().getUid();
      var id = v.getMetadata().getNamespace() + "/" + v.getMetadata().getName();
      boolean ok = true;
      var status = v.getStatus();
      if (status == null
          || status.getPhase() != VpsPhase.Provisioning
          || status.getIpv4() == null
          || status.getVirtualMachine() == null) {
        ok = false;
        problems.add(
            id
                + " not converged: "
                + (status == null
                    ? "no status"
                    : "phase " + status.getPhase() + ", ipv4 " + status.getIpv4()));
      }
      var counts = ownedCount.getOrDefault(uid, Map.of());
      for (var kind : OWNED_PER_VPS.entrySet()) {
        int have = counts.getOrDefault(kind.getKey(), 0);
        if (have < kind.getValue()) {
          missing += kind.getValue() - have;
          ok = false;
          problems.add(id + " misses " + (kind.getValue() - have) + " " + kind.getKey());
        } else if (have > kind.getValue()) {
          extra += have - kind.getValue();
          ok = false;
          problems.add(id + " has " + (have - kind.getValue()) + " extra " + kind.getKey());
        }
      }
      var held = allocationsByUid.getOrDefault(uid, List.of());
      if (held.isEmpty()) {
        missing++;
        ok = false;
        problems.add(id + " holds no IPv4Allocation");
      } else if (held.size() > 1) {
        extra += held.size() - 1;
        ok = false;
        problems.add(
            id
                + " holds "
                + held.size()
                + " IPv4Allocations: "
                + held.stream().map(ChaosScenario::name).toList());
      }
      if (status != null && status.getIpv4() != null) {
        statusAddresses.merge(status.getIpv4(), 1, Integer::sum);
        long matching = held.stream().filter(a -> status.getIpv4().equals(name(a))).count();
        if (matching != 1 || held.size() != 1) {
          mismatches++;
          ok = false;
          problems.add(
              id
                  + " status.ipv4 "
                  + status.getIpv4()
                  + " vs allocations "
                  + held.stream().map(ChaosScenario::name).toList());
        }
      }
      if (ok) {
        converged++;
      }
    }
    int duplicates = (int) statusAddresses.values().stream().filter(count -> count > 1).count();
    if (duplicates > 0) {
      problems.add(duplicates + " addresses appear in the status of more than one VPS");
    }
    boolean pass =
        vpss.size() == expected
            && converged == expected
            && duplicates == 0
            && mismatches == 0
            && orphans == 0
            && missing == 0
            && extra == 0;
    return new Verification(
        vpss.size(), converged, duplicates, mismatches, orphans, missing, extra, problems, pass);
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }
}
