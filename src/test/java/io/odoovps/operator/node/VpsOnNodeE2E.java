package io.odoovps.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.AppliedBandwidth;
import io.odoovps.operator.api.v1alpha1.odoovps.IsolationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.PlanSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.SuspensionSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.vps.DiskClaimDesign;
import io.odoovps.operator.vps.GuestDesign;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real VPS on the node: KubeVirt (built from its Go module, software emulation here) boots the
 * provider image (`make guest-image`) from the disk claim the operator made and filled; cloud-init
 * runs the image's provision script, which installs the stand-in Odoo from the stand-in repository
 * that this JVM serves; the VM is Ready only once Odoo answers through the guest's TLS proxy, and
 * only then do the access codes go out. Then, from the machine (which reaches the pod network):
 * HTTPS, SSH as the provider, suspension and resume, termination. On packets, from the guest and
 * from a network namespace standing for the Internet ({@link InternetNamespace}): the bandwidth
 * (iperf3) at the guaranteed rate, throttled live when the real virt-handler's counter, scraped by
 * a real Prometheus, crosses the quota, and back at the cycle's end, all in one boot; the filter,
 * port 25, isolation and tenant isolation under kube-router; the fixed IPv4 in (kube-vip, then
 * kube-proxy) and out (kube-vip's egress SNAT). The figures go to target/e2e/vps-figures.txt.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VpsOnNodeE2E {

  private static final String VPS = "acme";
  private static final String CUSTOMER = "owner@acme.example";
  private static final long QEMU = 107;

  /** Software emulation on 2 shared cores: a first boot with provisioning takes minutes. */
  private static final Duration BOOT_BOUND = Duration.ofMinutes(15);

  private static KubernetesClient client;
  private static String namespace;
  private static Path volumes;
  private static final List<String> figures = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    client = InstalledChart.client();
    namespace = TestNamespaces.create(client, "e2e-vps", true);
    volumes = Files.createTempDirectory("odoovps-e2e-vps");
    var dir = Files.createDirectories(volumes.resolve("disk"));
    chown(dir);
    client
        .persistentVolumes()
        .resource(
            new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName(namespace + "-disk")
                .endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", new Quantity("100Gi")))
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(InstalledChart.STORAGE_CLASS)
                .withPersistentVolumeReclaimPolicy("Retain")
                .withNewHostPath()
                .withPath(dir.toString())
                .withType("Directory")
                .endHostPath()
                .withNewClaimRef()
                .withNamespace(namespace)
                .withName(VPS + "-disk")
                .endClaimRef()
                .endSpec()
                .build())
        .create();
  }

  @AfterAll
  static void tearDown() throws Exception {
    Files.createDirectories(Path.of("target", "e2e"));
    Files.write(Path.of("target", "e2e", "vps-figures.txt"), figures);
    if (volumes != null) {
      new ProcessBuilder("rm", "-rf", volumes.toString()).start().waitFor();
    }
  }

  @Test
  @Order(1)
  void theVmBootsFromTheFilledClaimAndIsReadyOnlyWhenOdooAnswersThenTheCodesGoOut()
      throws Exception {
    var vps = VpsFixtures.vps(namespace, VPS);
    vps.getSpec().setPlan(new PlanSpec("starter", 1, "1Gi", "10Gi"));
    vps.getSpec().getCustomer().setEmail(CUSTOMER);
    vps.getSpec().getOdoo().setVersion("17.0");
    var start = Instant.now();
    client.resource(vps).create();

    await()
        .atMost(Duration.ofMinutes(6))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              var claim =
                  client
                      .persistentVolumeClaims()
                      .inNamespace(namespace)
                      .withName(VPS + "-disk")
                      .get();
              return claim != null
                  && claim.getMetadata().getAnnotations() != null
                  && claim.getMetadata().getAnnotations().containsKey(DiskClaimDesign.FILLED);
            });
    var filled = Instant.now();
    figures.add("disk filled from the qcow2 over HTTP: " + seconds(start, filled) + " s");
    assertThat(Files.size(volumes.resolve("disk").resolve("disk.img")))
        .as("the raw disk at the plan's size")
        .isEqualTo(10L << 30);

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> "Running".equals(phase(instance())));
    var running = Instant.now();
    figures.add("claim filled to VMI Running: " + seconds(filled, running) + " s");
    assertThat(ready()).as("not Ready before Odoo answers").isFalse();
    assertThat(InstalledChart.mailbox().receivedBy(CUSTOMER))
        .as("no access codes before Odoo answers")
        .isEmpty();

    await().atMost(BOOT_BOUND).pollInterval(Duration.ofSeconds(5)).until(VpsOnNodeE2E::ready);
    var answered = Instant.now();
    figures.add(
        "VMI Running to Odoo answering through the TLS proxy: "
            + seconds(running, answered)
            + " s");
    figures.add("OdooVps created to Odoo answering: " + seconds(start, answered) + " s");

    var page = https(address(), "/web/login");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).containsIgnoringCase("stand-in").contains("17.0");

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(() -> assertThat(InstalledChart.mailbox().receivedBy(CUSTOMER)).hasSize(1));
    var mail = InstalledChart.mailbox().receivedBy(CUSTOMER).get(0);
    var vpsNow = vps();
    var ipv4 = vpsNow.getStatus().getIpv4();
    assertThat(mail.body()).contains("https://" + ipv4);
    var admin =
        client.secrets().inNamespace(namespace).withName(GuestDesign.adminSecretName(vpsNow)).get();
    assertThat(mail.body()).contains(GuestDesign.decoded(admin, GuestDesign.PASSWORD_KEY));
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> vps().getStatus().getPhase() == VpsPhase.Running);
  }

  @Test
  @Order(2)
  void rootIsTheProvidersByKeyOnlyAndTheCustomerGotOdooAdminOnly() throws Exception {
    var ip = address();
    assertThat(ssh(ip, "id -u").strip()).isEqualTo("0");
    assertThat(ssh(ip, "cloud-init status").strip()).contains("done");
    // the stand-in recorded what provisioning ran against it: the database, then the admin
    var commands = ssh(ip, "cat /var/log/odoo/standin-commands.log");
    assertThat(commands).contains("-i base").contains(CUSTOMER);
    var admin =
        client.secrets().inNamespace(namespace).withName(GuestDesign.adminSecretName(vps())).get();
    assertThat(commands)
        .as("the password is never recorded, only its hash")
        .doesNotContain(GuestDesign.decoded(admin, GuestDesign.PASSWORD_KEY));
    // no account but root may log in; none has a password
    assertThat(ssh(ip, "awk -F: '$7 !~ /(nologin|false|sync)$/ {print $1}' /etc/passwd").strip())
        .isEqualTo("root");
    assertThat(ssh(ip, "awk -F: '$2 !~ /^[!*]/ {print $1}' /etc/shadow").strip()).isEmpty();
    // password authentication is refused outright
    var refused =
        run(
            sshCommand(
                List.of(
                    "-o",
                    "PubkeyAuthentication=no",
                    "-o",
                    "PreferredAuthentications=password,keyboard-interactive"),
                ip,
                "true"));
    assertThat(refused.code()).isNotZero();
    assertThat(refused.output()).contains("Permission denied (publickey)");
  }

  /** The VPS's series of virt-handler's transmit counter in the test's Prometheus. */
  private static JsonNode transmitSeries() throws Exception {
    return InstalledChart.prometheus()
        .query(
            "kubevirt_vmi_network_transmit_bytes_total{namespace=\""
                + namespace
                + "\",name=\""
                + VPS
                + "\"}");
  }

  /** How long the billing cycle that the bandwidth test starts has left: it ends in test 5. */
  private static final Duration CYCLE_LEFT = Duration.ofMinutes(10);

  private static String bootId;
  private static Instant cycleEnd;

  @Test
  @Order(3)
  void theBandwidthIsShapedLiveAndTheRealCounterThrottlesItWithoutARestart() throws Exception {
    var ip = address();
    bootId = ssh(ip, "cat /proc/sys/kernel/random/boot_id").strip();
    var vmi = instance().getMetadata().getUid();
    // a billing cycle that ends in CYCLE_LEFT: the edit of the anchor starts a new cycle (and a
    // new ledger) now, the way a provider corrects a contract's start
    cycleEnd = Instant.now().plus(CYCLE_LEFT).truncatedTo(ChronoUnit.SECONDS);
    var start = cycleEnd.atZone(ZoneOffset.UTC).minusMonths(1).toInstant().toString();
    edit(v -> v.getSpec().getBilling().setStart(start));
    var guaranteed = InstalledChart.GUARANTEED_MBPS + "M";
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              var traffic = vps().getStatus().getTraffic();
              assertThat(traffic.cycleEnd()).isEqualTo(cycleEnd.toString());
              assertThat(traffic.throttled()).isFalse();
              assertThat(traffic.applied())
                  .as("what the shaper read back from the node's qdiscs")
                  .isEqualTo(new AppliedBandwidth(guaranteed, guaranteed, null));
            });

    try (var internet = InternetNamespace.start(POD_CIDR, List.of(2525))) {
      bothWays(ip, "at the guaranteed " + guaranteed + "bit/s", 12, InstalledChart.GUARANTEED_MBPS);
      // UDP from the guest, offered at 1,250 packets a second (200-byte datagrams at 2 Mbit/s)
      // to NTP's port: the node's packet limit lets through what it is configured to
      var udp = udpFlood(ip, 10);
      figures.add(
          "UDP from the guest offered at 1250 packets/s, limit "
              + InstalledChart.UDP_PPS
              + "/s: "
              + mbps(udp)
              + " packets/s received");
      assertThat(udp).isCloseTo(InstalledChart.UDP_PPS, withinPercentage(10));

      // past the quota: sent until the operator, reading the real virt-handler's counter through
      // the real Prometheus, throttles the VPS
      var sending = Instant.now();
      // a sender in the guest, detached: 5 s runs one after the other until a run measures
      // under 10 Mbit/s or needs more than 8 s (the throttle), at most 7 minutes; the test
      // watches the status through the API server only (an iperf3 run into a full 1 Mbit/s
      // bucket does not end by itself: its own backlog keeps the bucket full)
      ssh(
          ip,
          "nohup timeout 420 sh -c 'while :; do out=$(timeout 8 iperf3 -c "
              + InternetNamespace.ADDRESS
              + " -p "
              + InternetNamespace.IPERF_PORT
              + " -t 5 -w 256K -f m); [ $? -eq 124 ] && break; "
              + "m=$(echo \"$out\" | awk \"/sender/ {print int(\\$7)}\"); "
              + "if [ -z \"$m\" ]; then sleep 1; elif [ \"$m\" -lt 10 ]; then break; fi;"
              + " done' >/dev/null 2>&1 &");
      await()
          .atMost(Duration.ofMinutes(6))
          .pollInterval(Duration.ofSeconds(2))
          .failFast(
              "the cycle this test started ended first",
              () -> !cycleEnd.toString().equals(vps().getStatus().getTraffic().cycleEnd()))
          .untilAsserted(
              () ->
                  assertThat(vps().getStatus().getTraffic().throttled())
                      .as(
                          "the quota crossed within 6 minutes (status.traffic %s, Prometheus %s)",
                          vps().getStatus().getTraffic(), transmitSeries())
                      .isTrue());
      var throttledAt = Instant.now();
      var traffic = vps().getStatus().getTraffic();
      figures.add(
          "quota "
              + InstalledChart.QUOTA_BYTES
              + " bytes crossed: status.traffic.throttled "
              + seconds(sending, throttledAt)
              + " s after the sending started; bytesUsed "
              + traffic.bytesUsed()
              + ", virt-handler's counter "
              + traffic.lastCounter());
      assertThat(traffic.bytesUsed()).isGreaterThanOrEqualTo(InstalledChart.QUOTA_BYTES);
      var series = transmitSeries();
      assertThat(series).as("the real counter, scraped from virt-handler").isNotEmpty();
      var throttled = InstalledChart.THROTTLED_MBPS + "M";
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  new AppliedBandwidth(throttled, throttled, null)
                      .equals(vps().getStatus().getTraffic().applied()));
      figures.add(
          "throttle to the node's qdiscs at "
              + throttled
              + "bit/s (status.traffic.applied): "
              + seconds(throttledAt, Instant.now())
              + " s");
      // the sender stops after its first run under 10 Mbit/s or over 8 s
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(5))
          .until(() -> sshResult(ip, "! pgrep -x iperf3").code() == 0);
      bothWays(ip, "throttled", 15, InstalledChart.THROTTLED_MBPS);
      saturatedButReachable(ip);
    }
    assertThat(ssh(ip, "cat /proc/sys/kernel/random/boot_id").strip())
        .as("the same boot: no restart")
        .isEqualTo(bootId);
    assertThat(instance().getMetadata().getUid()).as("the same VM instance").isEqualTo(vmi);
  }

  /**
   * The guest floods its own 1 Mbit/s egress bucket (UDP offered at 5 Mbit/s for 45 s): the node
   * still resolves and reaches it (its neighbour entry flushed before each SSH), and the readiness
   * probe never fails (the pod's Ready condition keeps its transition time): the shaper keeps ARP
   * and the answers to the node out of the bucket.
   */
  private void saturatedButReachable(String ip) throws Exception {
    var readySince = launcherReadySince();
    ssh(
        ip,
        "nohup timeout 50 iperf3 -u -b 5M -t 45 -c "
            + InternetNamespace.ADDRESS
            + " -p "
            + InternetNamespace.IPERF_UDP_PORT
            + " >/dev/null 2>&1 &");
    var started = Instant.now();
    int reached = 0;
    int rounds = 0;
    while (Duration.between(started, Instant.now()).toSeconds() < 40) {
      run(List.of("ip", "neigh", "flush", "to", ip));
      rounds++;
      var busy = sshResult(ip, "pgrep -x iperf3 >/dev/null && echo sending");
      if (busy.code() == 0 && busy.output().contains("sending")) {
        reached++;
      }
    }
    figures.add(
        "node → guest SSH, neighbour flushed each time, while the guest floods its 1 Mbit/s bucket"
            + " with UDP at 5 Mbit/s: "
            + reached
            + " of "
            + rounds
            + " in 40 s");
    assertThat(reached).as("SSH rounds that reached the sending guest").isEqualTo(rounds);
    assertThat(rounds).isGreaterThanOrEqualTo(3);
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> sshResult(ip, "! pgrep -x iperf3").code() == 0);
    assertThat(launcherReadySince())
        .as("the readiness probe did not fail while the bucket was full")
        .isEqualTo(readySince);
    assertThat(ready()).isTrue();
  }

  /** When the virt-launcher pod last became Ready (its Ready condition's transition time). */
  private static String launcherReadySince() {
    var pods =
        client.pods().inNamespace(namespace).withLabel("kubevirt.io", "virt-launcher").list();
    assertThat(pods.getItems()).hasSize(1);
    return pods.getItems().get(0).getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready") && c.getStatus().equals("True"))
        .map(c -> c.getLastTransitionTime())
        .findFirst()
        .orElseThrow(() -> new AssertionError("the virt-launcher pod is not Ready"));
  }

  @Test
  @Order(5)
  void theCycleEndLiftsTheThrottleLive() throws Exception {
    assertThat(cycleEnd).as("test 3 started the cycle").isNotNull();
    var guaranteed = InstalledChart.GUARANTEED_MBPS + "M";
    await()
        .atMost(Duration.between(Instant.now(), cycleEnd).plus(Duration.ofMinutes(3)))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              var traffic = vps().getStatus().getTraffic();
              return Boolean.FALSE.equals(traffic.throttled())
                  && new AppliedBandwidth(guaranteed, guaranteed, null).equals(traffic.applied());
            });
    figures.add(
        "cycle end to the guaranteed rate on the node's qdiscs: "
            + seconds(cycleEnd, Instant.now())
            + " s");
    var ip = address();
    try (var internet = InternetNamespace.start(POD_CIDR, List.of(2525))) {
      var out = iperf(ip, false, 12);
      figures.add("iperf3 in the new cycle: guest -> Internet " + mbps(out) + " Mbit/s");
      assertThat(out).isCloseTo(InstalledChart.GUARANTEED_MBPS, withinPercentage(10));
      // the ceiling of the emulated guest: the node's two buckets of the VPS opened by hand (as
      // root on the machine), then the shaper puts them back at its next pass over the pods
      var buckets = buckets(guaranteed + "bit");
      assertThat(buckets).as("the VPS's veth and IFB at " + guaranteed).hasSize(2);
      for (var device : buckets) {
        host(
            "tc", "qdisc", "replace", "dev", device, "root", "handle", "1:", "tbf", "rate",
            "10gbit", "burst", "4mb", "latency", "25ms");
      }
      var ceiling = iperf(ip, false, 12);
      figures.add(
          "iperf3 with the node's buckets opened (10 Gbit/s): guest -> Internet "
              + mbps(ceiling)
              + " Mbit/s, the emulated guest's ceiling here");
      var opened = Instant.now();
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> buckets(guaranteed + "bit").size() == 2);
      figures.add(
          "the shaper put the buckets back at "
              + guaranteed
              + "bit/s: "
              + seconds(opened, Instant.now())
              + " s (its resync)");
    }
    assertThat(ssh(ip, "cat /proc/sys/kernel/random/boot_id").strip())
        .as("the same boot: no restart")
        .isEqualTo(bootId);
  }

  @Test
  @Order(4)
  void theFilterPort25AndIsolationHoldOnPacketsAndNoVpsReachesTheCluster() throws Exception {
    var ip = address();
    // a listener on denied 445, then 25, and 2525 as the control, "on the Internet"
    try (var internet = InternetNamespace.start(POD_CIDR, List.of(25, 445, 2525))) {
      var out = InternetNamespace.ADDRESS;
      assertThat(guestConnects(ip, out, 2525)).as("an allowed port, out").isTrue();
      assertThat(guestConnects(ip, out, 25)).as("port 25 while not blocked").isTrue();
      assertThat(guestConnects(ip, out, 445)).as("a denied port, out").isFalse();
      assertThat(internet.sources(445)).as("not one SYN got through").isEmpty();
      var seen = internet.sources(2525);
      figures.add("source address of the VPS's traffic as the Internet saw it: " + seen);
      var ipv4 = vps().getStatus().getIpv4();
      assertThat(seen)
          .as("the VPS's own IPv4 (kube-vip's egress SNAT), not the node's")
          .isNotEmpty()
          .containsOnly(ipv4);
      var service = client.services().inNamespace(namespace).withName(VPS).get();
      assertThat(service.getStatus().getLoadBalancer().getIngress())
          .as("kube-vip announced the pinned address")
          .singleElement()
          .satisfies(i -> assertThat(i.getIp()).isEqualTo(ipv4));

      // inbound: listeners in the guest on a denied and an allowed port
      ssh(
          ip,
          "for p in 445 8445; do nohup python3 -m http.server $p >/dev/null 2>&1 & done;"
              // python starts slowly in the emulated guest: wait until both ports listen
              + " for i in $(seq 60); do ss -ltn | grep -q ':445 ' && ss -ltn | grep -q ':8445 '"
              + " && break; sleep 1; done");
      assertThat(hostConnects(ip, 445)).as("the node reaches the guest's 445").isTrue();
      assertThat(internet.connects(ip, 8445)).as("the Internet, an allowed port").isTrue();
      assertThat(internet.connects(ip, 445)).as("the Internet, a denied port").isFalse();
      // another tenant's pod (another namespace, no policy of its own): the guest's denied port
      // is closed to it too, its allowed one open, as to the Internet
      var neighbour = neighbourProbe(ip, List.of(445, 8445));
      figures.add("a pod of another namespace -> the guest: " + neighbour);
      assertThat(neighbour).containsEntry(445, false).containsEntry(8445, true);
      // the fixed IPv4 from the Internet: the Service's ports reach the VM (kube-vip holds the
      // address on the node, kube-proxy forwards it to the pod), the others do not
      assertThat(internet.connects(ipv4, 443))
          .as("the fixed IPv4's 443 (the guest's nginx)")
          .isTrue();
      assertThat(internet.connects(ipv4, 22)).as("the fixed IPv4's 22 (the guest's sshd)").isTrue();
      assertThat(internet.connects(ipv4, 8445))
          .as("the fixed IPv4, a port its Service does not expose")
          .isFalse();

      // tenant isolation: not the operator's webhook (its Service, its pod), while the node
      // reaches it. (The API server listens on the machine's address here, which stays reachable:
      // the guest's package repository is served there; a real cluster lists its node addresses
      // in cluster-cidrs.)
      var operator =
          client
              .services()
              .inNamespace(InstalledChart.NAMESPACE)
              .withName(InstalledChart.RELEASE)
              .get();
      var clusterIp = operator.getSpec().getClusterIP();
      var operatorPod =
          client.pods().inNamespace(InstalledChart.NAMESPACE).list().getItems().stream()
              .filter(p -> "Running".equals(p.getStatus().getPhase()))
              .findFirst()
              .orElseThrow()
              .getStatus()
              .getPodIP();
      assertThat(hostConnects(operatorPod, 8080)).as("the node reaches the webhook").isTrue();
      assertThat(guestConnects(ip, clusterIp, 8080)).as("the webhook's Service").isFalse();
      assertThat(guestConnects(ip, operatorPod, 8080)).as("the webhook's pod").isFalse();
      assertThat(ssh(ip, "getent hosts kubernetes.default.svc.cluster.local || echo none"))
          .as("the cluster DNS still answers the guest")
          .contains("10.96.0.1");

      // port 25 along the ladder: blocked, unblocked on request, twice; the third block stays
      for (int block = 1; block <= 3; block++) {
        var fired = Instant.now();
        spamAlert(clusterIp, "spam" + block, "firing");
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> !guestConnects(ip, out, 25));
        figures.add(
            "spam alert " + block + " to port 25 closed: " + seconds(fired, Instant.now()) + " s");
        assertThat(guestConnects(ip, out, 2525)).as("only port 25 closes").isTrue();
        var asked = Instant.now();
        var request = "e2e-" + block;
        mitigation(m -> m.getSpec().setSmtp(new MitigationStateSpec.Smtp(request)));
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> request.equals(smtp().unblockRequestAnswered()));
        if (block < 3) {
          assertThat(smtp().unblockAnswer()).startsWith("Granted");
          await()
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofSeconds(2))
              .until(() -> guestConnects(ip, out, 25));
          figures.add(
              "unblock " + block + " to port 25 open: " + seconds(asked, Instant.now()) + " s");
        } else {
          assertThat(smtp().unblockAnswer())
              .startsWith("Refused")
              .contains("from the third block on");
          Thread.sleep(15_000);
          assertThat(guestConnects(ip, out, 25)).as("the third block stays").isFalse();
        }
        spamAlert(clusterIp, "spam" + block, "resolved");
        Thread.sleep(2_000); // the next detection must start after this one
      }

      // isolation: nothing out, nothing in from the Internet; the provider's SSH (the node) kept
      var isolated = Instant.now();
      edit(v -> v.getSpec().setIsolation(new IsolationSpec("e2e: the filter on packets")));
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> !guestConnects(ip, out, 2525));
      figures.add("isolation to the Internet cut: " + seconds(isolated, Instant.now()) + " s");
      assertThat(internet.connects(ip, 8445)).as("the Internet, in, while isolated").isFalse();
      assertThat(internet.connects(ipv4, 443)).as("the fixed IPv4, while isolated").isFalse();
      assertThat(ssh(ip, "id -u").strip()).as("the provider's SSH, while isolated").isEqualTo("0");
      edit(v -> v.getSpec().setIsolation(null));
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> guestConnects(ip, out, 2525));

      // DDoS mitigation: level 2 keeps the Service's TCP ports only, level 3 only the scrubbing
      // centre's return path (and the provider's networks: the node's SSH); both stay 26 h
      assertThat(internet.connects(ip, 8445)).as("an allowed port before mitigation").isTrue();
      var attacked = Instant.now();
      alert(clusterIp, "OdooVpsDDoSAttack", Map.of("level", "2"), "ddos", "firing");
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> !internet.connects(ip, 8445));
      figures.add(
          "DDoS level 2 to the non-Service port closed: "
              + seconds(attacked, Instant.now())
              + " s");
      assertThat(internet.connects(ipv4, 443)).as("level 2: the Service's 443").isTrue();
      var raised = Instant.now();
      alert(clusterIp, "OdooVpsDDoSAttack", Map.of("level", "3"), "ddos", "firing");
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> !internet.connects(ipv4, 443));
      figures.add(
          "DDoS level 3 to the Internet's 443 closed: " + seconds(raised, Instant.now()) + " s");
      assertThat(internet.connectsFrom(InternetNamespace.SCRUBBING, ipv4, 443))
          .as("level 3: the scrubbing centre's return path reaches 443")
          .isTrue();
      assertThat(ssh(ip, "id -u").strip()).as("level 3: the provider's SSH").isEqualTo("0");
      assertThat(mitigationState().getStatus().ddos().level()).isEqualTo(3);
      alert(clusterIp, "OdooVpsDDoSAttack", Map.of("level", "3"), "ddos", "resolved");
      ssh(ip, "pkill -f '[h]ttp.server' || true"); // [h]: not this command's own shell
    }
  }

  @Test
  @Order(6)
  void aVersionChangeUpgradesOdooInTheGuestThroughTheOperatorsRestrictedKey() throws Exception {
    assertThat(vps().getStatus().getGuest().odooVersion()).isEqualTo("17.0");
    var start = Instant.now();
    edit(v -> v.getSpec().getOdoo().setVersion("18.0"));
    await()
        .atMost(BOOT_BOUND)
        .pollInterval(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              var guest = vps().getStatus().getGuest();
              assertThat(guest.problem()).isNull();
              assertThat(guest.odooVersion()).isEqualTo("18.0");
            });
    figures.add(
        "version change 17.0 -> 18.0 to status.guest 18.0: "
            + seconds(start, Instant.now())
            + " s");
    var job =
        client.batch().v1().jobs().inNamespace(namespace).withName(VPS + "-upgrade-18-0").get();
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    var ip = address();
    assertThat(ssh(ip, "dpkg-query -W -f='${Version}' odoo")).startsWith("18.0");
    assertThat(ssh(ip, "cat /var/log/odoo-vps/commands.log")).contains("upgrade-odoo 18.0: exit 0");
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(https(ip, "/web/login").body()).contains("18.0").doesNotContain("17.0"));

    // the operator's key runs the image's commands and nothing else: no shell
    var key = Files.createTempFile(volumes, "command-key", "");
    Files.writeString(
        key,
        GuestDesign.decoded(
            client
                .secrets()
                .inNamespace(namespace)
                .withName(GuestDesign.commandKeySecretName(vps()))
                .get(),
            GuestDesign.PRIVATE_KEY_KEY));
    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    var shell =
        run(sshCommand(List.of("-i", key.toString(), "-o", "IdentitiesOnly=yes"), ip, "id -u"));
    assertThat(shell.code()).isEqualTo(2);
    assertThat(shell.output()).contains("refused: 'id -u'");
    var status =
        run(sshCommand(List.of("-i", key.toString(), "-o", "IdentitiesOnly=yes"), ip, "status"));
    assertThat(status.code()).isZero();
    assertThat(status.output()).contains("\"odoo_version\": \"18.0\"");
  }

  @Test
  @Order(7)
  void aMaintenanceRequestIsEmailedThenTheGuestInstallsItsUpdatesThenTheVmReboots()
      throws Exception {
    var ip = address();
    var bootBefore = ssh(ip, "cat /proc/sys/kernel/random/boot_id").strip();
    var mails = InstalledChart.mailbox().receivedBy(CUSTOMER).size();
    var start = Instant.now();
    edit(
        v ->
            v.getSpec()
                .setMaintenance(
                    new MaintenanceSpec(
                        io.odoovps.operator.contract.Timestamps.format(start),
                        null,
                        "security updates (end-to-end test)")));
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> assertThat(InstalledChart.mailbox().receivedBy(CUSTOMER)).hasSize(mails + 1));
    assertThat(InstalledChart.mailbox().receivedBy(CUSTOMER).get(mails).body())
        .contains(vps().getStatus().getMaintenance().scheduledFor());
    await()
        .atMost(BOOT_BOUND)
        .pollInterval(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              var status = vps().getStatus();
              assertThat(status.getMaintenance().rebootedAt()).isNotNull();
              assertThat(status.getGuest().updatedAt()).isNotNull();
            });
    var rebooted = Instant.now();
    var guest = vps().getStatus().getGuest();
    assertThat(guest.problem()).as("the updates ran in the guest").isNull();
    figures.add(
        "maintenance request to reboot (notice, updates): " + seconds(start, rebooted) + " s");
    assertThat(Instant.parse(guest.updatedAt()))
        .as("the updates came before the reboot")
        .isBeforeOrEqualTo(Instant.parse(vps().getStatus().getMaintenance().rebootedAt()));
    await().atMost(BOOT_BOUND).pollInterval(Duration.ofSeconds(5)).until(VpsOnNodeE2E::ready);
    figures.add("maintenance reboot to Odoo answering: " + seconds(rebooted, Instant.now()) + " s");
    var after = address();
    assertThat(ssh(after, "cat /proc/sys/kernel/random/boot_id").strip())
        .as("a new boot")
        .isNotEqualTo(bootBefore);
    assertThat(ssh(after, "cat /var/log/odoo-vps/updates.log")).contains("maintenance: finished");
    assertThat(ssh(after, "cat /var/log/odoo-vps/commands.log")).contains("maintenance: exit 0");
  }

  @Test
  @Order(8)
  void aPlanChangeGrowsTheDiskAndTheGuestsFileSystemAndOnlyThenIsTheDeadlineMet() throws Exception {
    var ip = address();
    long before = rootBytes(ip);
    var paid = Instant.now();
    edit(
        v -> {
          v.getSpec().getPlan().setDisk("14Gi");
          v.getSpec().getPlan().setPaidAt(io.odoovps.operator.contract.Timestamps.format(paid));
        });
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> Files.size(volumes.resolve("disk").resolve("disk.img")) == 14L << 30);
    var grown = Instant.now();
    figures.add(
        "plan change (disk 10Gi -> 14Gi) to disk.img grown: " + seconds(paid, grown) + " s");
    assertThat(vps().getStatus().getPlanChange().appliedAt())
        .as("not applied while the guest has not seen its disk")
        .isNull();
    await()
        .atMost(BOOT_BOUND)
        .pollInterval(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              var change = vps().getStatus().getPlanChange();
              assertThat(change.appliedAt()).isNotNull();
              assertThat(change.deadlineMet()).isTrue();
              assertThat(change.appliedPlan()).isEqualTo(vps().getSpec().getPlan().sizing());
            });
    var applied = Instant.now();
    figures.add(
        "disk.img grown to status.planChange applied (restart, growpart, guest agent): "
            + seconds(grown, applied)
            + " s");
    var seen = vps().getStatus().getGuest().disk();
    assertThat(seen.problem()).isNull();
    var from =
        client
            .persistentVolumeClaims()
            .inNamespace(namespace)
            .withName(VPS + "-disk")
            .get()
            .getMetadata()
            .getAnnotations()
            .get(DiskClaimDesign.GROWN_FROM);
    figures.add("before the growth (disk bytes/guest agent's root bytes): " + from);
    assertThat(from).as("the agent read before the growth").startsWith((10L << 30) + "/");
    assertThat(Long.parseLong(from.split("/")[1])).isPositive();
    await().atMost(BOOT_BOUND).pollInterval(Duration.ofSeconds(5)).until(VpsOnNodeE2E::ready);
    long after = rootBytes(address());
    figures.add(
        "guest root file system: "
            + before
            + " -> "
            + after
            + " bytes (df), "
            + seen.rootFileSystemBytes()
            + " (guest agent); "
            + String.format(java.util.Locale.ROOT, "%.3f", after / (double) (14L << 30))
            + " of the 14Gi disk");
    assertThat(after).isGreaterThan(before).isGreaterThanOrEqualTo((long) (0.95 * (14L << 30)));
    // the agent's totalBytes leaves out ext4's reserved blocks: less than df's size
    assertThat(seen.rootFileSystemBytes())
        .isGreaterThan(Long.parseLong(from.split("/")[1]))
        .isGreaterThanOrEqualTo((long) (0.9 * (14L << 30)));
    assertThat(https(address(), "/web/login").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(9)
  void suspensionStopsTheVmAndResumingBootsItAgain() throws Exception {
    edit(v -> v.getSpec().setSuspension(new SuspensionSpec("unpaid invoice (end-to-end test)")));
    await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> instance() == null);
    edit(v -> v.getSpec().setSuspension(null));
    var resumed = Instant.now();
    await().atMost(BOOT_BOUND).pollInterval(Duration.ofSeconds(5)).until(VpsOnNodeE2E::ready);
    figures.add(
        "resume to Odoo answering (second boot): " + seconds(resumed, Instant.now()) + " s");
    assertThat(https(address(), "/web/login").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(10)
  void terminationDeletesTheVmTheDiskAndTheSecrets() {
    edit(v -> v.getSpec().setTermination(new TerminationSpec(VPS)));
    await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .resources(VirtualMachine.class)
                          .inNamespace(namespace)
                          .withName(VPS)
                          .get())
                  .isNull();
              assertThat(instance()).isNull();
              assertThat(
                      client
                          .persistentVolumeClaims()
                          .inNamespace(namespace)
                          .withName(VPS + "-disk")
                          .get())
                  .isNull();
              assertThat(
                      client
                          .secrets()
                          .inNamespace(namespace)
                          .withLabel("odoovps.io/vps", VPS)
                          .list()
                          .getItems()
                          .stream()
                          .map(secret -> secret.getMetadata().getName()))
                  .as("the VPS's Secrets (names only: never their data in a log)")
                  .isEmpty();
            });
  }

  // --- helpers

  private static final String POD_CIDR = "10.244.0.0/24";

  /** Whether a TCP connection from the guest to {@code host:port} opens within 5 s. */
  private static boolean guestConnects(String ip, String host, int port) throws Exception {
    var answer =
        ssh(
            ip,
            "timeout 5 bash -c '</dev/tcp/"
                + host
                + "/"
                + port
                + "' 2>/dev/null"
                + " && echo open || echo closed");
    return answer.strip().equals("open");
  }

  /** Whether a TCP connection from this machine (the node) to {@code ip:port} opens. */
  private static boolean hostConnects(String ip, int port) {
    try (var socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(ip, port), 5_000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** What Alertmanager posts to the operator's receiver for the VPS's spam alert. */
  private static void spamAlert(String operatorIp, String fingerprint, String status)
      throws Exception {
    alert(operatorIp, "OdooVpsSpamSuspected", Map.of(), fingerprint, status);
  }

  /**
   * Whether a busybox pod in a namespace of its own opens TCP connections to {@code ip} on each
   * port ({@code nc}, 5 s each).
   */
  private static Map<Integer, Boolean> neighbourProbe(String ip, List<Integer> ports)
      throws Exception {
    var script = new StringBuilder();
    for (int port : ports) {
      script
          .append("if nc -w 5 ")
          .append(ip)
          .append(' ')
          .append(port)
          .append(" </dev/null; then echo ")
          .append(port)
          .append("=open; else echo ")
          .append(port)
          .append("=closed; fi; ");
    }
    var other = TestNamespaces.create(client, "e2e-neighbour");
    var pod =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("neighbour")
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("nc")
            .withImage("localhost/busybox:1")
            .withImagePullPolicy("Never")
            .withCommand("sh", "-c", script.toString())
            .endContainer()
            .endSpec()
            .build();
    client.pods().inNamespace(other).resource(pod).create();
    var probe = client.pods().inNamespace(other).withName("neighbour");
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> List.of("Succeeded", "Failed").contains(probe.get().getStatus().getPhase()));
    var log = probe.getLog();
    var result = new java.util.TreeMap<Integer, Boolean>();
    for (int port : ports) {
      // whole lines: "8445=open" contains "445=open"
      assertThat(log).as("the neighbour's log").containsPattern("(?m)^" + port + "=(open|closed)$");
      result.put(
          port, java.util.regex.Pattern.compile("(?m)^" + port + "=open$").matcher(log).find());
    }
    client.namespaces().withName(other).delete();
    return result;
  }

  /** An Alertmanager notification of one alert on the VPS, posted to the operator's receiver. */
  private static void alert(
      String operatorIp,
      String alertname,
      Map<String, String> labels,
      String fingerprint,
      String status)
      throws Exception {
    var all = new java.util.TreeMap<>(labels);
    all.put("alertname", alertname);
    all.put("namespace", namespace);
    all.put("vps", VPS);
    var body =
        """
        {"version":"4","status":"%s","receiver":"odoovps","groupKey":"e2e-%s","alerts":[\
        {"status":"%s","labels":%s,"annotations":{"summary":"e2e"},"fingerprint":"%s"}]}"""
            .formatted(
                status,
                fingerprint,
                status,
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(all),
                fingerprint);
    var request =
        java.net.http.HttpRequest.newBuilder(
                URI.create("http://" + operatorIp + ":8080/alertmanager/webhook"))
            .header("Authorization", "Bearer " + InstalledChart.TOKEN)
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build();
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
  }

  private static MitigationState mitigationState() {
    return client.resources(MitigationState.class).inNamespace(namespace).withName(VPS).get();
  }

  private static MitigationStateStatus.SmtpStatus smtp() {
    var state = mitigationState();
    return state == null || state.getStatus() == null || state.getStatus().smtp() == null
        ? new MitigationStateStatus.SmtpStatus(
            null, null, null, null, null, null, null, null, null, null)
        : state.getStatus().smtp();
  }

  private static void mitigation(Consumer<MitigationState> change) {
    retryingConflicts(
        () ->
            client
                .resources(MitigationState.class)
                .inNamespace(namespace)
                .withName(VPS)
                .edit(
                    m -> {
                      change.accept(m);
                      return m;
                    }));
  }

  private static OdooVps vps() {
    return client.resources(OdooVps.class).inNamespace(namespace).withName(VPS).get();
  }

  /** An edit of the spec, again on a conflict (the operator's status writes move the object). */
  private static void edit(Consumer<OdooVps> change) {
    retryingConflicts(
        () ->
            client
                .resources(OdooVps.class)
                .inNamespace(namespace)
                .withName(VPS)
                .edit(
                    v -> {
                      change.accept(v);
                      return v;
                    }));
  }

  private static void retryingConflicts(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static GenericKubernetesResource instance() {
    return client
        .genericKubernetesResources("kubevirt.io/v1", "VirtualMachineInstance")
        .inNamespace(namespace)
        .withName(VPS)
        .get();
  }

  @SuppressWarnings("unchecked")
  private static String phase(GenericKubernetesResource vmi) {
    if (vmi == null) {
      return null;
    }
    var status = (Map<String, Object>) vmi.getAdditionalProperties().get("status");
    return status == null ? null : (String) status.get("phase");
  }

  /** KubeVirt's VM status.ready: the VMI runs and its readiness probe (Odoo over HTTPS) passes. */
  private static boolean ready() {
    var vm = client.resources(VirtualMachine.class).inNamespace(namespace).withName(VPS).get();
    return vm != null && vm.getStatus() != null && Boolean.TRUE.equals(vm.getStatus().ready());
  }

  /** The VM's address on the pod network (masquerade: the virt-launcher pod's). */
  @SuppressWarnings("unchecked")
  private static String address() {
    var status = (Map<String, Object>) instance().getAdditionalProperties().get("status");
    var interfaces = (List<Map<String, Object>>) status.get("interfaces");
    var ip = (String) interfaces.get(0).get("ipAddress");
    assertThat(ip).isNotBlank();
    return ip;
  }

  private record Page(int statusCode, String body) {}

  /** GET over HTTPS: the guest's certificate is self-signed until the provider sets one. */
  private static Page https(String ip, String path) throws Exception {
    var context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
    var connection =
        (HttpsURLConnection) URI.create("https://" + ip + path).toURL().openConnection();
    connection.setSSLSocketFactory(context.getSocketFactory());
    connection.setHostnameVerifier((host, session) -> true); // a VM's pod address: no name
    connection.setConnectTimeout(20_000);
    connection.setReadTimeout(60_000);
    try {
      int code = connection.getResponseCode();
      var stream = code < 400 ? connection.getInputStream() : connection.getErrorStream();
      var body = stream == null ? "" : new String(stream.readAllBytes());
      return new Page(code, body);
    } finally {
      connection.disconnect();
    }
  }

  /** The size of the guest's root file system, as df reports it in the guest. */
  private static long rootBytes(String ip) throws Exception {
    var lines = ssh(ip, "df -B1 --output=size /").strip().split("\\s+");
    return Long.parseLong(lines[lines.length - 1]);
  }

  /**
   * iperf3 from the guest to the Internet's server ({@code reverse}: from the server to the guest),
   * {@code seconds} long, the first 2 s left out (slow start, the bucket's burst): the receiver's
   * rate in Mbit/s.
   */
  private static double iperf(String ip, boolean reverse, int seconds) throws Exception {
    var json =
        ssh(
            ip,
            "iperf3 --json -c "
                + InternetNamespace.ADDRESS
                + " -p "
                + InternetNamespace.IPERF_PORT
                + " -t "
                + seconds
                + " -O 2"
                + (reverse ? " -R" : ""));
    var bits =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(json)
            .path("end")
            .path("sum_received")
            .path("bits_per_second")
            .asDouble();
    assertThat(bits).as("iperf3 measured: " + json).isPositive();
    return bits / 1e6;
  }

  /** The node's devices whose root TBF has this rate ({@code tc}'s spelling: {@code 20Mbit}). */
  private static List<String> buckets(String rate) throws Exception {
    var process = new ProcessBuilder("tc", "qdisc", "show").redirectErrorStream(true).start();
    var out = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.lines()
        .filter(
            l ->
                // the shaper grafts each new bucket under handle 1: or 2:
                (l.startsWith("qdisc tbf 1: dev ") || l.startsWith("qdisc tbf 2: dev "))
                    && l.contains(" root ")
                    && l.contains(" rate " + rate + " "))
        .map(l -> l.split(" ")[4])
        .toList();
  }

  /** A command on the machine (root), which must succeed. */
  private static void host(String... command) throws Exception {
    var result = run(List.of(command));
    assertThat(result.code()).as(String.join(" ", command) + ": " + result.output()).isZero();
  }

  /** iperf3 out and back ({@link #iperf}), recorded, each within 10 % of {@code mbps}. */
  private static void bothWays(String ip, String label, int seconds, int mbps) throws Exception {
    var out = iperf(ip, false, seconds);
    var in = iperf(ip, true, seconds);
    figures.add(
        "iperf3 "
            + label
            + ": guest -> Internet "
            + mbps(out)
            + " Mbit/s, Internet -> guest "
            + mbps(in)
            + " Mbit/s");
    assertThat(out).as("guest -> Internet, Mbit/s").isCloseTo(mbps, withinPercentage(10));
    assertThat(in).as("Internet -> guest, Mbit/s").isCloseTo(mbps, withinPercentage(10));
  }

  /** UDP datagrams a second that the Internet's iperf3 server received from the guest. */
  private static double udpFlood(String ip, int seconds) throws Exception {
    var json =
        ssh(
            ip,
            "iperf3 --json -u -c "
                + InternetNamespace.ADDRESS
                + " -p "
                + InternetNamespace.IPERF_UDP_PORT
                + " -b 2M -l 200 -t "
                + seconds);
    var sum =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("end").path("sum");
    long packets = sum.path("packets").asLong();
    long lost = sum.path("lost_packets").asLong();
    double duration = sum.path("seconds").asDouble();
    assertThat(packets).as("iperf3 UDP: " + json).isPositive();
    return (packets - lost) / duration;
  }

  private static String mbps(double value) {
    return String.format(java.util.Locale.ROOT, "%.2f", value);
  }

  private static String ssh(String ip, String command) throws Exception {
    var result = sshResult(ip, command);
    assertThat(result.code()).as("ssh " + command + ": " + result.output()).isZero();
    return result.output();
  }

  /** The command's exit code and output, as root by the provider's key. */
  private static Result sshResult(String ip, String command) throws Exception {
    return run(
        sshCommand(
            List.of("-i", InstalledChart.providerKeyFile().toString(), "-o", "IdentitiesOnly=yes"),
            ip,
            command));
  }

  /** ssh to root at {@code ip}, non-interactive, trusting the guest's new host key. */
  private static List<String> sshCommand(List<String> options, String ip, String command) {
    var line = new ArrayList<>(List.of("ssh"));
    line.addAll(options);
    line.addAll(
        List.of(
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=20",
            "-o",
            "LogLevel=ERROR",
            "root@" + ip,
            command));
    return line;
  }

  private record Result(int code, String output) {}

  private static Result run(List<String> command) throws Exception {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private static void chown(Path path) throws Exception {
    var process = new ProcessBuilder("chown", QEMU + ":" + QEMU, path.toString()).start();
    assertThat(process.waitFor()).isZero();
  }

  private static long seconds(Instant from, Instant to) {
    return Duration.between(from, to).toSeconds();
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
