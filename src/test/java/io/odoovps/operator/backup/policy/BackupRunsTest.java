package io.odoovps.operator.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.odoovps.operator.backup.BackupReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupRunsTest {

  private static Job job(String name, String condition, int failed) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withFailed(failed)
        .addNewCondition()
        .withType(condition)
        .withStatus("True")
        .withReason(condition.equals("Failed") ? "BackoffLimitExceeded" : null)
        .withMessage(
            condition.equals("Failed") ? "Job has reached the specified backoff limit" : null)
        .withLastTransitionTime("2026-03-01T02:10:00Z")
        .endCondition()
        .withCompletionTime(condition.equals("Complete") ? "2026-03-01T02:05:00Z" : null)
        .endStatus()
        .build();
  }

  private static Pod pod(String job, String phase, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(job + "-x")
        .withLabels(Map.of("batch.kubernetes.io/job-name", job))
        .withCreationTimestamp("2026-03-01T02:00:00Z")
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .addNewContainerStatus()
        .withName("backup")
        .withNewState()
        .withNewTerminated()
        .withExitCode(phase.equals("Succeeded") ? 0 : 1)
        .withMessage(message)
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  @Test
  void aCompleteRunCarriesItsReportAndAFailedOneItsReasonAndAttempts() {
    var report =
        new BackupReport(
            new BackupReport.Entry("20260301T020000Z", "2026-03-01T02:00:00Z", 10L, "ab"),
            List.of(),
            1,
            null,
            List.of(),
            null);
    var runs =
        BackupRuns.finished(
            List.of(
                job("ok", "Complete", 0), job("ko", "Failed", 3), job("running", "Suspended", 0)),
            List.of(
                pod("ok", "Succeeded", report.toJson()),
                pod("ko", "Failed", "backup of acme failed: S3Exception: Access Denied")));
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).report().backup().backupId()).isEqualTo("20260301T020000Z");
    var failure = runs.get(1).failure();
    assertThat(failure.attempts()).isEqualTo(3);
    assertThat(failure.reason())
        .isEqualTo(
            "backup of acme failed: S3Exception: Access Denied (BackoffLimitExceeded: Job has"
                + " reached the specified backoff limit)");
  }

  @Test
  void aCompleteRunWithoutAReadableReportCountsAsAFailure() {
    var runs =
        BackupRuns.finished(
            List.of(job("ok", "Complete", 0)), List.of(pod("ok", "Succeeded", "not json")));
    assertThat(runs.get(0).succeeded()).isFalse();
    assertThat(runs.get(0).failure().reason()).contains("no readable report");
  }

  @Test
  void theReportFitsATerminationMessageKeepingTheNewestBackupsWithTheFullCountAndOldestTime()
      throws Exception {
    // 60 daily backups (a 60-day retention): far more than 4 KiB of entries
    var first = java.time.Instant.parse("2026-01-01T02:00:00Z");
    var id =
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    var manifests = new ArrayList<io.odoovps.operator.backup.BackupManifest>();
    for (int i = 0; i < 60; i++) {
      var at = first.plus(java.time.Duration.ofDays(i));
      manifests.add(
          new io.odoovps.operator.backup.BackupManifest(
              "acme",
              id.format(at),
              at.toString(),
              123456789L,
              "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "k",
              "gzip",
              null));
    }
    var method =
        BackupReport.class.getDeclaredMethod(
            "ofBackup", io.odoovps.operator.backup.BackupManifest.class, List.class, List.class);
    method.setAccessible(true);
    var whole =
        (BackupReport) method.invoke(null, manifests.get(59), manifests.subList(50, 60), List.of());
    assertThat(whole.kept()).hasSize(10);
    assertThat(whole.keptCount()).isEqualTo(10);
    assertThat(whole.keptOldest()).isEqualTo(manifests.get(50).createdAt());

    var fitted =
        (BackupReport)
            method.invoke(null, manifests.get(59), manifests, List.of("20251201T020000Z"));
    assertThat(fitted.toJson().length()).isLessThanOrEqualTo(4000);
    assertThat(fitted.keptCount()).isEqualTo(60);
    assertThat(fitted.keptOldest())
        .as("the oldest kept, though not listed")
        .isEqualTo(manifests.get(0).createdAt());
    assertThat(fitted.kept()).hasSizeBetween(10, 59);
    assertThat(fitted.kept())
        .extracting(BackupReport.Entry::backupId)
        .as("the newest, oldest first")
        .containsExactlyElementsOf(
            manifests.subList(60 - fitted.kept().size(), 60).stream()
                .map(io.odoovps.operator.backup.BackupManifest::backupId)
                .toList());
    var parsed = BackupReport.parse(fitted.toJson());
    assertThat(parsed.keptCount()).isEqualTo(60);
    assertThat(parsed.keptOldest()).isEqualTo(manifests.get(0).createdAt());
  }

  @Test
  void labelSelectorsFollowKubernetesSemantics() {
    var selector =
        new LabelSelectorBuilder()
            .withMatchLabels(Map.of("tier", "gold"))
            .withMatchExpressions(
                new LabelSelectorRequirementBuilder()
                    .withKey("env")
                    .withOperator("NotIn")
                    .withValues("test")
                    .build(),
                new LabelSelectorRequirementBuilder()
                    .withKey("backup")
                    .withOperator("Exists")
                    .build())
            .build();
    assertThat(BackupCoverage.matches(selector, Map.of("tier", "gold", "backup", "yes"))).isTrue();
    assertThat(
            BackupCoverage.matches(
                selector, Map.of("tier", "gold", "backup", "yes", "env", "test")))
        .isFalse();
    assertThat(BackupCoverage.matches(selector, Map.of("tier", "gold"))).isFalse();
    assertThat(BackupCoverage.matches(null, null)).isTrue();
  }
}
