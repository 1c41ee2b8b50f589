package io.odoovps.operator.restore;

import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.contract.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Which backups of a VPS a BackupPolicy's status vouches for, so that a restore of it may be
 * accepted. A listed backup is restorable. The list is cut to the newest backups that fit a pod's
 * termination message (about 24), so with a long retention older backups are kept but not listed:
 * one of those is restorable when the list was cut ({@code keptCount} larger than the list) and its
 * time (the id is the time it was taken) lies in the retention window the last run reported,
 * between the oldest backup kept ({@code keptOldest}, or the last success minus the retention when
 * an older report did not say) and the oldest listed one. The restore Job reads the backup's
 * manifest and verifies its SHA-256 before it writes anything, and fails clearly if it is missing.
 */
public final class RestorableBackups {

  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private RestorableBackups() {}

  /** Whether {@code backupId} is a backup that {@code entry} lists or vouches for. */
  public static boolean keeps(VpsBackups entry, int retentionDays, String backupId) {
    if (entry == null || backupId == null) {
      return false;
    }
    var kept = entry.kept() == null ? List.<Backup>of() : entry.kept();
    if (kept.stream().anyMatch(b -> backupId.equals(b.backupId()))) {
      return true;
    }
    if (!cut(entry)) {
      return false;
    }
    var at = time(backupId);
    if (at.isEmpty()) {
      return false;
    }
    // the unlisted backups are older than every listed one
    var newestUnlisted =
        kept.isEmpty()
            ? Optional.ofNullable(entry.lastSuccess()).map(b -> Timestamps.parse(b.time()))
            : Optional.of(Timestamps.parse(kept.get(0).time()));
    if (newestUnlisted.isEmpty() || !at.get().isBefore(newestUnlisted.get())) {
      return false;
    }
    Optional<Instant> oldest =
        entry.keptOldest() != null
            ? Optional.of(Timestamps.parse(entry.keptOldest()))
            : Optional.ofNullable(entry.lastSuccess())
                .map(b -> Timestamps.parse(b.time()).minus(Duration.ofDays(retentionDays)));
    return oldest.isPresent() && !at.get().isBefore(oldest.get());
  }

  /** Whether the status lists fewer backups than are kept. */
  public static boolean cut(VpsBackups entry) {
    var listed = entry.kept() == null ? 0 : entry.kept().size();
    return entry.keptCount() != null && entry.keptCount() > listed;
  }

  /** The time a backup was taken, from its id ({@code 20260301T021700Z}). */
  static Optional<Instant> time(String backupId) {
    try {
      return Optional.of(Instant.from(ID.parse(backupId)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
