package io.odoovps.operator.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.backup.policy.BackupRetirement.Fate;
import io.odoovps.operator.backup.policy.BackupRetirement.Vps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every way an entry of a VPS that the policy no longer schedules can go, as a table. */
class BackupRetirementTest {

  private static final Instant NOW = Instant.parse("2026-03-20T00:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(15);
  private static final Duration GRACE = Duration.ofDays(7);

  private static VpsBackups entry(
      String lastSuccess, String left, String terminated, String missing) {
    var backup = lastSuccess == null ? null : new Backup("id", lastSuccess, 1L, "0".repeat(64));
    return new VpsBackups(
        "acme",
        "paris-1",
        null,
        null,
        null,
        backup,
        null,
        backup == null ? null : List.of(backup),
        backup == null ? null : 1,
        lastSuccess,
        left,
        terminated,
        terminated == null ? null : "x",
        missing);
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                                   | present | terminationStartedAt | recorded terminatedAt | elsewhere | same bucket | last success           | fate
          terminated now, within the grace         | true    | 2026-03-15T00:00:00Z | -                     | -         | false       | 2026-03-14T00:00:00Z   | AWAIT_PURGE
          terminated, grace over                   | true    | 2026-03-10T00:00:00Z | -                     | -         | false       | 2026-03-09T00:00:00Z   | PURGE
          recorded termination, VPS gone, in grace | false   | -                    | 2026-03-15T00:00:00Z  | -         | false       | 2026-03-14T00:00:00Z   | AWAIT_PURGE
          recorded termination, VPS gone, due      | false   | -                    | 2026-03-01T00:00:00Z  | -         | false       | 2026-02-28T00:00:00Z   | PURGE
          absent without a termination             | false   | -                    | -                     | -         | false       | 2026-01-01T00:00:00Z   | KEEP_MISSING
          absent, even if another policy covers    | false   | -                    | -                     | other     | false       | 2026-01-01T00:00:00Z   | KEEP_MISSING
          present, covered by no policy, old       | true    | -                    | -                     | -         | false       | 2026-01-01T00:00:00Z   | KEEP_UNCOVERED
          present, elsewhere on the same bucket    | true    | -                    | -                     | other     | true        | 2026-01-01T00:00:00Z   | HAND_OVER
          present, elsewhere, within retention     | true    | -                    | -                     | other     | false       | 2026-03-10T00:00:00Z   | AGE_OUT
          present, elsewhere, past retention       | true    | -                    | -                     | other     | false       | 2026-03-01T00:00:00Z   | PRUNE
          """)
  void fates(
      String name,
      boolean present,
      String terminationStartedAt,
      String recordedTerminatedAt,
      String elsewhere,
      boolean sameBucket,
      String lastSuccess,
      Fate fate) {
    var decision =
        BackupRetirement.decide(
            entry(lastSuccess, "2026-03-01T00:00:00Z", blank(recordedTerminatedAt), null),
            present ? new Vps(true, blank(terminationStartedAt)) : Vps.ABSENT,
            Optional.ofNullable(blank(elsewhere)),
            sameBucket,
            NOW,
            RETENTION,
            GRACE);
    assertThat(decision.fate()).as(name).isEqualTo(fate);
  }

  @Test
  void aRecordedTerminationIsKeptWithItsPurgeTimeAndSaidOnce() {
    var first =
        BackupRetirement.decide(
            entry("2026-03-14T00:00:00Z", null, null, null),
            new Vps(true, "2026-03-15T00:00:00Z"),
            Optional.empty(),
            false,
            NOW,
            RETENTION,
            GRACE);
    assertThat(first.firstSeen()).isTrue();
    assertThat(first.entry().terminatedAt()).isEqualTo("2026-03-15T00:00:00Z");
    assertThat(first.entry().purgeAfter()).isEqualTo("2026-03-22T00:00:00Z");
    var again =
        BackupRetirement.decide(
            first.entry(), Vps.ABSENT, Optional.empty(), false, NOW, RETENTION, GRACE);
    assertThat(again.firstSeen()).isFalse();
    assertThat(again.fate()).isEqualTo(Fate.AWAIT_PURGE);
  }

  @Test
  void aMissingVpsKeepsTheTimeItWentMissing() {
    var first =
        BackupRetirement.decide(
            entry(null, null, null, null),
            Vps.ABSENT,
            Optional.empty(),
            false,
            NOW,
            RETENTION,
            GRACE);
    assertThat(first.entry().missingSince()).isEqualTo("2026-03-20T00:00:00Z");
    assertThat(first.firstSeen()).isTrue();
    var later =
        BackupRetirement.decide(
            first.entry(),
            Vps.ABSENT,
            Optional.empty(),
            false,
            NOW.plus(Duration.ofDays(90)),
            RETENTION,
            GRACE);
    assertThat(later.fate()).isEqualTo(Fate.KEEP_MISSING);
    assertThat(later.entry().missingSince()).isEqualTo("2026-03-20T00:00:00Z");
    assertThat(later.firstSeen()).isFalse();
  }

  @Test
  void withoutABackupTheRetentionCountsFromTheDeparture() {
    var decision =
        BackupRetirement.decide(
            entry(null, "2026-03-10T00:00:00Z", null, null),
            new Vps(true, null),
            Optional.of("other"),
            false,
            NOW,
            RETENTION,
            GRACE);
    assertThat(decision.fate()).isEqualTo(Fate.AGE_OUT);
  }
}
