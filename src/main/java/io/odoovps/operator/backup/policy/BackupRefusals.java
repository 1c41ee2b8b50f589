package io.odoovps.operator.backup.policy;

import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Refusal;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import java.util.List;
import java.util.Optional;

/**
 * Why a policy refuses a VPS it selects, found from the policy's spec and the VPS as the policy's
 * own reconcile finds it ({@link BackupCoverage}), so that the VPS can say so without the policy's
 * status listing every refused VPS. Pure.
 */
public final class BackupRefusals {

  private BackupRefusals() {}

  /**
   * The reason {@code policy} refuses {@code vps}; empty when it does not select it or covers it.
   */
  public static Optional<String> of(BackupPolicy policy, OdooVps vps) {
    var spec = policy.getSpec();
    if (spec == null || spec.getTarget() == null || spec.getTarget().getLocation() == null) {
      return Optional.empty();
    }
    return BackupCoverage.of(spec, List.of(vps)).refused().stream()
        .findFirst()
        .map(Refusal::reason);
  }
}
