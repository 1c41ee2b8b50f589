package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.odoovps.BackupCoverageStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.backup.policy.BackupRecords;
import io.odoovps.operator.backup.policy.BackupSelection;
import io.odoovps.operator.contract.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Article 3 seen from the VPS: which BackupPolicy backs it up (one whose spec selects it and does
 * not refuse it, as the policy's own reconcile decides), and how long ago its last backup succeeded
 * (the policies' BackupRecords of it). A VPS that no policy covers says so (BackedUp=False,
 * NotCovered) instead of silently going without backups. Pure: it reads the policies and the VPS's
 * records as the cache holds them.
 */
public final class BackupCoverage {

  /**
   * What the VPS shows: its status section, its BackedUp condition, and the instant its time
   * without a backup counts from (its last success, else its creation) for the age gauge.
   */
  public record Outcome(
      BackupCoverageStatus status,
      boolean backedUp,
      String reason,
      String message,
      Instant withoutBackupSince) {}

  private BackupCoverage() {}

  /**
   * @param vpsObject the VPS (the age of one never backed up counts from its creation)
   * @param staleAfter how old the last success may be (26 h: a day and the Job's run time)
   */
  public static Outcome of(
      OdooVps vpsObject,
      List<BackupPolicy> policies,
      List<BackupRecord> records,
      BackupCoverageStatus previous,
      Instant now,
      Duration staleAfter) {
    var vps = vpsObject.getMetadata().getName();
    var created = Timestamps.parse(vpsObject.getMetadata().getCreationTimestamp());
    // the newest success any policy reports, or the one shown before (a hand-over to another
    // policy starts its entry afresh)
    var lastSuccess =
        Stream.concat(
                policies.stream()
                    .flatMap(p -> entry(records, p, vps).stream())
                    .map(VpsBackups::lastSuccess)
                    .filter(Objects::nonNull)
                    .map(b -> b.time()),
                Stream.ofNullable(previous == null ? null : previous.lastSuccess()))
            .max(Comparator.comparing(Timestamps::parse));
    var base = lastSuccess.map(Timestamps::parse).orElse(created);
    boolean late = !now.isBefore(base.plus(staleAfter));
    var lastText = lastSuccess.map(t -> "last success " + t).orElse("no backup has succeeded yet");
    // from the policy's spec, as the policy finds it: so from the VPS's first pass, before the
    // policy's record of it exists (a second status write otherwise)
    var covering =
        policies.stream()
            .filter(p -> BackupSelection.covers(p, vpsObject))
            .map(p -> p.getMetadata().getName())
            .sorted()
            .findFirst();
    if (covering.isPresent()) {
      var status = new BackupCoverageStatus(covering.get(), lastSuccess.orElse(null), null);
      var message =
          "Backed up by BackupPolicy "
              + covering.get()
              + "; "
              + lastText
              + (late ? " (more than " + staleAfter.toHours() + " h without one)" : "");
      if (late) {
        return new Outcome(status, false, "BackupOverdue", message, base);
      }
      return lastSuccess.isPresent()
          ? new Outcome(status, true, "BackedUp", message, base)
          : new Outcome(status, false, "NoBackupYet", message, base);
    }
    // found from the policy's spec, as the policy finds it: its status lists only the first few
    var refusal =
        policies.stream()
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .flatMap(
                p ->
                    BackupSelection.refusal(p, vpsObject).stream()
                        .map(r -> "BackupPolicy " + p.getMetadata().getName() + ": " + r))
            .findFirst();
    var since =
        previous != null && previous.policy() == null && previous.notCoveredSince() != null
            ? previous.notCoveredSince()
            : Timestamps.format(previous == null ? created : now);
    var status = new BackupCoverageStatus(null, lastSuccess.orElse(null), since);
    var message =
        refusal.orElse(
                "No BackupPolicy backs this VPS up (article 3: a backup every 24 h, kept 15 days"
                    + " in another datacenter); check the policies' spec.vpsSelector and"
                    + " spec.locations against the VPS's labels and location")
            + "; "
            + lastText
            + (lastSuccess.isPresent() ? ", its backups are kept" : "");
    return new Outcome(
        status, false, refusal.isPresent() ? "Refused" : "NotCovered", message, base);
  }

  private static Optional<VpsBackups> entry(
      List<BackupRecord> records, BackupPolicy policy, String vps) {
    return BackupRecords.entry(records, policy.getMetadata().getName(), vps);
  }
}
