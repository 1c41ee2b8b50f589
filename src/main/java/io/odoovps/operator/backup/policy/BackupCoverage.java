package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicySpec;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Refusal;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which VPSs a policy backs up (article 3): those its selector and locations select, not
 * terminated, and outside the bucket's own datacenter; the selected ones inside it are refused,
 * with the reason. Also which other policy backs a VPS up now. Pure.
 *
 * @param covered the VPSs backed up, by name
 * @param refused the selected VPSs in the target's datacenter
 */
record BackupCoverage(List<OdooVps> covered, List<Refusal> refused) {

  /** The coverage of {@code spec} among {@code vps} (every OdooVps of the namespace). */
  static BackupCoverage of(BackupPolicySpec spec, Collection<OdooVps> vps) {
    var selected =
        vps.stream()
            .filter(v -> v.getSpec() != null && v.getSpec().getTermination() == null)
            .filter(v -> v.getStatus() == null || v.getStatus().getTermination() == null)
            .filter(v -> matches(spec.getVpsSelector(), v.getMetadata().getLabels()))
            .filter(
                v ->
                    spec.getLocations() == null
                        || spec.getLocations().contains(v.getSpec().getLocation()))
            .sorted(Comparator.comparing(v -> v.getMetadata().getName()))
            .toList();
    var target = spec.getTarget().getLocation();
    var refused =
        selected.stream()
            .filter(v -> target.equals(v.getSpec().getLocation()))
            .map(
                v ->
                    new Refusal(
                        v.getMetadata().getName(),
                        "spec.target.location "
                            + target
                            + " is the VPS's own datacenter: the contract (article 3) keeps"
                            + " backups in another datacenter"))
            .toList();
    var covered = selected.stream().filter(v -> !target.equals(v.getSpec().getLocation())).toList();
    return new BackupCoverage(covered, refused);
  }

  /** The names of the covered VPSs. */
  Set<String> names() {
    return covered.stream().map(v -> v.getMetadata().getName()).collect(Collectors.toSet());
  }

  /**
   * The first (by name) of {@code others} that backs {@code vps} up now: its record of the VPS
   * (among {@code records}) has a CronJob.
   */
  static Optional<BackupPolicy> coveringElsewhere(
      Collection<BackupPolicy> others, Collection<BackupRecord> records, String vps) {
    return others.stream()
        .filter(
            p ->
                BackupRecords.entry(records, p.getMetadata().getName(), vps)
                    .filter(v -> v.cronJob() != null)
                    .isPresent())
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .findFirst();
  }

  /** Whether {@code other} writes to the bucket of {@code policy} (same endpoint and bucket). */
  static boolean sameBucket(BackupPolicy policy, BackupPolicy other) {
    var target = policy.getSpec().getTarget();
    return other.getSpec() != null
        && other.getSpec().getTarget() != null
        && Objects.equals(other.getSpec().getTarget().getEndpoint(), target.getEndpoint())
        && Objects.equals(other.getSpec().getTarget().getBucket(), target.getBucket());
  }

  /** Label selector semantics: matchLabels and the four matchExpressions operators. */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    var have = labels == null ? Map.<String, String>of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(have.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (var r : selector.getMatchExpressions()) {
        var value = have.get(r.getKey());
        var values = r.getValues() == null ? List.<String>of() : r.getValues();
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> value != null && values.contains(value);
              case "NotIn" -> value == null || !values.contains(value);
              case "Exists" -> have.containsKey(r.getKey());
              case "DoesNotExist" -> !have.containsKey(r.getKey());
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
