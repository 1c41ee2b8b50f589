package io.odoovps.operator.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a backup or restore run reports to the operator, as its pod's termination message (at most
 * 4096 bytes, so the list of backups kept is cut to the newest that fit). {@code keptCount} is
 * always the full count and {@code keptOldest} the time of the oldest backup kept, listed or not:
 * with them the operator knows the list was cut and which backups lie beyond it. The operator needs
 * no access to the bucket to fill the BackupPolicy status. For a prune, {@code prunedCount} is the
 * number deleted, whether or not all their ids fit. For a purge, {@code keptCount} is the number of
 * backups deleted. For a restore or a rollback, {@code disk} says what the run left on the disk
 * ({@link #DISK_RESTORED}, {@link #DISK_ROLLED_BACK}, {@link #DISK_UNTOUCHED}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupReport(
    Entry backup,
    List<Entry> kept,
    Integer keptCount,
    String keptOldest,
    List<String> pruned,
    Entry restored,
    Integer prunedCount,
    String disk) {

  /** The disk holds the backup's bytes. */
  public static final String DISK_RESTORED = "restored";

  /** The disk holds again what it held before the restore, copied back from the safety copy. */
  public static final String DISK_ROLLED_BACK = "rolled-back";

  /** The disk was never written: the restore failed before it. */
  public static final String DISK_UNTOUCHED = "untouched";

  /** A report without a disk outcome (a backup, prune or purge). */
  public BackupReport(
      Entry backup,
      List<Entry> kept,
      Integer keptCount,
      String keptOldest,
      List<String> pruned,
      Entry restored,
      Integer prunedCount) {
    this(backup, kept, keptCount, keptOldest, pruned, restored, prunedCount, null);
  }

  /** A report without a prune count (everything but a prune). */
  public BackupReport(
      Entry backup,
      List<Entry> kept,
      Integer keptCount,
      String keptOldest,
      List<String> pruned,
      Entry restored) {
    this(backup, kept, keptCount, keptOldest, pruned, restored, null, null);
  }

  /** The report of a restore or rollback: what it restored, if anything, and the disk's state. */
  static BackupReport ofDisk(Entry restored, String disk) {
    return new BackupReport(null, null, null, null, null, restored, null, disk);
  }

  static final int LIMIT = 4000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One backup: id, time, stored size and SHA-256. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Entry(String backupId, String time, Long sizeBytes, String sha256) {
    static Entry of(BackupManifest m) {
      return new Entry(m.backupId(), m.createdAt(), m.sizeBytes(), m.sha256());
    }
  }

  /**
   * The report of a backup run: the backup made and those kept (oldest first), cut to the newest
   * that fit the termination message; the pruned ids go first when it must be cut.
   */
  static BackupReport ofBackup(
      BackupManifest made, List<BackupManifest> kept, List<String> pruned) {
    var entries = new ArrayList<>(kept.stream().map(Entry::of).toList());
    var oldest = kept.isEmpty() ? null : kept.get(0).createdAt();
    var report = new BackupReport(Entry.of(made), entries, kept.size(), oldest, pruned, null);
    while (!report.kept().isEmpty() && report.toJson().length() > LIMIT) {
      entries.remove(0); // the oldest go first
      report =
          new BackupReport(
              Entry.of(made), List.copyOf(entries), kept.size(), oldest, List.of(), null);
    }
    return report;
  }

  /**
   * The report of a prune: the ids deleted (only their count when they do not fit) and what is
   * still kept.
   */
  static BackupReport ofPrune(List<BackupManifest> kept, List<String> pruned) {
    var oldest = kept.isEmpty() ? null : kept.get(0).createdAt();
    var report =
        new BackupReport(null, List.of(), kept.size(), oldest, pruned, null, pruned.size());
    if (report.toJson().length() > LIMIT) {
      report =
          new BackupReport(
              null,
              List.of(),
              kept.size(),
              oldest,
              pruned.subList(0, LIMIT / 40),
              null,
              pruned.size());
    }
    return report;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static BackupReport parse(String json) throws IOException {
    return JSON.readValue(json.getBytes(StandardCharsets.UTF_8), BackupReport.class);
  }
}
