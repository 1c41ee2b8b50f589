package io.odoovps.operator.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the backup RoleBinding is replaced, which VPSs get a token, and what a token is. */
class BackupPodRightsTest {

  private static RoleBinding binding(String kind, String role) {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName("daily-backup")
        .endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", kind, role)
        .build();
  }

  @Test
  void aBindingToAnotherRoleIsReplacedTheSameOneIsKept() {
    var desired = binding("ClusterRole", "odoovps-operator-backup");
    assertThat(BackupPodRights.mustReplace(null, desired)).as("nothing stored").isFalse();
    assertThat(
            BackupPodRights.mustReplace(binding("ClusterRole", "odoovps-operator-backup"), desired))
        .isFalse();
    assertThat(BackupPodRights.mustReplace(binding("Role", "daily-backup"), desired))
        .as("the Role binding of earlier releases")
        .isTrue();
    assertThat(BackupPodRights.mustReplace(binding("ClusterRole", "other-release-backup"), desired))
        .as("a renamed release")
        .isTrue();
    assertThat(
            BackupPodRights.mustReplace(
                new RoleBindingBuilder().withNewMetadata().endMetadata().build(), desired))
        .isTrue();
  }

  @Test
  void onlyTheCoveredVpssWithoutATokenGetOne() {
    var stored = Set.of(BackupJobDesign.exportTokenSecretName("daily", "alpha"), "unrelated");
    assertThat(BackupPodRights.lackingToken("daily", List.of("alpha", "bravo"), stored))
        .containsExactly("bravo");
    assertThat(BackupPodRights.lackingToken("weekly", List.of("alpha"), stored))
        .as("another policy's token is not this policy's")
        .containsExactly("alpha");
    assertThat(BackupPodRights.lackingToken("daily", List.of(), stored)).isEmpty();
  }

  @Test
  void aTokenIs32RandomBytesInHex() {
    var first = BackupPodRights.newToken();
    assertThat(first).matches("[0-9a-f]{64}");
    assertThat(BackupPodRights.newToken()).isNotEqualTo(first);
  }
}
