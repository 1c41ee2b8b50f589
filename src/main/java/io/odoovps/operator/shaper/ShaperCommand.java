package io.odoovps.operator.shaper;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The `shape` mode of the operator's image: the node agent (chart: {@code shaper.enabled}, a
 * DaemonSet on the host's network) that applies each VPS pod's bandwidth annotations to its network
 * devices while the VM runs.
 *
 * <pre>
 * shape        (environment: NODE_NAME, required; CNI_RESULTS_DIR, default /var/lib/cni/results;
 *               SHAPER_RESYNC_SECONDS, default 60; SHAPER_UDP_PPS, SHAPER_ICMP_PPS: packets per
 *               second each way per VPS, default 0, not limited)
 * </pre>
 *
 * It watches the virt-launcher pods of VPSs on its node (labels {@code kubevirt.io=virt-launcher}
 * and {@code odoovps.io/vps}); for each, it rewrites the TBF qdiscs of the pod's host devices to
 * the rates of {@code kubernetes.io/ingress-bandwidth} and {@code kubernetes.io/egress-bandwidth}
 * (which the operator patches when the quota throttle starts or lifts), and writes back on the pod
 * the rates the kernel reports ({@code odoovps.io/applied-ingress-bandwidth}, {@code
 * odoovps.io/applied-egress-bandwidth}, or {@code odoovps.io/shaping-problem}), which the operator
 * reports in the VPS's status. With packet rates set, it also keeps one nftables table (see {@link
 * PacketLimits}) with every VPS pod's UDP and ICMP limits. One pod at a time; every pod again at
 * each resync.
 */
public final class ShaperCommand {

  public static final String COMMAND = "shape";

  private ShaperCommand() {}

  public static void main(String[] args) throws InterruptedException {
    var node = System.getenv("NODE_NAME");
    if (node == null || node.isBlank()) {
      System.err.println("shape: NODE_NAME is not set (the chart sets it from spec.nodeName)");
      System.exit(2);
    }
    var results = Path.of(envOr("CNI_RESULTS_DIR", "/var/lib/cni/results"));
    long resync = Long.parseLong(envOr("SHAPER_RESYNC_SECONDS", "60"));
    int udpPps = Integer.parseInt(envOr("SHAPER_UDP_PPS", "0"));
    int icmpPps = Integer.parseInt(envOr("SHAPER_ICMP_PPS", "0"));
    var client = new KubernetesClientBuilder().build();
    var net = new HostNetwork(List.of());
    var shaper = new PodShaper(client, net, results, System.out);
    var limits = new LimitsWriter(net, udpPps, icmpPps, System.out);
    var executor = Executors.newSingleThreadExecutor();
    var pending = new ConcurrentHashMap<String, Pod>();
    ResourceEventHandler<Pod> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            queue(pod);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            queue(pod);
          }

          @Override
          public void onDelete(Pod pod, boolean unknown) {
            // the CNI plugin deletes the pod's devices with it; its packet limits go here
            executor.execute(() -> limits.write(informer()));
          }

          private void queue(Pod pod) {
            var key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
            if (pending.put(key, pod) == null) {
              executor.execute(
                  () -> {
                    var latest = pending.remove(key);
                    if (latest != null) {
                      shaper.shape(latest);
                      limits.write(informer());
                    }
                  });
            }
          }
        };
    INFORMER.set(
        client
            .pods()
            .inAnyNamespace()
            .withLabel("kubevirt.io", "virt-launcher")
            .withLabel("odoovps.io/vps")
            .withField("spec.nodeName", node)
            .inform(handler, resync * 1000));
    System.out.println("shape: watching the VPS pods of node " + node + ", CNI results " + results);
    Thread.currentThread().join();
  }

  private static final java.util.concurrent.atomic.AtomicReference<
          io.fabric8.kubernetes.client.informers.SharedIndexInformer<Pod>>
      INFORMER = new java.util.concurrent.atomic.AtomicReference<>();

  /** The pods the informer holds now (none before it started). */
  private static List<Pod> informer() {
    var informer = INFORMER.get();
    return informer == null ? List.of() : informer.getStore().list();
  }

  private static String envOr(String name, String fallback) {
    var value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
