package io.odoovps.operator.backup.policy;

import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Refusal;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import java.util.List;
import java.util.Optional;

/**
 * Whether a policy backs a VPS up, or refuses it, found from the policy's spec and the VPS as the
 * policy's own reconcile finds it ({@link BackupCoverage}). The VPS can then say so from its first
 * pass, before the policy's record of it exists, and without the policy's status listing every VPS.
 * Pure.
 */
public final class BackupSelection {

  private BackupSelection() {}

  /** Whether {@code policy} backs {@code vps} up: it selects it and does not refuse it. */
  public static boolean covers(BackupPolicy policy, OdooVps vps) {
    return usable(policy) && !BackupCoverage.of(policy.getSpec(), List.of(vps)).covered().isEmpty();
  }

  /**
   * The reason {@code policy} refuses {@code vps}; empty when it does not select it or covers it.
   */
  public static Optional<String> refusal(BackupPolicy policy, OdooVps vps) {
    if (!usable(policy)) {
      return Optional.empty();
    }
    return BackupCoverage.of(policy.getSpec(), List.of(vps)).refused().stream()
        .findFirst()
        .map(Refusal::reason);
  }

  private static boolean usable(BackupPolicy policy) {
    var spec = policy.getSpec();
    return spec != null && spec.getTarget() != null && spec.getTarget().getLocation() != null;
  }
}
