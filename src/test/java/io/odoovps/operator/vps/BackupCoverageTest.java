package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.odoovps.BackupCoverageStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsSpec;
import io.odoovps.operator.testing.BackupFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupCoverageTest {

  private static final Instant CREATED = Instant.parse("2026-03-01T00:00:00Z");
  private static final Duration STALE = Duration.ofHours(26);

  /** A policy into lyon-1 (or {@code target}) that selects every VPS, with those entries. */
  private static BackupPolicy policy(String name, List<VpsBackups> entries, String target) {
    var policy =
        BackupFixtures.policy(
            "ns", name, "https://s3.example", "b", target == null ? "lyon-1" : target, "s3");
    policy.setStatus(
        new BackupPolicyStatus(null, null, null, null, null, null, null, entries, null, null));
    return policy;
  }

  private static VpsBackups entry(String cronJob, String lastSuccess) {
    var backup = lastSuccess == null ? null : new Backup("id", lastSuccess, 1L, "0".repeat(64));
    return new VpsBackups(
        "acme", "paris-1", cronJob, null, null, backup, null, null, null, null, null, null, null,
        null);
  }

  private static BackupCoverage.Outcome at(
      String now, BackupCoverageStatus previous, BackupPolicy... policies) {
    // the entries the policies list (the old way) are their BackupRecords, as the operator writes
    var records =
        java.util.Arrays.stream(policies)
            .filter(p -> p.getStatus().vps() != null)
            .flatMap(
                p ->
                    p.getStatus().vps().stream()
                        .map(e -> io.odoovps.operator.backup.policy.BackupRecords.of(p, e)))
            .toList();
    var vps = new OdooVps();
    vps.setMetadata(
        new ObjectMetaBuilder()
            .withName("acme")
            .withNamespace("ns")
            .withCreationTimestamp(CREATED.toString())
            .build());
    vps.setSpec(new OdooVpsSpec());
    vps.getSpec().setLocation("paris-1");
    return BackupCoverage.of(vps, List.of(policies), records, previous, Instant.parse(now), STALE);
  }

  @Test
  void coveredAndRecent() {
    var o =
        at(
            "2026-03-05T12:00:00Z",
            null,
            policy("daily", List.of(entry("backup-daily-acme", "2026-03-05T02:00:00Z")), null));
    assertThat(o.backedUp()).isTrue();
    assertThat(o.reason()).isEqualTo("BackedUp");
    assertThat(o.status().policy()).isEqualTo("daily");
    assertThat(o.withoutBackupSince()).isEqualTo(Instant.parse("2026-03-05T02:00:00Z"));
  }

  @Test
  void coveredButTheLastSuccessIsOlderThan26Hours() {
    var o =
        at(
            "2026-03-06T05:00:00Z",
            null,
            policy("daily", List.of(entry("backup-daily-acme", "2026-03-05T02:00:00Z")), null));
    assertThat(o.backedUp()).isFalse();
    assertThat(o.reason()).isEqualTo("BackupOverdue");
  }

  @Test
  void aNewVpsWaitsForItsFirstBackupThenIsOverdue() {
    var policy = policy("daily", List.of(entry("backup-daily-acme", null)), null);
    assertThat(at("2026-03-01T20:00:00Z", null, policy).reason()).isEqualTo("NoBackupYet");
    assertThat(at("2026-03-02T03:00:00Z", null, policy).reason()).isEqualTo("BackupOverdue");
  }

  @Test
  void notCoveredSaysSoKeepsItsLastSuccessAndTheTimeItWentUncovered() {
    // the entry stays in the old policy, without a CronJob
    var old = policy("daily", List.of(entry(null, "2026-03-03T02:00:00Z")), null);
    // the VPS's labels no longer match the policy's selector
    old.getSpec()
        .setVpsSelector(
            new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                .withMatchLabels(java.util.Map.of("backup", "daily"))
                .build());
    var previous = new BackupCoverageStatus("daily", "2026-03-03T02:00:00Z", null);
    var o = at("2026-03-04T00:00:00Z", previous, old);
    assertThat(o.backedUp()).isFalse();
    assertThat(o.reason()).isEqualTo("NotCovered");
    assertThat(o.message()).contains("spec.vpsSelector", "last success 2026-03-03T02:00:00Z");
    assertThat(o.status().notCoveredSince()).isEqualTo("2026-03-04T00:00:00Z");
    var later = at("2026-03-10T00:00:00Z", o.status(), old);
    assertThat(later.status().notCoveredSince()).isEqualTo("2026-03-04T00:00:00Z");
    assertThat(later.withoutBackupSince()).isEqualTo(Instant.parse("2026-03-03T02:00:00Z"));
  }

  @Test
  void aRefusalIsTheReason() {
    var o =
        at(
            "2026-03-04T00:00:00Z",
            null,
            // the policy selects every VPS and keeps its backups in the VPS's own datacenter
            policy("daily", List.of(), "paris-1"));
    assertThat(o.reason()).isEqualTo("Refused");
    assertThat(o.message()).contains("BackupPolicy daily: spec.target.location paris-1");
  }

  @Test
  void aSelectedVpsIsCoveredFromItsFirstPassBeforeThePolicysRecordOfItExists() {
    var o = at("2026-03-01T01:00:00Z", null, policy("daily", null, null));
    assertThat(o.reason()).isEqualTo("NoBackupYet");
    assertThat(o.status().policy()).isEqualTo("daily");
  }

  @Test
  void aHandOverKeepsTheLastSuccessShownBefore() {
    var fresh = policy("gold", List.of(entry("backup-gold-acme", null)), null);
    var previous = new BackupCoverageStatus("silver", "2026-03-03T02:00:00Z", null);
    var o = at("2026-03-03T12:00:00Z", previous, fresh);
    assertThat(o.backedUp()).isTrue();
    assertThat(o.status().policy()).isEqualTo("gold");
    assertThat(o.status().lastSuccess()).isEqualTo("2026-03-03T02:00:00Z");
  }
}
