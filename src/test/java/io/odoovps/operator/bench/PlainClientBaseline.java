package io.odoovps.operator.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.VpsFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The baseline of the scale benchmark: what the control plane allows for the operator's writes. A
 * plain fabric8 client (its default settings, like the operator's), with the operator's number of
 * reconcile threads, makes for N new VPSs the writes the operator made for one of its VPSs, in the
 * same order and with the same verbs: the finalizer patch, the IPv4Allocation and Secret creates,
 * server-side applies of the VM, Service, NetworkPolicy and PrometheusRule, and the status patch.
 * It reads nothing, decides nothing and caches nothing, so operator time / baseline time is the
 * cost of everything the operator does besides writing.
 *
 * <p>The objects are copies of those the operator made for its first VPS ({@link #capture}), with
 * the name, namespace, uid and address changed, and the server's own fields (uid, resourceVersion,
 * managedFields, cluster IP, node ports and health-check node port, status of dependents) left out.
 */
final class PlainClientBaseline {

  static final String USER_AGENT = "odoovps-bench-baseline";
  static final String LABEL = "bench.odoovps.io/baseline";

  /** The resources the operator writes per VPS, by plural, with their apiVersion and kind. */
  private static final Map<String, String[]> KINDS =
      Map.of(
          "secrets", new String[] {"v1", "Secret"},
          "services", new String[] {"v1", "Service"},
          "networkpolicies", new String[] {"networking.k8s.io/v1", "NetworkPolicy"},
          "prometheusrules", new String[] {"monitoring.coreos.com/v1", "PrometheusRule"},
          "virtualmachines", new String[] {"kubevirt.io/v1", "VirtualMachine"});

  /** One VPS's objects as the operator wrote them, ready to be copied. */
  record Template(
      String namespace,
      String vps,
      String uid,
      String address,
      List<String> finalizers,
      String allocation,
      List<String> secrets,
      List<String> applied,
      String status,
      Backups backups) {

    /** {@code json}, one of these objects, as the same object of {@code vps} at {@code address}. */
    String copy(String json, OdooVps vps, String address) {
      return json.replace(vps(), vps.getMetadata().getName())
          .replace(namespace(), vps.getMetadata().getNamespace())
          .replace(uid(), vps.getMetadata().getUid())
          .replace(address(), address)
          .replace(address().replace('.', '-'), address.replace('.', '-'));
    }
  }

  /**
   * The backup objects the policy wrote for the VPS: its CronJob (applied), its export token Secret
   * (created, owned by the CronJob) and its BackupRecord (applied), with the policy's and the
   * CronJob's uids to replace; null when the run has no policy.
   */
  record Backups(String policyUid, String cronJobUid, String cronJob, String token, String record) {

    /** {@code json} with the template policy's uid replaced by {@code policyUid}. */
    String owned(String json, String policyUid) {
      return json.replace(policyUid(), policyUid);
    }
  }

  /** The copies' addresses handed out so far, over every size of the run. */
  private static final java.util.concurrent.atomic.AtomicInteger ADDRESSES =
      new java.util.concurrent.atomic.AtomicInteger();

  private PlainClientBaseline() {}

  /** The objects the operator wrote for the VPS {@code vps} of {@code namespace}. */
  static Template capture(KubernetesClient client, String namespace, String vps) {
    var primary = client.resources(OdooVps.class).inNamespace(namespace).withName(vps).get();
    var uid = primary.getMetadata().getUid();
    var address = primary.getStatus().getIpv4();
    var allocation =
        client.resources(IPv4Allocation.class).list().getItems().stream()
            .filter(a -> a.getSpec().getVps() != null && uid.equals(a.getSpec().getVps().uid()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no IPv4Allocation for " + vps));
    var secrets = new ArrayList<String>();
    var applied = new ArrayList<String>();
    for (var kind : KINDS.entrySet()) {
      var items =
          client
              .genericKubernetesResources(kind.getValue()[0], kind.getValue()[1])
              .inNamespace(namespace)
              .list()
              .getItems();
      for (var item : items) {
        var name = item.getMetadata().getName();
        if (!name.equals(vps) && !name.startsWith(vps + "-")) {
          continue;
        }
        strip(item);
        (kind.getKey().equals("secrets") ? secrets : applied).add(Serialization.asJson(item));
      }
    }
    strip(allocation);
    var policy = client.resources(BackupPolicy.class).inNamespace(namespace).withName(POLICY).get();
    Backups backups = null;
    if (policy != null) {
      var cronJob =
          client
              .batch()
              .v1()
              .cronjobs()
              .inNamespace(namespace)
              .withName(BackupJobDesign.cronJobName(POLICY, vps))
              .get();
      var cronJobUid = cronJob.getMetadata().getUid();
      var token =
          client
              .secrets()
              .inNamespace(namespace)
              .withName(BackupJobDesign.exportTokenSecretName(POLICY, vps))
              .get();
      var record =
          client
              .resources(BackupRecord.class)
              .inNamespace(namespace)
              .withName(BackupRecord.nameOf(vps, POLICY))
              .get();
      strip(cronJob);
      cronJob.setStatus(null);
      strip(token);
      strip(record);
      backups =
          new Backups(
              policy.getMetadata().getUid(),
              cronJobUid,
              Serialization.asJson(cronJob),
              Serialization.asJson(token),
              Serialization.asJson(record));
    }
    return new Template(
        namespace,
        vps,
        uid,
        address,
        primary.getMetadata().getFinalizers(),
        Serialization.asJson(allocation),
        secrets,
        applied,
        Serialization.asJson(Map.of("status", primary.getStatus())),
        backups);
  }

  /** The benchmark's BackupPolicy, when it has one (`BENCH_POLICY`). */
  static final String POLICY = "daily";

  /**
   * The benchmark's BackupPolicy and its credentials in {@code namespace}: every VPS of the
   * namespace backed up into a bucket of another datacenter that no run contacts (there is no node,
   * so no CronJob runs).
   */
  static BackupPolicy policy(KubernetesClient client, String namespace) {
    BackupFixtures.credentials(client, namespace, "s3");
    var policy =
        BackupFixtures.policy(namespace, POLICY, "http://127.0.0.1:9", "bench", "bench-2", "s3");
    policy.getSpec().setRetentionDays(15);
    return client.resource(policy).create();
  }

  /** Leaves out what the API server sets: the copies are what a client sends. */
  private static void strip(io.fabric8.kubernetes.api.model.HasMetadata item) {
    var meta = item.getMetadata();
    meta.setUid(null);
    meta.setResourceVersion(null);
    meta.setManagedFields(null);
    meta.setCreationTimestamp(null);
    meta.setGeneration(null);
    if (item instanceof GenericKubernetesResource generic) {
      generic.getAdditionalProperties().remove("status");
      if (generic.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
          && "Service".equals(generic.getKind())) {
        spec.remove("clusterIP");
        spec.remove("clusterIPs");
        spec.remove("healthCheckNodePort");
        if (spec.get("ports") instanceof List<?> ports) {
          ports.forEach(p -> ((Map<?, ?>) p).remove("nodePort"));
        }
      }
    }
  }

  /**
   * Creates N VPSs in {@code namespace} with {@code creators} threads, as the benchmark does for
   * the operator, and makes each one's writes on a pool of {@code threads}; returns the wall time
   * from the first create to the last write.
   */
  static Duration run(
      ControlPlane controlPlane,
      Template template,
      String namespace,
      String location,
      int n,
      int creators,
      int threads)
      throws Exception {
    try (var client =
        new KubernetesClientBuilder().withConfig(controlPlane.config(USER_AGENT)).build()) {
      // the policy, as the benchmark makes it for the operator (not timed, like the namespace)
      var policyUid =
          template.backups() == null ? null : policy(client, namespace).getMetadata().getUid();
      ExecutorService writers = Executors.newFixedThreadPool(threads);
      ExecutorService creating = Executors.newFixedThreadPool(creators);
      var start = Instant.now();
      var creations = new ArrayList<Future<Future<?>>>();
      for (int i = 0; i < n; i++) {
        int index = i;
        creations.add(
            creating.submit(
                () -> {
                  var vps =
                      VpsFixtures.vps(namespace, String.format(Locale.ROOT, "vps-%05d", index));
                  vps.getSpec().setLocation(location);
                  var created = client.resource(vps).create();
                  return writers.submit(() -> writes(client, template, created, policyUid));
                }));
      }
      for (var creation : creations) {
        creation.get().get();
      }
      var took = Duration.between(start, Instant.now());
      creating.shutdown();
      writers.shutdown();
      // The copies stay: the customer-data guard refuses deleting an allocation outside
      // termination (the test of the guard, seen here). Their addresses are no pool's, and their
      // managed-by label is the baseline's, so the next sizes' operators do not cache them.
      return took;
    }
  }

  /** The operator's writes for one VPS, copied. */
  private static Void writes(
      KubernetesClient client, Template template, OdooVps vps, String policyUid) {
    var name = vps.getMetadata().getName();
    // an address of 100.65.0.0-100.127.255.255, none twice in a run (the allocations stay)
    int slot = ADDRESSES.getAndIncrement();
    var address =
        String.format(Locale.ROOT, "100.%d.%d.%d", 65 + slot / 65536, slot / 256 % 256, slot % 256);
    java.util.function.UnaryOperator<String> copy = json -> template.copy(json, vps, address);
    var merge = PatchContext.of(PatchType.JSON_MERGE);
    var primary = client.resources(OdooVps.class).inNamespace(namespace(vps)).withName(name);
    primary.patch(
        merge,
        Serialization.asJson(Map.of("metadata", Map.of("finalizers", template.finalizers()))));
    var allocation =
        Serialization.unmarshal(copy.apply(template.allocation()), IPv4Allocation.class);
    var labels = new java.util.HashMap<>(allocation.getMetadata().getLabels());
    labels.put(VpsLabels.MANAGED_BY, USER_AGENT);
    labels.put(LABEL, "true");
    allocation.getMetadata().setLabels(labels);
    client.resource(allocation).create();
    for (var secret : template.secrets()) {
      client
          .resource(Serialization.unmarshal(copy.apply(secret), GenericKubernetesResource.class))
          .create();
    }
    for (var object : template.applied()) {
      client
          .resource(Serialization.unmarshal(copy.apply(object), GenericKubernetesResource.class))
          .fieldManager(USER_AGENT)
          .forceConflicts()
          .serverSideApply();
    }
    primary.subresource("status").patch(merge, copy.apply(template.status()));
    var backups = template.backups();
    if (backups != null) {
      // what the policy's reconcile writes for the VPS
      var cronJob =
          client
              .resource(
                  Serialization.unmarshal(
                      backups.owned(copy.apply(backups.cronJob()), policyUid),
                      GenericKubernetesResource.class))
              .fieldManager(USER_AGENT)
              .forceConflicts()
              .serverSideApply();
      client
          .resource(
              Serialization.unmarshal(
                  copy.apply(backups.token())
                      .replace(backups.cronJobUid(), cronJob.getMetadata().getUid()),
                  GenericKubernetesResource.class))
          .create();
      client
          .resource(
              Serialization.unmarshal(
                  backups.owned(copy.apply(backups.record()), policyUid),
                  GenericKubernetesResource.class))
          .fieldManager(USER_AGENT)
          .forceConflicts()
          .serverSideApply();
    }
    return null;
  }

  private static String namespace(OdooVps vps) {
    return vps.getMetadata().getNamespace();
  }
}
