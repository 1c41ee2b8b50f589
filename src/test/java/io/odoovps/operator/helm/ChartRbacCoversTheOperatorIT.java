package io.odoovps.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.testing.AuditLog.Request;
import io.odoovps.operator.testing.ControlPlane;
import io.odoovps.operator.testing.TestNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC against what the operator really does. Surefire's run writes every kind of
 * request that the operator's clients made to the real API server during the whole suite, reads
 * included (the control plane's audit log, {@link ControlPlane#REQUESTS_PROPERTY}); this check, run
 * by failsafe after it, proves both directions of "least privilege":
 *
 * <ul>
 *   <li>every one of those requests is allowed by the chart's ClusterRole or Role;
 *   <li>every verb the chart grants the operator was used by some request, or is held for a stated
 *       reason (the operator holds none of the backup pods' verbs: it binds their ClusterRole with
 *       {@code bind}).
 * </ul>
 */
class ChartRbacCoversTheOperatorIT {

  /**
   * Grants that no test request uses, each with its reason. Keep it short: a grant with no use and
   * no reason here is one to remove from the chart.
   */
  static final Map<String, String> HELD_WITHOUT_A_REQUEST =
      Map.of(
          "update odoovps.io odoovps/finalizers",
          "blockOwnerDeletion on owner references, where OwnerReferencesPermissionEnforcement"
              + " admission is on (OpenShift); an authorization check, never a request",
          "update odoovps.io backuppolicies/finalizers",
          "as odoovps/finalizers",
          "update odoovps.io odoovpsrestores/finalizers",
          "as odoovps/finalizers",
          "update odoovps.io mitigationstates/finalizers",
          "as odoovps/finalizers",
          "update coordination.k8s.io leases",
          "JOSDK's leader election asks a SelfSubjectRulesReview for get, create and update on"
              + " leases before it starts, and stops without them; fabric8's LeaseLock renews by"
              + " patch",
          "bind rbac.authorization.k8s.io clusterroles",
          "the create of each backup RoleBinding: RBAC's escalation check accepts bind on the"
              + " ClusterRole it names (resourceNames: the backup ClusterRole only) instead of"
              + " holding that role's verbs; an authorization check, never a request");

  @Test
  void everyRequestOfTheOperatorIsAllowedAndEveryGrantIsUsed() throws IOException {
    var file =
        Path.of(System.getProperty(ControlPlane.REQUESTS_PROPERTY, "target/operator-requests.txt"));
    assertThat(file)
        .as(file + " is written by the surefire run of the suite (mvn verify runs it first)")
        .isRegularFile();
    var requests =
        Files.readAllLines(file).stream()
            .filter(l -> !l.isBlank())
            .map(Request::parse)
            .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    assertThat(requests)
        .as("the suite's requests (is the audit log keeping the operator's reads?)")
        .anyMatch(r -> r.verb().equals("watch"))
        .anyMatch(r -> r.verb().equals("create"));

    List<PolicyRule> rules;
    try (var client = ControlPlane.get().newClient()) {
      // the chart's RBAC, installed for real; the API server's own authorizer answers, with the
      // roles every authenticated user holds (system:basic-user, system:discovery) included
      var namespace = TestNamespaces.create(client, "chart-rbac");
      var manifests =
          ChartTemplateTest.parse(HelmChart.template(namespace, HelmChart.EVERYTHING_ON));
      for (var manifest : manifests) {
        if (RBAC_KINDS.contains(manifest.getKind())) {
          client.resource(manifest).fieldManager("helm").forceConflicts().serverSideApply();
        }
      }
      var leases = new Request("get", "coordination.k8s.io", "leases", "");
      await().atMost(Duration.ofSeconds(10)).until(() -> allowed(client, namespace, leases));
      // a kind of request allowed whatever its object; else each named request by its name (a
      // grant limited by resourceNames)
      var allowedKinds = new java.util.HashMap<Request, Boolean>();
      var refused =
          requests.stream()
              .filter(
                  r ->
                      !allowedKinds.computeIfAbsent(r.kind(), k -> allowed(client, namespace, k))
                          && (r.name().isEmpty() || !allowed(client, namespace, r)))
              .toList();
      assertThat(refused)
          .as(
              "requests of the operator that the chart's RBAC refuses, asked to the API server's"
                  + " authorizer (add them to the chart)")
          .isEmpty();
      rules = chartRules(manifests);
    }

    var usedKinds =
        requests.stream().map(Request::kind).collect(java.util.stream.Collectors.toSet());
    var unused = new TreeSet<String>();
    for (var grant : grants(rules)) {
      if (!usedKinds.contains(grant) && !HELD_WITHOUT_A_REQUEST.containsKey(grant.toString())) {
        unused.add(grant.toString());
      }
    }
    assertThat(unused)
        .as(
            "grants of the chart that no request of the suite used and no reason explains (remove"
                + " them, or test the code path that needs them)")
        .isEmpty();
  }

  private static final Set<String> RBAC_KINDS =
      Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

  /** Asks the API server's authorizer, in the release namespace, for the request's object. */
  private static boolean allowed(KubernetesClient client, String namespace, Request request) {
    return HelmChart.allowed(
        client,
        namespace,
        request.verb(),
        request.group(),
        request.resource(),
        request.subresource(),
        namespace,
        request.name().isEmpty() ? null : request.name());
  }

  /**
   * The rules of the chart's roles bound to the operator's ServiceAccount (its ClusterRole, the
   * restore-ledger and leader-election Roles), as rendered; not the backup pods' ClusterRole, which
   * the operator binds for them and does not hold.
   */
  static List<PolicyRule> chartRules(List<HasMetadata> manifests) {
    var bound = new java.util.HashSet<String>();
    for (HasMetadata object : manifests) {
      if (object instanceof ClusterRoleBinding binding
          && boundToTheOperator(binding.getSubjects())) {
        bound.add("ClusterRole/" + binding.getRoleRef().getName());
      } else if (object instanceof RoleBinding binding
          && boundToTheOperator(binding.getSubjects())) {
        bound.add(binding.getRoleRef().getKind() + "/" + binding.getRoleRef().getName());
      }
    }
    var rules = new ArrayList<PolicyRule>();
    for (HasMetadata object : manifests) {
      if (object instanceof ClusterRole role
          && bound.contains("ClusterRole/" + role.getMetadata().getName())) {
        rules.addAll(role.getRules());
      } else if (object instanceof Role role
          && bound.contains("Role/" + role.getMetadata().getName())) {
        rules.addAll(role.getRules());
      }
    }
    assertThat(rules).as("rules rendered by the chart for the operator").isNotEmpty();
    return rules;
  }

  private static boolean boundToTheOperator(List<Subject> subjects) {
    return subjects != null
        && subjects.stream()
            .anyMatch(
                s -> "ServiceAccount".equals(s.getKind()) && HelmChart.RELEASE.equals(s.getName()));
  }

  /** Every (verb, group, resource) the rules grant, one by one. */
  static List<Request> grants(List<PolicyRule> rules) {
    var grants = new ArrayList<Request>();
    for (var rule : rules) {
      for (var group : rule.getApiGroups()) {
        for (var resource : rule.getResources()) {
          var parts = resource.split("/", 2);
          for (var verb : rule.getVerbs()) {
            grants.add(new Request(verb, group, parts[0], parts.length > 1 ? parts[1] : ""));
          }
        }
      }
    }
    return grants;
  }
}
