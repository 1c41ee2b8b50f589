package io.odoovps.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chart lints, renders, and says what it promises; no API server needed. */
class ChartTemplateTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @SuppressWarnings("unchecked")
  static List<HasMetadata> parse(String manifests) {
    var items = new ArrayList<HasMetadata>();
    for (var document : manifests.split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      Object parsed = YAML.unmarshal(document);
      if (parsed instanceof List<?> list) {
        items.addAll((List<HasMetadata>) list);
      } else {
        items.add((HasMetadata) parsed);
      }
    }
    return items;
  }

  @Test
  void lintPassesWithDefaultsAndEverySwitchOn() {
    HelmChart.run("lint", "--strict", HelmChart.DIR.toString());
    HelmChart.run(
        "lint",
        "--strict",
        HelmChart.DIR.toString(),
        "-f",
        HelmChart.valuesFile(HelmChart.EVERYTHING_ON));
  }

  @Test
  void rendersTheOperatorWithLeaderElectionAndItsOwnImageForBackups() throws IOException {
    var items = parse(HelmChart.template("odoovps-system", "{}"));
    var kinds = items.stream().map(HasMetadata::getKind).toList();
    assertThat(kinds)
        .contains(
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "ConfigMap",
            "Secret",
            "Service",
            "Deployment")
        .doesNotContain("ServiceMonitor", "PrometheusRule");
    var appVersion = appVersion();
    var deployment =
        items.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("ghcr.io/odoovps/odoovps-operator:" + appVersion);
    var env = container.getEnv();
    assertThat(env)
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("ODOOVPS_BACKUP_IMAGE");
              assertThat(e.getValue()).isEqualTo(container.getImage());
            })
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("QUARKUS_PROFILE");
              assertThat(e.getValue()).contains("leader-election");
            });
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getResources().getLimits()).containsKey("memory");
    // the build-time switch the profile turns on
    assertThat(Files.readString(Paths.get("src/main/resources/application.properties")))
        .contains("quarkus.operator-sdk.activate-leader-election-for-profiles=leader-election");

    var crds =
        items.stream()
            .filter(CustomResourceDefinition.class::isInstance)
            .map(CustomResourceDefinition.class::cast)
            .toList();
    // one per kind of the API group (the chart's copies of crds/, checked against them elsewhere)
    assertThat(crds)
        .extracting(crd -> crd.getSpec().getNames().getKind())
        .containsExactlyInAnyOrderElementsOf(
            io.odoovps.operator.testing.CrdConventions.KINDS.stream()
                .map(io.fabric8.kubernetes.api.model.HasMetadata::getKind)
                .toList());
    assertThat(crds)
        .allSatisfy(
            crd -> {
              assertThat(crd.getSpec().getGroup()).isEqualTo("odoovps.io");
              assertThat(crd.getMetadata().getAnnotations())
                  .containsEntry("helm.sh/resource-policy", "keep")
                  .as("Argo CD ignores Helm's keep: neither a prune nor the app's deletion")
                  .containsEntry("argocd.argoproj.io/sync-options", "Prune=false,Delete=false");
            });
    assertThat(parse(HelmChart.template("odoovps-system", "crds: {install: false}")))
        .noneMatch(CustomResourceDefinition.class::isInstance);
  }

  @Test
  void everySwitchOnRendersMonitoringAndTheSettings() {
    var rendered = HelmChart.template("odoovps-system", HelmChart.EVERYTHING_ON);
    var items = parse(rendered);
    assertThat(items.stream().map(HasMetadata::getKind))
        .contains("ServiceMonitor", "PrometheusRule");
    var properties =
        items.stream()
            .filter(i -> i instanceof io.fabric8.kubernetes.api.model.ConfigMap)
            .map(i -> ((io.fabric8.kubernetes.api.model.ConfigMap) i).getData())
            .findFirst()
            .orElseThrow()
            .get("application.properties");
    assertThat(properties)
        .contains("odoovps.locations.paris-1.ipv4-pool=192.0.2.0/24")
        .contains("odoovps.locations.paris-1.ipv4-exclude=192.0.2.1")
        .contains("odoovps.traffic.live-annotations.\"ovn.kubernetes.io/egress_rate\"={mbps}")
        .contains("odoovps.overcommit.cpu-ratio=4")
        .contains("odoovps.support.webhook.path=/alertmanager/webhook")
        // integers stay integers (a values-file number is a float to Helm)
        .contains("odoovps.support.webhook.max-body-bytes=4194304")
        .contains("odoovps.support.webhook.max-alerts=1000")
        .contains("odoovps.restore.ledger-namespace=odoovps-system")
        .doesNotContain("not-a-real-token");
  }

  @Test
  void theHelpdeskWebhookUrlAndTokenGoToTheSecretNeverTheConfigMap() {
    var url = "https://helpdesk.example/hooks/odoovps?key=not-a-real-key";
    var items =
        parse(
            HelmChart.template(
                "odoovps-system",
                "secrets: {helpdeskWebhookUrl: \""
                    + url
                    + "\", helpdeskWebhookToken: not-a-real-helpdesk-token}"));
    var properties =
        items.stream()
            .filter(io.fabric8.kubernetes.api.model.ConfigMap.class::isInstance)
            .map(i -> ((io.fabric8.kubernetes.api.model.ConfigMap) i).getData())
            .findFirst()
            .orElseThrow()
            .get("application.properties");
    assertThat(properties)
        .doesNotContain("helpdesk.example")
        .doesNotContain("not-a-real")
        .doesNotContain("webhook-url");
    var secret =
        items.stream()
            .filter(io.fabric8.kubernetes.api.model.Secret.class::isInstance)
            .map(io.fabric8.kubernetes.api.model.Secret.class::cast)
            .findFirst()
            .orElseThrow();
    var decoder = java.util.Base64.getDecoder();
    assertThat(new String(decoder.decode(secret.getData().get("helpdesk-webhook-url"))))
        .isEqualTo(url);
    assertThat(new String(decoder.decode(secret.getData().get("helpdesk-webhook-token"))))
        .isEqualTo("not-a-real-helpdesk-token");
    var env =
        items.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv();
    assertThat(env)
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("ODOOVPS_SUPPORT_HELPDESK_WEBHOOK_URL");
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo(secret.getMetadata().getName());
              assertThat(e.getValueFrom().getSecretKeyRef().getKey())
                  .isEqualTo("helpdesk-webhook-url");
            })
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("ODOOVPS_SUPPORT_HELPDESK_WEBHOOK_TOKEN");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey())
                  .isEqualTo("helpdesk-webhook-token");
            });
    // the old place of the URL, in the ConfigMap, is refused with where it went
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                HelmChart.template(
                    "odoovps-system", "config: {support: {helpdeskWebhookUrl: \"" + url + "\"}}"))
        .hasMessageContaining("moved to secrets.helpdeskWebhookUrl");
  }

  @Test
  void theLedgerNamespaceIsSetWhereTheRoleFollowsItNeverInExtraConfig() {
    var items =
        parse(HelmChart.template("odoovps-system", "config: {restore: {ledgerNamespace: ops}}"));
    var role =
        items.stream()
            .filter(Role.class::isInstance)
            .map(Role.class::cast)
            .filter(r -> r.getMetadata().getName().endsWith("-restore-ledger"))
            .findFirst()
            .orElseThrow();
    assertThat(role.getMetadata().getNamespace()).isEqualTo("ops");
    // get and update name the ledger; create cannot be limited by name, nor can the contract
    // records' get, patch and delete (one per VPS, named after it): in this namespace only
    assertThat(role.getRules())
        .anySatisfy(
            r -> {
              assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "update");
              assertThat(r.getResourceNames()).containsExactly("odoovps-restore-ledger");
            })
        .anySatisfy(
            r -> {
              assertThat(r.getVerbs())
                  .containsExactlyInAnyOrder("get", "create", "patch", "delete");
              assertThat(r.getResourceNames()).isNullOrEmpty();
            });
    var clusterRole = clusterRole(items, "odoovps-operator");
    assertThat(clusterRole.getRules())
        .filteredOn(r -> r.getResources().contains("configmaps"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getVerbs()).containsExactly("get");
              assertThat(r.getResourceNames()).containsExactly("odoovps-restore-ledger");
            });

    // the property set apart from the Role would have every acceptance refused: the chart says so
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                HelmChart.template(
                    "odoovps-system", "extraConfig: {odoovps.restore.ledger-namespace: ops}"))
        .hasMessageContaining("extraConfig: odoovps.restore.ledger-namespace cannot be set there")
        .hasMessageContaining("set config.restore.ledgerNamespace instead");
  }

  /** The container's plain environment variables (those with a value), by name. */
  private static java.util.Map<String, String> env(
      io.fabric8.kubernetes.api.model.Container container) {
    var env = new java.util.TreeMap<String, String>();
    container.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  private static ClusterRole operatorClusterRole(List<HasMetadata> items) {
    return items.stream()
        .filter(ClusterRole.class::isInstance)
        .map(ClusterRole.class::cast)
        .filter(r -> r.getMetadata().getName().equals("odoovps-operator"))
        .findFirst()
        .orElseThrow();
  }

  private static Deployment deployment(List<HasMetadata> items) {
    return items.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static ClusterRole clusterRole(List<HasMetadata> items, String name) {
    return items.stream()
        .filter(ClusterRole.class::isInstance)
        .map(ClusterRole.class::cast)
        .filter(r -> r.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void clusterRoleHasNoWildcardAndBindsTheBackupRoleOnly() {
    var items = parse(HelmChart.template("odoovps-system", HelmChart.EVERYTHING_ON));
    for (var role :
        List.of(
            clusterRole(items, "odoovps-operator"),
            clusterRole(items, "odoovps-operator-backup"))) {
      assertThat(role.getRules()).isNotEmpty();
      assertThat(role.getRules())
          .allSatisfy(
              rule -> {
                assertThat(rule.getVerbs()).isNotEmpty().doesNotContain("*");
                assertThat(rule.getResources()).isNotEmpty().noneMatch(r -> r.contains("*"));
                assertThat(rule.getApiGroups()).doesNotContain("*");
                assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
                assertThat(rule.getVerbs()).doesNotContain("escalate", "impersonate");
              });
    }
    var operator = clusterRole(items, "odoovps-operator");
    // bind: on the backup pods' ClusterRole, by name, and nothing else
    assertThat(operator.getRules())
        .filteredOn(r -> r.getVerbs().contains("bind"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getVerbs()).containsExactly("bind");
              assertThat(r.getResources()).containsExactly("clusterroles");
              assertThat(r.getResourceNames()).containsExactly("odoovps-operator-backup");
            });
    assertThat(operator.getRules())
        .as("no right on Roles: the operator writes none")
        .noneMatch(r -> r.getResources().contains("roles"));
    assertThat(operator.getRules())
        .as(
            "none of the backup pods' verbs held for them (patch of Secrets is the termination's"
                + " deletion approval, limited to the operator's labelled Secrets by its guard)")
        .noneMatch(
            r ->
                r.getResources().contains("virtualmachinesnapshots")
                    && r.getVerbs().contains("create"));
    // the backup pods: snapshots and exports, no Secret
    assertThat(clusterRole(items, "odoovps-operator-backup").getRules())
        .allSatisfy(
            r ->
                assertThat(r.getResources())
                    .containsAnyOf("virtualmachinesnapshots", "virtualmachineexports"))
        .noneMatch(r -> r.getResources().contains("secrets"));
    var properties = properties(items);
    assertThat(properties).contains("odoovps.backup.cluster-role=odoovps-operator-backup");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                HelmChart.template(
                    "odoovps-system", "extraConfig: {odoovps.backup.cluster-role: cluster-admin}"))
        .hasMessageContaining("odoovps.backup.cluster-role cannot be set there");
  }

  @Test
  void podsArePatchedOnlyWhenLiveAnnotationsAreSetAndOnlyThroughTheChartValue() {
    var off = parse(HelmChart.template("odoovps-system", "{}"));
    assertThat(clusterRole(off, "odoovps-operator").getRules())
        .as("no live annotations: no pod is patched")
        .noneMatch(r -> r.getResources().contains("pods") && r.getVerbs().contains("patch"));
    assertThat(admissionPolicies(off)).doesNotContain("odoovps-operator-launcher-annotations");
    assertThat(properties(off)).doesNotContain("live-annotations");

    var on = parse(HelmChart.template("odoovps-system", HelmChart.EVERYTHING_ON));
    assertThat(clusterRole(on, "odoovps-operator").getRules())
        .filteredOn(r -> r.getResources().contains("pods") && r.getVerbs().contains("patch"))
        .singleElement()
        .satisfies(r -> assertThat(r.getVerbs()).containsExactly("patch"));
    assertThat(admissionPolicies(on)).contains("odoovps-operator-launcher-annotations");
    assertThat(properties(on)).contains("odoovps.traffic.live-annotations.");

    // the option set apart from the grant would have every patch refused: the chart says so
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                HelmChart.template(
                    "odoovps-system",
                    "extraConfig: {'odoovps.traffic.live-annotations.\"a\"': '{mbps}'}"))
        .hasMessageContaining("cannot be set there: set config.traffic.liveAnnotations instead");
  }

  @Test
  void theShaperIsANodeAgentOnTheHostNetworkThatTheOperatorsSelectorsDoNotMatch() {
    var off = parse(HelmChart.template("odoovps-system", "{}"));
    assertThat(off).noneMatch(m -> m.getKind().equals("DaemonSet"));
    var on = parse(HelmChart.template("odoovps-system", "shaper: {enabled: true}"));
    var daemonSet =
        on.stream()
            .filter(io.fabric8.kubernetes.api.model.apps.DaemonSet.class::isInstance)
            .map(io.fabric8.kubernetes.api.model.apps.DaemonSet.class::cast)
            .findFirst()
            .orElseThrow();
    var spec = daemonSet.getSpec().getTemplate().getSpec();
    assertThat(spec.getHostNetwork()).isTrue();
    assertThat(spec.getServiceAccountName()).isEqualTo("odoovps-operator-shaper");
    var container = spec.getContainers().get(0);
    assertThat(container.getArgs()).containsExactly("shape");
    assertThat(container.getSecurityContext().getCapabilities().getAdd())
        .containsExactly("NET_ADMIN");
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getSecurityContext().getPrivileged()).isNull();
    assertThat(container.getEnv())
        .anyMatch(
            e ->
                e.getName().equals("NODE_NAME")
                    && e.getValueFrom().getFieldRef().getFieldPath().equals("spec.nodeName"));
    assertThat(container.getEnv())
        .anyMatch(e -> e.getName().equals("SHAPER_UDP_PPS") && e.getValue().equals("1000"))
        .anyMatch(e -> e.getName().equals("SHAPER_ICMP_PPS") && e.getValue().equals("20"));
    assertThat(spec.getVolumes())
        .anyMatch(
            v ->
                v.getHostPath() != null
                    && v.getHostPath().getPath().equals("/var/lib/cni/results"));
    // the operator's Deployment and Service select by labels the shaper's pods do not all carry
    var podLabels = daemonSet.getSpec().getTemplate().getMetadata().getLabels();
    var deployment =
        on.stream()
            .filter(io.fabric8.kubernetes.api.model.apps.Deployment.class::isInstance)
            .map(io.fabric8.kubernetes.api.model.apps.Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(
            podLabels
                .entrySet()
                .containsAll(deployment.getSpec().getSelector().getMatchLabels().entrySet()))
        .as("the shaper pods are not the operator's")
        .isFalse();
    // the operator patches the standard annotations live, and may patch pods for it
    assertThat(properties(on))
        .contains("odoovps.traffic.live-annotations.\"kubernetes.io/ingress-bandwidth\"={mbps}M")
        .contains("odoovps.traffic.live-annotations.\"kubernetes.io/egress-bandwidth\"={mbps}M");
    assertThat(clusterRole(on, "odoovps-operator").getRules())
        .anyMatch(r -> r.getResources().contains("pods") && r.getVerbs().contains("patch"));
    assertThat(admissionPolicies(on))
        .contains("odoovps-operator-launcher-annotations", "odoovps-operator-shaper-annotations");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                HelmChart.template(
                    "odoovps-system",
                    "shaper: {enabled: true}\nconfig: {traffic: {liveAnnotations: {a: b}}}"))
        .hasMessageContaining("config.traffic.liveAnnotations and shaper.enabled: choose one");
  }

  @Test
  void theOperatorGuardNamesTheOperatorsServiceAccountAndTheBackupRole() {
    var items =
        parse(
            HelmChart.template(
                "odoovps-system", "serviceAccount: {name: ops-bot}\nfullnameOverride: ovps"));
    var policies =
        items.stream()
            .filter(ValidatingAdmissionPolicy.class::isInstance)
            .map(ValidatingAdmissionPolicy.class::cast)
            .filter(p -> p.getMetadata().getName().startsWith("ovps-"))
            .toList();
    assertThat(policies)
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("ovps-own-secrets", "ovps-backup-bindings");
    assertThat(policies)
        .allSatisfy(
            p ->
                assertThat(p.getSpec().getMatchConditions())
                    .singleElement()
                    .satisfies(
                        c ->
                            assertThat(c.getExpression())
                                .isEqualTo(
                                    "request.userInfo.username =="
                                        + " 'system:serviceaccount:odoovps-system:ops-bot'")));
    assertThat(
            items.stream()
                .filter(ValidatingAdmissionPolicyBinding.class::isInstance)
                .map(b -> ((ValidatingAdmissionPolicyBinding) b).getSpec())
                .filter(b -> b.getPolicyName().startsWith("ovps-")))
        .hasSize(2)
        .allSatisfy(b -> assertThat(b.getValidationActions()).containsExactly("Deny"));
    assertThat(
            policies.stream()
                .filter(p -> p.getMetadata().getName().equals("ovps-backup-bindings"))
                .findFirst()
                .orElseThrow()
                .getSpec()
                .getValidations())
        .anySatisfy(v -> assertThat(v.getExpression()).contains("'ovps-backup'"));
    assertThat(clusterRole(items, "ovps-backup")).isNotNull();
    assertThat(
            admissionPolicies(
                parse(HelmChart.template("odoovps-system", "operatorGuard: {enabled: false}"))))
        .as("without the operator guard, the deletion guards alone")
        .containsOnly(
            "odoovps-deletion-guard",
            "odoovps-customer-data-guard",
            "odoovps-finalizer-guard",
            "odoovps-namespace-guard");
  }

  private static List<String> admissionPolicies(List<HasMetadata> items) {
    return items.stream()
        .filter(ValidatingAdmissionPolicy.class::isInstance)
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  private static String properties(List<HasMetadata> items) {
    return items.stream()
        .filter(io.fabric8.kubernetes.api.model.ConfigMap.class::isInstance)
        .map(i -> ((io.fabric8.kubernetes.api.model.ConfigMap) i).getData())
        .findFirst()
        .orElseThrow()
        .get("application.properties");
  }

  @Test
  void extraEnvVolumesAndMountsReachTheOperatorContainer() {
    var items =
        parse(
            HelmChart.template(
                "odoovps-system",
                """
                extraEnv: [{name: QUARKUS_LOG_LEVEL, value: DEBUG}]
                extraVolumes: [{name: trust, configMap: {name: provider-ca}}]
                extraVolumeMounts: [{name: trust, mountPath: /etc/odoovps-trust, readOnly: true}]
                """));
    var pod = deployment(items).getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("QUARKUS_LOG_LEVEL");
              assertThat(e.getValue()).isEqualTo("DEBUG");
            });
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("trust");
              assertThat(v.getConfigMap().getName()).isEqualTo("provider-ca");
            });
    assertThat(container.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/odoovps-trust"))
        .as("the chart's own mounts are kept")
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/odoovps"));
  }

  @Test
  void aDigestPinsTheOperatorAndBackupImageAndAMalformedOneIsRefused() throws IOException {
    var digest = "sha256:" + "0123456789abcdef".repeat(4);
    var container =
        deployment(parse(HelmChart.template("odoovps-system", "image: {digest: " + digest + "}")))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    var pinned = "ghcr.io/odoovps/odoovps-operator:" + appVersion() + "@" + digest;
    assertThat(container.getImage()).isEqualTo(pinned);
    assertThat(env(container))
        .as("the backup and restore Jobs run the same pinned image")
        .containsEntry("ODOOVPS_BACKUP_IMAGE", pinned);
    assertThatThrownBy(
            () -> HelmChart.template("odoovps-system", "image: {digest: \"sha256:short\"}"))
        .hasMessageContaining("/image/digest");
  }

  @Test
  void watchNamespacesMovesTheNamespacedRulesIntoARolePerNamespace() {
    var items =
        parse(HelmChart.template("odoovps-system", "watchNamespaces: [customers-a, customers-b]"));
    var all = operatorClusterRole(parse(HelmChart.template("odoovps-system", "{}"))).getRules();
    var cluster = operatorClusterRole(items).getRules();
    assertThat(cluster.stream().flatMap(r -> r.getResources().stream()))
        .as("only what is cluster-scoped stays in the ClusterRole")
        .containsExactlyInAnyOrder("ipv4allocations", "customresourcedefinitions");
    var roles =
        items.stream()
            .filter(Role.class::isInstance)
            .map(Role.class::cast)
            .filter(r -> r.getMetadata().getName().equals("odoovps-operator"))
            .toList();
    assertThat(roles.stream().map(r -> r.getMetadata().getNamespace()))
        .containsExactly("customers-a", "customers-b");
    for (var role : roles) {
      var together = new java.util.ArrayList<>(role.getRules());
      together.addAll(cluster);
      assertThat(together)
          .as("the Role and the ClusterRole are together the rules of the cluster-wide mode")
          .containsExactlyInAnyOrderElementsOf(all);
    }
    assertThat(
            items.stream()
                .filter(RoleBinding.class::isInstance)
                .map(RoleBinding.class::cast)
                .filter(b -> b.getMetadata().getName().equals("odoovps-operator"))
                .map(b -> b.getMetadata().getNamespace()))
        .containsExactly("customers-a", "customers-b");
    assertThat(env(deployment(items).getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "customers-a,customers-b");
    assertThatThrownBy(
            () -> HelmChart.template("odoovps-system", "watchNamespaces: [Not_A_Namespace]"))
        .hasMessageContaining("/watchNamespaces/0");
  }

  @Test
  void aDisruptionBudgetKeepsOneReplicaOnlyWhenThereAreTwo() {
    var budgets =
        parse(HelmChart.template("odoovps-system", "{}")).stream()
            .filter(PodDisruptionBudget.class::isInstance)
            .map(PodDisruptionBudget.class::cast)
            .toList();
    assertThat(budgets)
        .singleElement()
        .satisfies(
            pdb -> {
              assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
              assertThat(pdb.getSpec().getSelector().getMatchLabels())
                  .isEqualTo(
                      deployment(parse(HelmChart.template("odoovps-system", "{}")))
                          .getSpec()
                          .getSelector()
                          .getMatchLabels());
            });
    assertThat(parse(HelmChart.template("odoovps-system", "replicaCount: 1")))
        .as("one replica: a budget of 1 would block every drain")
        .noneMatch(PodDisruptionBudget.class::isInstance);
  }

  @Test
  void peopleGetViewSupportAndAdminRolesThatNeverReadSecrets() {
    var items = parse(HelmChart.template("odoovps-system", "{}"));
    var view = clusterRole(items, "odoovps-operator-view");
    var support = clusterRole(items, "odoovps-operator-support");
    var admin = clusterRole(items, "odoovps-operator-admin");
    assertThat(view.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true");
    assertThat(support.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true");
    assertThat(admin.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true");
    for (var role : List.of(view, support, admin)) {
      assertThat(role.getRules())
          .allSatisfy(
              r -> {
                assertThat(r.getResources()).noneMatch(x -> x.contains("*") || x.contains("/"));
                if (!r.getApiGroups().contains("odoovps.io")) {
                  // only the restore ledger, by name
                  assertThat(r.getResources()).containsExactly("configmaps");
                  assertThat(r.getResourceNames()).containsExactly("odoovps-restore-ledger");
                  assertThat(r.getVerbs()).containsExactly("get");
                }
              });
    }
    assertThat(view.getRules())
        .allSatisfy(r -> assertThat(r.getVerbs()).isSubsetOf("get", "list", "watch"));
    assertThat(support.getRules())
        .as("support deletes nothing")
        .allSatisfy(r -> assertThat(r.getVerbs()).doesNotContain("delete", "deletecollection"));
    var unaggregated =
        parse(
            HelmChart.template(
                "odoovps-system", "rbac: {userRoles: {aggregateToDefaultRoles: false}}"));
    assertThat(clusterRole(unaggregated, "odoovps-operator-support").getMetadata().getLabels())
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-edit");
    assertThat(parse(HelmChart.template("odoovps-system", "rbac: {userRoles: {create: false}}")))
        .noneMatch(m -> m.getMetadata().getName().equals("odoovps-operator-view"));
  }

  @Test
  void appVersionIsThePomVersion() throws IOException {
    var pom = Files.readString(Paths.get("pom.xml"));
    var matcher =
        Pattern.compile("<artifactId>odoovps-operator</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertThat(matcher.find()).isTrue();
    assertThat(appVersion()).isEqualTo(matcher.group(1));
  }

  @Test
  void everyValueIsCommentedAndNotesShowNoSecret() throws IOException {
    var lines = Files.readAllLines(HelmChart.DIR.resolve("values.yaml"));
    var key = Pattern.compile("^\\s*[A-Za-z][A-Za-z0-9_.-]*:");
    String previous = "";
    var uncommented = new ArrayList<String>();
    for (var line : lines) {
      if (line.isBlank()) {
        continue;
      }
      if (key.matcher(line).find()
          && !line.contains("#")
          && !previous.stripLeading().startsWith("#")) {
        uncommented.add(line);
      }
      previous = line;
    }
    assertThat(uncommented).as("values.yaml keys without a comment").isEmpty();
    assertThat(Files.readString(HelmChart.DIR.resolve("templates").resolve("NOTES.txt")))
        .doesNotContain(".Values.secrets.mailPassword")
        .doesNotContain(".Values.secrets.webhookToken")
        .doesNotContain(".Values.secrets.prometheusBearerToken")
        .doesNotContain(".Values.secrets.helpdeskWebhookUrl")
        .doesNotContain(".Values.secrets.helpdeskWebhookToken");
  }

  private static String appVersion() throws IOException {
    return Files.readAllLines(HelmChart.DIR.resolve("Chart.yaml")).stream()
        .filter(l -> l.startsWith("appVersion:"))
        .map(l -> l.substring("appVersion:".length()).trim().replace("\"", ""))
        .findFirst()
        .orElseThrow();
  }
}
