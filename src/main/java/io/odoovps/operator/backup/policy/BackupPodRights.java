package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The decisions behind what a policy's backup pods may use: whether the stored RoleBinding of the
 * policy must be replaced (a roleRef cannot change, and releases before the chart's backup
 * ClusterRole bound a Role that granted every Secret of the namespace), which covered VPSs still
 * lack their export token Secret (created once, never rewritten, so that a resync writes nothing
 * and a running backup keeps its token), and a new token's value. No Kubernetes client: the
 * reconciler reads and acts.
 */
final class BackupPodRights {

  private static final SecureRandom RANDOM = new SecureRandom();

  private BackupPodRights() {}

  /** Whether {@code stored} binds another role than {@code desired}: it must go first. */
  static boolean mustReplace(RoleBinding stored, RoleBinding desired) {
    if (stored == null) {
      return false;
    }
    var have = stored.getRoleRef();
    var want = desired.getRoleRef();
    return have == null
        || !Objects.equals(have.getKind(), want.getKind())
        || !Objects.equals(have.getName(), want.getName())
        || !Objects.equals(have.getApiGroup(), want.getApiGroup());
  }

  /** The covered VPSs of {@code policy} whose export token Secret is not among {@code stored}. */
  static List<String> lackingToken(String policy, Collection<String> covered, Set<String> stored) {
    return covered.stream()
        .filter(vps -> !stored.contains(BackupJobDesign.exportTokenSecretName(policy, vps)))
        .toList();
  }

  /** 32 random bytes in hex: a new export token. */
  static String newToken() {
    var bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
