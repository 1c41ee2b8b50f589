package io.odoovps.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.api.v1alpha1.NameRules;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.vps.GuestDesign;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API server refuses the names the operator could not use ({@link NameRules}), each with a
 * message naming the field and the rule, and accepts the longest and oddest names that work, so
 * that a rule too strict fails here too.
 */
class NameRulesApiServerTest {

  private static KubernetesClient client;
  private static String namespace;

  @BeforeAll
  static void setUp() {
    client = ControlPlane.get().newClient();
    namespace = TestNamespaces.create(client, "names");
  }

  @AfterAll
  static void tearDown() {
    client.close();
  }

  /** A name of {@code length} characters starting with {@code head}, padded with 'x'. */
  private static String named(String head, int length) {
    return head + "x".repeat(length - head.length());
  }

  private static void accepted(HasMetadata resource) {
    var created = client.resource(resource).create();
    assertThat(created.getMetadata().getUid()).isNotBlank();
  }

  private static void refused(HasMetadata resource, String... fragments) {
    var assertion =
        assertThatThrownBy(() -> client.resource(resource).create())
            .isInstanceOf(KubernetesClientException.class)
            .hasMessageContaining("is invalid");
    for (var fragment : fragments) {
      assertion.hasMessageContaining(fragment);
    }
  }

  // --- OdooVps ---

  @Test
  void anOdooVpsNameOfThirtyEightCharactersIsAcceptedAndOneMoreIsRefused() {
    accepted(VpsFixtures.vps(namespace, named("longest-", NameRules.VPS_NAME_MAX)));

    refused(
        VpsFixtures.vps(namespace, named("too-long-", NameRules.VPS_NAME_MAX + 1)),
        "metadata.name of an OdooVps must be at most 38 characters",
        "<name>-provider-ssh-access-cred");
  }

  @Test
  void anOdooVpsNameMustStartWithALetterAndHoldNoDot() {
    accepted(VpsFixtures.vps(namespace, "shop1"));
    accepted(VpsFixtures.vps(namespace, "a"));

    refused(
        VpsFixtures.vps(namespace, "1shop"),
        "metadata.name of an OdooVps must be a DNS-1035 label",
        "it names the VPS's Service");
    refused(
        VpsFixtures.vps(namespace, "shop.paris"),
        "metadata.name of an OdooVps must be a DNS-1035 label");
  }

  /**
   * Why 38: KubeVirt's virt-controller mounts the access-credential Secret into the virt-launcher
   * pod as the volume {@code <secret>-access-cred}, and the API server refuses a pod volume name
   * longer than a DNS label. No KubeVirt runs here: the pod is the one it would write.
   */
  @Test
  void theLongestVpsNameLeavesRoomForKubeVirtsAccessCredentialVolumeAndOneMoreWouldNot() {
    var longest = VpsFixtures.vps(namespace, named("pod-", NameRules.VPS_NAME_MAX));
    accepted(launcherPodMounting(GuestDesign.providerSshSecretName(longest) + "-access-cred"));

    var tooLong = VpsFixtures.vps(namespace, named("pod-", NameRules.VPS_NAME_MAX + 1));
    refused(
        launcherPodMounting(GuestDesign.providerSshSecretName(tooLong) + "-access-cred"),
        "must be no more than 63 characters");
  }

  private static Pod launcherPodMounting(String volume) {
    return new PodBuilder()
        .withNewMetadata()
        .withGenerateName("virt-launcher-")
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .addNewVolume()
        .withName(volume)
        .withNewSecret()
        .withSecretName(volume.substring(0, volume.length() - "-access-cred".length()))
        .endSecret()
        .endVolume()
        .addNewContainer()
        .withName("compute")
        .withImage("quay.io/kubevirt/virt-launcher:v1.7.0")
        .addNewVolumeMount()
        .withName(volume)
        .withMountPath("/var/run/kubevirt-private/secret/" + volume)
        .endVolumeMount()
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void aVpsLocationIsALabelValueOfAtMost63Characters() {
    var longest = VpsFixtures.vps(namespace, "far-away");
    longest.getSpec().setLocation(named("dc-", 63));
    accepted(longest);

    var tooLong = VpsFixtures.vps(namespace, "too-far");
    tooLong.getSpec().setLocation(named("dc-", 64));
    refused(tooLong, "spec.location", "may not be more than 63");
  }

  // --- BackupPolicy ---

  private static BackupPolicy policy(String name) {
    return BackupFixtures.policy(
        namespace, name, "https://s3.lyon.example", "backups", "lyon-1", "s3-keys");
  }

  @Test
  void aBackupPolicyNameIsADnsLabelOfAtMost63Characters() {
    accepted(policy(named("longest-policy-", 63)));
    accepted(policy("0-daily"));

    refused(
        policy(named("too-long-policy-", 64)),
        "metadata.name of a BackupPolicy must be at most 63 characters",
        "it labels the Jobs it runs");
    refused(
        policy("daily.offsite"),
        "metadata.name of a BackupPolicy must be a DNS-1123 label",
        "spec.policy");
  }

  @Test
  void theCredentialsSecretIsASecretName() {
    var dotted = policy("dotted-secret");
    dotted.getSpec().getTarget().setCredentialsSecret("s3.keys-lyon");
    accepted(dotted);

    var broken = policy("broken-secret");
    broken.getSpec().getTarget().setCredentialsSecret("s3..keys");
    refused(
        broken, "spec.target.credentialsSecret must be the name of a Secret: a DNS-1123 subdomain");

    var longest = policy("longest-secret");
    longest.getSpec().getTarget().setCredentialsSecret(named("keys-", NameRules.SUBDOMAIN_MAX));
    accepted(longest);
    var tooLong = policy("too-long-secret");
    tooLong.getSpec().getTarget().setCredentialsSecret(named("keys-", 254));
    refused(tooLong, "spec.target.credentialsSecret", "may not be more than 253");
  }

  // --- OdooVpsRestore ---

  private static OdooVpsRestore restore(String name, String vps, String policy) {
    var restore = new OdooVpsRestore();
    restore.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    restore.setSpec(new OdooVpsRestoreSpec(vps, "20260301T021700Z", policy));
    return restore;
  }

  @Test
  void aRestoreNameLabelsItsJobAndIsAtMost63Characters() {
    accepted(restore(named("restore.", 63), "shop", null));

    refused(
        restore(named("restore-", 64), "shop", null),
        "metadata.name of a OdooVpsRestore must be at most 63 characters");
  }

  @Test
  void aRestoreNamesAnOdooVpsAndABackupPolicyAsTheyCanBeNamed() {
    accepted(restore("vps-longest", named("v-", NameRules.VPS_NAME_MAX), "daily-offsite"));

    refused(
        restore("vps-digit", "1shop", null),
        "spec.vps must be the name of an OdooVps: a DNS-1035 label");
    refused(
        restore("vps-too-long", named("v-", NameRules.VPS_NAME_MAX + 1), null),
        "spec.vps",
        "may not be more than 38");
    refused(
        restore("policy-dotted", "shop", "daily.offsite"),
        "spec.policy must be the name of a BackupPolicy: a DNS-1123 label");
  }

  // --- SupportTicket and MitigationState ---

  private static SupportTicket ticket(String name, String vps) {
    var ticket = new SupportTicket();
    ticket.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    var spec = new SupportTicketSpec();
    spec.setVps(vps);
    spec.setSummary("Customer asks to point a domain at the VPS");
    ticket.setSpec(spec);
    return ticket;
  }

  @Test
  void aTicketNamesAnOdooVps() {
    accepted(ticket("dns", "shop"));
    accepted(ticket("longest", named("v-", NameRules.VPS_NAME_MAX)));

    refused(ticket("capital", "Shop"), "spec.vps must be the name of an OdooVps");
    refused(
        ticket("too-long", named("v-", NameRules.VPS_NAME_MAX + 1)),
        "spec.vps",
        "may not be more than 38");
  }

  private static MitigationState state(String vps) {
    var state = new MitigationState();
    state.setMetadata(new ObjectMetaBuilder().withName(vps).withNamespace(namespace).build());
    var spec = new MitigationStateSpec();
    spec.setVps(vps);
    state.setSpec(spec);
    return state;
  }

  @Test
  void aMitigationStateNamesAnOdooVps() {
    accepted(state(named("m-", NameRules.VPS_NAME_MAX)));

    refused(state("9shop"), "spec.vps must be the name of an OdooVps");
    refused(state(named("m-", NameRules.VPS_NAME_MAX + 1)), "spec.vps", "may not be more than 38");
  }

  // --- on creation only ---

  private static final String PROBE_CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: nameprobes.probe.odoovps.io}
      spec:
        group: probe.odoovps.io
        scope: Namespaced
        names: {plural: nameprobes, singular: nameprobe, kind: NameProbe}
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              x-kubernetes-validations:
              - {rule: "RULE", optionalOldSelf: true, message: "too long"}
              properties:
                spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
      """;

  private static void installProbe(String rule) {
    var crd =
        client
            .getKubernetesSerialization()
            .unmarshal(PROBE_CRD.replace("RULE", rule), CustomResourceDefinition.class);
    client.resource(crd).forceConflicts().serverSideApply();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                client
                    .apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName("nameprobes.probe.odoovps.io")
                    .get()
                    .getSpec()
                    .getVersions()
                    .get(0)
                    .getSchema()
                    .getOpenAPIV3Schema()
                    .getXKubernetesValidations()
                    .get(0)
                    .getRule()
                    .equals(rule));
  }

  private static GenericKubernetesResource probe(String name, String value) {
    var probe = new GenericKubernetesResource();
    probe.setApiVersion("probe.odoovps.io/v1");
    probe.setKind("NameProbe");
    probe.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    probe.setAdditionalProperty("spec", Map.of("value", value));
    return probe;
  }

  /**
   * The name rules run on creation only: an object created before a rule existed (here a throwaway
   * kind carrying {@link NameRules#VPS_NAME_SIZE_RULE}) can still be updated, as its termination
   * and its status writes need; a new one is refused.
   */
  @Test
  void aNameRuleRefusesNewObjectsButLetsAnOlderObjectBeUpdated() {
    installProbe("oldSelf.hasValue() || true");
    var older = named("older-", NameRules.VPS_NAME_MAX + 10);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> client.resource(probe(older, "created")).create() != null);

    installProbe(NameRules.VPS_NAME_SIZE_RULE);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThatThrownBy(
                        () ->
                            client
                                .resource(probe(named("newer-", NameRules.VPS_NAME_MAX + 10), "x"))
                                .create())
                    .hasMessageContaining("too long"));

    var updated =
        client
            .genericKubernetesResources("probe.odoovps.io/v1", "NameProbe")
            .inNamespace(namespace)
            .withName(older)
            .edit(
                p -> {
                  p.setAdditionalProperty("spec", Map.of("value", "terminated"));
                  return p;
                });
    assertThat(updated.getAdditionalProperties().get("spec").toString()).contains("terminated");
  }
}
