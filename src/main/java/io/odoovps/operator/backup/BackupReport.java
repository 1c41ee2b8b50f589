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
 * backups deleted.
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
    Integer prunedCount) {

  /** A report without a prune count (everything but a prune). */
  public BackupReport(
      Entry backup,
      List<Entry> kept,
      Integer keptCount,
      String keptOldest,
      List<String> pruned,
      Entry restored) {
    this(backup, kept, keptCount, keptOldest, pruned, restored, null);
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
