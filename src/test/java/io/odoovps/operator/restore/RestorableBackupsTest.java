package io.odoovps.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RestorableBackupsTest {

  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Instant FIRST = Instant.parse("2026-01-01T02:00:00Z");

  private static Backup backup(int day) {
    var at = FIRST.plus(Duration.ofDays(day));
    return new Backup(ID.format(at), at.toString(), 1000L, "ab");
  }

  /** Daily backups of days {@code from..to} kept, of which the newest {@code listed} are listed. */
  private static VpsBackups entry(int from, int to, int listed, boolean withOldest) {
    var all = IntStream.rangeClosed(from, to).mapToObj(RestorableBackupsTest::backup).toList();
    var kept = all.subList(all.size() - listed, all.size());
    return new VpsBackups(
        "acme",
        "paris-1",
        null,
        null,
        null,
        all.get(all.size() - 1),
        null,
        List.copyOf(kept),
        all.size(),
        withOldest ? all.get(0).time() : null,
        null,
        null,
        null,
        null);
  }

  @Test
  void aListedBackupIsRestorableAndAnUnknownOneIsNotWhenTheListIsComplete() {
    var entry = entry(0, 14, 15, true);
    assertThat(RestorableBackups.cut(entry)).isFalse();
    assertThat(RestorableBackups.keeps(entry, 15, backup(3).backupId())).isTrue();
    assertThat(RestorableBackups.keeps(entry, 15, backup(20).backupId())).isFalse();
    // a time inside the window that no run listed: the list is complete, so it does not exist
    assertThat(RestorableBackups.keeps(entry, 15, "20260105T030000Z")).isFalse();
  }

  @Test
  void withA60DayRetentionTheUnlistedOlderBackupsAreRestorableWithinTheWindow() {
    // 60 kept, 24 listed (days 36..59); the 36 older ones are in the bucket but not listed
    var entry = entry(0, 59, 24, true);
    assertThat(RestorableBackups.cut(entry)).isTrue();
    assertThat(RestorableBackups.keeps(entry, 60, backup(59).backupId())).isTrue();
    assertThat(RestorableBackups.keeps(entry, 60, backup(36).backupId())).isTrue();
    assertThat(RestorableBackups.keeps(entry, 60, backup(35).backupId())).as("unlisted").isTrue();
    assertThat(RestorableBackups.keeps(entry, 60, backup(0).backupId()))
        .as("the oldest kept")
        .isTrue();
    assertThat(RestorableBackups.keeps(entry, 60, backup(-1).backupId()))
        .as("older than the oldest kept: pruned")
        .isFalse();
    assertThat(RestorableBackups.keeps(entry, 60, backup(61).backupId()))
        .as("newer than every listed backup: not taken yet, or not reported yet")
        .isFalse();
    assertThat(RestorableBackups.keeps(entry, 60, "20260230T020000Z")).as("not a time").isFalse();
  }

  @Test
  void withoutTheOldestTimeAnOlderReportFallsBackToTheRetentionBeforeTheLastSuccess() {
    var entry = entry(0, 59, 24, false);
    // last success is day 59: the window starts 60 days before it, at day -1
    assertThat(RestorableBackups.keeps(entry, 60, backup(10).backupId())).isTrue();
    assertThat(RestorableBackups.keeps(entry, 60, backup(-1).backupId())).isTrue();
    assertThat(RestorableBackups.keeps(entry, 60, backup(-2).backupId())).isFalse();
    assertThat(RestorableBackups.keeps(entry, 30, backup(10).backupId()))
        .as("outside a 30-day window")
        .isFalse();
  }

  @Test
  void noStatusNoBackup() {
    assertThat(RestorableBackups.keeps(null, 15, backup(0).backupId())).isFalse();
    var empty =
        new VpsBackups(
            "acme", "paris-1", null, null, null, null, null, null, null, null, null, null, null,
            null);
    assertThat(RestorableBackups.keeps(empty, 15, backup(0).backupId())).isFalse();
  }
}
