package io.odoovps.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.config.LeaderElection;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * On a real node (hack/e2e.sh starts it, `make e2e`): the project's Helm chart installs the
 * operator from its image, imported into the node's containerd, as two pods with leader election.
 * The tests see pods, a Lease, a Service and the API server's audit log, not objects alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartOnNodeE2E {

  static final String NAMESPACE = InstalledChart.NAMESPACE;
  static final String RELEASE = InstalledChart.RELEASE;
  static final String TOKEN = InstalledChart.TOKEN;
  private static final Duration LONG = Duration.ofMinutes(3);

  private static KubernetesClient client;
  private static String customers;

  @BeforeAll
  static void install() throws Exception {
    client = InstalledChart.client();
    customers = TestNamespaces.create(client, "e2e-customers", true);
  }

  private static List<Pod> operatorPods() {
    return client
        .pods()
        .inNamespace(NAMESPACE)
        .withLabel("app.kubernetes.io/name", "odoovps-operator")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String leader() {
    var lease = client.leases().inNamespace(NAMESPACE).withName(LeaderElection.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  @Order(1)
  void bothReplicasRunAndOneLeads() {
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              var pods = operatorPods();
              assertThat(pods).hasSize(2).allMatch(ChartOnNodeE2E::ready);
              assertThat(pods.stream().map(p -> p.getMetadata().getName())).contains(leader());
            });
  }

  @Test
  @Order(2)
  void theInClusterOperatorReconcilesAVpsAndSurvivesTheLossOfItsLeader() {
    client.resource(VpsFixtures.vps(customers, "first")).create();
    var first = awaitReconciled("first");

    var leader = leader();
    client.pods().inNamespace(NAMESPACE).withName(leader).withGracePeriod(0).delete();
    // the other replica takes the Lease, and a VPS created meanwhile converges
    client.resource(VpsFixtures.vps(customers, "second")).create();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> leader() != null && !leader.equals(leader()));
    var second = awaitReconciled("second");
    assertThat(second).isNotEqualTo(first);
    // the replaced pod joins again as a follower
    await().atMost(LONG).until(() -> operatorPods().size() == 2);
  }

  private static String awaitReconciled(String name) {
    await()
        .atMost(LONG)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .resources(VirtualMachine.class)
                          .inNamespace(customers)
                          .withName(name)
                          .get())
                  .isNotNull();
              var vps = client.resources(OdooVps.class).inNamespace(customers).withName(name).get();
              assertThat(vps.getStatus().getIpv4()).isNotBlank();
            });
    return client
        .resources(OdooVps.class)
        .inNamespace(customers)
        .withName(name)
        .get()
        .getStatus()
        .getIpv4();
  }

  @Test
  @Order(3)
  void anotherPodReachesTheAlertmanagerReceiverThroughTheOperatorService() {
    var body =
        """
        {"version":"4","status":"firing","receiver":"odoovps","groupKey":"e2e","alerts":[{"status":"firing",\
        "labels":{"alertname":"OdooVpsCpuSaturated","namespace":"%s","vps":"first","indicator":"cpu"},\
        "annotations":{"summary":"CPU of first above 90%%"},"fingerprint":"e2e0cpu0first"}]}"""
            .formatted(customers);
    var url = "http://" + RELEASE + "." + NAMESPACE + ".svc:8080/alertmanager/webhook";
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("alertmanager-stand-in")
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("wget")
            .withImage("localhost/busybox:1")
            .withImagePullPolicy("Never")
            .withCommand(
                "wget",
                "-q",
                "-O-",
                "--header",
                "Authorization: Bearer " + TOKEN,
                "--header",
                "Content-Type: application/json",
                "--post-data",
                body,
                url)
            .endContainer()
            .endSpec()
            .build();
    var namespace = TestNamespaces.create(client, "e2e-monitoring");
    client.pods().inNamespace(namespace).resource(pod).create();
    var stand = client.pods().inNamespace(namespace).withName("alertmanager-stand-in");
    await()
        .atMost(LONG)
        .until(() -> List.of("Succeeded", "Failed").contains(stand.get().getStatus().getPhase()));
    assertThat(stand.get().getStatus().getPhase()).as(stand.getLog()).isEqualTo("Succeeded");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(SupportTicket.class)
                            .inNamespace(customers)
                            .list()
                            .getItems())
                    .anyMatch(t -> "first".equals(t.getSpec().getVps())));
  }

  /** The chart's RBAC is the one in force: nothing the in-cluster operator asked was refused. */
  @Test
  @Order(4)
  void theOperatorsServiceAccountWasNeverRefused() throws IOException {
    var audit = System.getenv("ODOOVPS_E2E_AUDIT_LOG");
    // the backup pods' and the operator's requests alike (BackupOnNodeE2E may have run first)
    assertThat(audit).isNotBlank();
    var mapper = new ObjectMapper();
    var user = "system:serviceaccount:" + NAMESPACE + ":";
    var requests = 0;
    var refused = new ArrayList<String>();
    for (var line : Files.readAllLines(Path.of(audit))) {
      var event = mapper.readTree(line);
      var name = event.path("user").path("username").asText();
      if (name.startsWith(user)) {
        requests++;
      }
      // the audit policy logs service accounts only: the operator's, the backup pods', CoreDNS's
      if (event.path("responseStatus").path("code").asInt() == 403) {
        refused.add(
            name + ": " + event.path("verb").asText() + " " + event.path("requestURI").asText());
      }
    }
    assertThat(requests).as("requests by the operator's service account").isGreaterThan(20);
    assertThat(refused).as("refused requests (403) of any service account").isEmpty();
  }
}
