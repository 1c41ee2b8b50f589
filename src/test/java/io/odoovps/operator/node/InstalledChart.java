package io.odoovps.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.odoovps.operator.testing.PrometheusServer;
import io.odoovps.operator.testing.TestMailbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's Helm chart installed once on the node's cluster (hack/e2e.sh starts it): the
 * operator image that the script imported into containerd, two replicas, a webhook token, one
 * location; the backup, restore and disk-fill Jobs run the same image, never pulled. The cluster
 * has no CDI: the operator makes the disks (`diskProvisioning: PersistentVolumeClaim`, class {@link
 * #STORAGE_CLASS}, which the tests' hostPath PersistentVolumes carry) and fills them from the
 * provider image that this JVM serves over HTTP on the machine's address ({@link GuestFiles}), with
 * the stand-in Odoo's apt repository; customer mail goes to a mail server of this JVM on that
 * address; the provider's SSH key is made here. Traffic: the shaper runs (shaper.enabled), a real
 * Prometheus on the machine's address scrapes the real virt-handler for the quota, whose size and
 * the guaranteed rate are the test's ({@link #QUOTA_BYTES}, {@link #GUARANTEED_MBPS}); the Services
 * carry kube-vip's address and egress annotations (the node runs kube-vip).
 */
final class InstalledChart {

  static final String NAMESPACE = "odoovps-system";
  static final String RELEASE = "odoovps-operator";
  static final String TOKEN = "e2e-webhook-token";
  static final String STORAGE_CLASS = "e2e-hostpath";

  /**
   * The guaranteed bandwidth of the e2e operator, in Mbit/s: the contract's 100 (the emulated guest
   * reached about 200 here with the buckets opened); the throttle is the contract's 1.
   */
  static final int GUARANTEED_MBPS = 100;

  static final int THROTTLED_MBPS = 1;

  /** The UDP packets a second each way per VPS that the shaper's nftables table lets through. */
  static final int UDP_PPS = 200;

  /**
   * The monthly quota of the e2e operator: 1.5 GB, two minutes of sending at the guaranteed rate.
   */
  static final long QUOTA_BYTES = 1_500_000_000L;

  private static KubernetesClient client;
  private static TestMailbox mailbox;
  private static GuestFiles guestFiles;
  private static Path providerKey;
  private static PrometheusServer prometheus;

  private InstalledChart() {}

  static Path kubeconfig() {
    var path = System.getenv("ODOOVPS_E2E_KUBECONFIG");
    assertThat(path).as("run through make e2e (hack/e2e.sh starts the node)").isNotBlank();
    return Path.of(path);
  }

  static String helm(String... args) throws IOException, InterruptedException {
    var command = new ArrayList<String>();
    command.add(System.getProperty("helm.path", "helm"));
    command.addAll(List.of(args));
    command.addAll(List.of("--kubeconfig", kubeconfig().toString()));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(6, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as("helm " + String.join(" ", args) + "\n" + output).isZero();
    return output;
  }

  /** The client of the node's cluster, the chart installed on the first call. */
  static synchronized KubernetesClient client() throws Exception {
    if (client != null) {
      return client;
    }
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig())))
            .build();
    var image = System.getenv("ODOOVPS_E2E_IMAGE");
    assertThat(image).as("the operator image imported into the node").contains(":");
    var host = hostIp();
    mailbox = new TestMailbox(host);
    guestFiles = GuestFiles.serve(host, Path.of("target", "guest"));
    providerKey = providerKey();
    prometheus = PrometheusServer.onHostScrapingHttps(host, virtHandlers());
    var values = Files.createTempFile("e2e-values", ".yaml");
    Files.writeString(
        values,
        """
        image:
          repository: %s
          tag: "%s"
          pullPolicy: Never
        config:
          locations:
            paris-1:
              ipv4Pool: 203.0.113.0/24
          storageClass: %s
          diskProvisioning: PersistentVolumeClaim
          vmImage: "%s"
          odooRepository: "[trusted=yes] %s ./"
          providerSshAuthorizedKeys: ["%s"]
          mail:
            host: "%s"
            port: %d
            security: NONE
          backup:
            imagePullPolicy: Never
          traffic:
            prometheusUrl: "%s"
            bandwidthMbps: %d
            throttledMbps: %d
        shaper:
          enabled: true
          udpPacketsPerSecond: %d
        extraConfig:
          odoovps.vm.upgrade-on-first-boot: "false"
          odoovps.deadlines.maintenance-notice: "30s"
          odoovps.traffic.quota-bytes: "%d"
          odoovps.traffic.prometheus.interval: "10s"
          odoovps.traffic.mitigation.scrubbing-cidrs: 198.18.0.6/32
          odoovps.service.address-annotation: kube-vip.io/loadBalancerIPs
          'odoovps.service.annotations."kube-vip.io/egress"': "true"
        secrets:
          webhookToken: %s
        resources:
          requests: {cpu: 100m, memory: 300Mi}
        """
            .formatted(
                image.substring(0, image.lastIndexOf(':')),
                image.substring(image.lastIndexOf(':') + 1),
                STORAGE_CLASS,
                guestFiles.url("disk.qcow2"),
                guestFiles.url("standin-repo/"),
                Files.readString(Path.of(providerKey + ".pub")).strip(),
                host,
                mailbox.port(),
                prometheus.baseUri(),
                GUARANTEED_MBPS,
                THROTTLED_MBPS,
                UDP_PPS,
                QUOTA_BYTES,
                TOKEN));
    helm(
        "install",
        RELEASE,
        Path.of("helm", "odoovps-operator").toString(),
        "--namespace",
        NAMESPACE,
        "--create-namespace",
        "--values",
        values.toString(),
        "--wait",
        "--timeout",
        "5m");
    return client;
  }

  /** The real Prometheus on the machine's address, scraping the real virt-handler's metrics. */
  static PrometheusServer prometheus() {
    return prometheus;
  }

  /** virt-handler's metrics endpoints (its pods' port 8443, HTTPS), as Prometheus scrapes them. */
  private static List<String> virtHandlers() {
    var pods =
        client.pods().inNamespace("kubevirt").withLabel("kubevirt.io", "virt-handler").list();
    var targets =
        pods.getItems().stream()
            .map(p -> p.getStatus().getPodIP())
            .filter(ip -> ip != null && !ip.isBlank())
            .map(ip -> ip + ":8443")
            .toList();
    assertThat(targets)
        .as("virt-handler runs on the node (hack/e2e.sh deploys KubeVirt)")
        .isNotEmpty();
    return targets;
  }

  /** The machine's address, which pods reach (the node's cluster serves on it). */
  static String hostIp() {
    var host = System.getenv("ODOOVPS_E2E_HOST_IP");
    assertThat(host).as("the machine's address, that pods reach").isNotBlank();
    return host;
  }

  /** The customer mail the operator sent. */
  static TestMailbox mailbox() {
    return mailbox;
  }

  /** The private key of the provider's administrators, whose public key the chart installs. */
  static Path providerKeyFile() {
    return providerKey;
  }

  private static Path providerKey() throws IOException, InterruptedException {
    var dir = Files.createDirectories(Path.of("target", "e2e"));
    var key = dir.resolve("provider_ed25519");
    Files.deleteIfExists(key);
    Files.deleteIfExists(Path.of(key + ".pub"));
    var process =
        new ProcessBuilder(
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "provider-e2e",
                "-f",
                key.toString())
            .redirectErrorStream(true)
            .start();
    var output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("ssh-keygen: " + output).isZero();
    return key;
  }
}
