package io.odoovps.operator.backup.policy;

import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The BackupRecords of the policies: one per (policy, VPS), holding what a policy's status held per
 * VPS before (an entry), so that no object grows with the number of VPSs. What they are called and
 * labelled, whose they are, and the entries a policy had before this reconcile. Pure.
 */
public final class BackupRecords {

  /** The component label of a record. */
  public static final String COMPONENT_VALUE = "backup-record";

  private BackupRecords() {}

  /** The record of {@code entry} under {@code policy}, owned by the policy (gone with it). */
  public static BackupRecord of(BackupPolicy policy, VpsBackups entry) {
    var labels = BackupJobDesign.labels(policy.getMetadata().getName(), entry.name());
    labels.put(BackupJobDesign.COMPONENT, COMPONENT_VALUE);
    var record = new BackupRecord();
    record.setMetadata(
        BackupJobDesign.meta(
            BackupRecord.nameOf(entry.name(), policy.getMetadata().getName()), policy, labels));
    record.setSpec(entry);
    return record;
  }

  /** The policy a record belongs to (its label), null for none. */
  public static String policyOf(BackupRecord record) {
    var labels = record.getMetadata().getLabels();
    return labels == null ? null : labels.get(BackupJobDesign.POLICY_LABEL);
  }

  /** The VPS a record is of (its label), null for none. */
  public static String vpsOf(BackupRecord record) {
    var labels = record.getMetadata().getLabels();
    return labels == null ? null : labels.get(BackupJobDesign.VPS_LABEL);
  }

  /** The entry of {@code vps} under the policy named {@code policy} among {@code records}. */
  public static Optional<VpsBackups> entry(
      Collection<BackupRecord> records, String policy, String vps) {
    return records.stream()
        .filter(r -> policy.equals(policyOf(r)) && vps.equals(vpsOf(r)) && r.getSpec() != null)
        .map(BackupRecord::getSpec)
        .findFirst();
  }

  /**
   * The entries the policy had before this reconcile, by VPS: its records, and for a VPS with no
   * record yet the entry of a release before the records (the policy's status), moved so.
   */
  static Map<String, VpsBackups> previous(BackupPolicy policy, Collection<BackupRecord> records) {
    var byVps = new HashMap<String, VpsBackups>();
    var legacy = policy.getStatus() == null ? null : policy.getStatus().vps();
    Optional.ofNullable(legacy).orElse(List.of()).forEach(e -> byVps.put(e.name(), e));
    var name = policy.getMetadata().getName();
    records.stream()
        .filter(r -> name.equals(policyOf(r)) && r.getSpec() != null)
        .forEach(r -> byVps.put(r.getSpec().name(), r.getSpec()));
    return byVps;
  }

  /** The stored records of the policy named {@code policy}, by VPS. */
  static Map<String, BackupRecord> stored(String policy, Collection<BackupRecord> records) {
    var byVps = new HashMap<String, BackupRecord>();
    records.stream()
        .filter(r -> policy.equals(policyOf(r)) && vpsOf(r) != null)
        .forEach(r -> byVps.put(vpsOf(r), r));
    return byVps;
  }

  /** Whether {@code stored} holds {@code entry} already: nothing to write. */
  static boolean holds(BackupRecord stored, VpsBackups entry) {
    return stored != null && Objects.equals(stored.getSpec(), entry);
  }
}
