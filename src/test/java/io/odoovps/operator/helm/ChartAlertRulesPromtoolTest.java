package io.odoovps.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.odoovps.operator.testing.MonitoringTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's own PrometheusRule (the operator's health and the backups it runs) against the real
 * promtool: the rendered groups pass {@code promtool check rules}, and {@code promtool test rules}
 * shows each alert quiet just before its {@code for} elapses, firing with its labels and text once
 * it has, and quiet on healthy series.
 */
class ChartAlertRulesPromtoolTest {

  private static final YAMLMapper YAML = new YAMLMapper();

  /** The ServiceMonitor's job: the chart's Service, named after the release. */
  private static final String JOB = HelmChart.RELEASE;

  private static final String NAMESPACE = "odoovps-system";

  @TempDir Path dir;

  private Path renderRules() throws Exception {
    var rule =
        ChartTemplateTest.parse(HelmChart.template(NAMESPACE, HelmChart.EVERYTHING_ON)).stream()
            .filter(r -> "PrometheusRule".equals(r.getKind()))
            .map(io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class::cast)
            .findFirst()
            .orElseThrow();
    var file = dir.resolve("odoovps-operator-rules.yaml");
    YAML.writeValue(file.toFile(), Map.of("groups", rule.getSpec().getGroups()));
    return file;
  }

  @Test
  void theChartsRulesPassPromtoolCheck() throws Exception {
    var result =
        MonitoringTools.run(
            MonitoringTools.promtool().toString(),
            "check",
            "rules",
            "--lint=all",
            "--lint-fatal",
            renderRules().toString());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: 5 rules found");
  }

  @Test
  void aVpsWithoutABackupFor26HoursFiresOdooVpsNotBackedUpWhateverItsPolicy() throws Exception {
    var rules = renderRules();
    var age = "odoovps_vps_backup_age_seconds{job=\"%s\", namespace=\"acme\", vps=\"shop\"}";
    var unitTest =
        """
        rule_files: [%s]
        evaluation_interval: 1m
        tests:
          # 25 h 50 min since the last backup, growing by 60 s a minute: past 26 h at minute 10,
          # then fires 10 minutes later
          - name: no backup for 26 hours
            interval: 1m
            input_series:
              - {series: '%s', values: '93000+60x40'}
            alert_rule_test:
              - {eval_time: 19m, alertname: OdooVpsNotBackedUp, exp_alerts: []}
              - eval_time: 21m
                alertname: OdooVpsNotBackedUp
                exp_alerts:
                  - exp_labels: {severity: critical, namespace: acme, vps: shop}
                    exp_annotations:
                      summary: VPS acme/shop has no backup younger than 26 hours
                      description: "Its last successful backup is 1d 2h 11m 0s old (contract article 3: one every 24 hours); kubectl get odoovps shows its BackedUp condition: no BackupPolicy covers it, or its policy fails."
          # backed up every day: the age saws between 0 and a day, never fires
          - name: daily backups
            interval: 1h
            input_series:
              - {series: '%s', values: '0+3600x23 0+3600x23 0+3600x23'}
            alert_rule_test:
              - {eval_time: 71h, alertname: OdooVpsNotBackedUp, exp_alerts: []}
        """
            .formatted(rules.getFileName(), age.formatted(JOB), age.formatted(JOB));
    var file = dir.resolve("odoovps-backup-age-test.yaml");
    Files.writeString(file, unitTest);
    var result =
        MonitoringTools.run(
            MonitoringTools.promtool().toString(), "test", "rules", file.toString());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void backupAndOperatorAlertsFireAfterTheirForAndStayQuietOnHealthySeries() throws Exception {
    var rules = renderRules();
    var failing =
        "odoovps_backup_failing_vps{job=\"%s\", namespace=\"acme\", policy=\"daily\"}"
            .formatted(JOB);
    var stale =
        "odoovps_backup_stale_vps{job=\"%s\", namespace=\"acme\", policy=\"daily\"}".formatted(JOB);
    var up = "up{job=\"%s\", namespace=\"%s\"}".formatted(JOB, NAMESPACE);
    var unitTest =
        """
        rule_files: [%s]
        evaluation_interval: 1m
        tests:
          # A VPS's last run failed (after its retries) from the start: OdooVpsBackupsFailing
          # holds from 0m and fires once its 30m have passed; the backups are not stale yet.
          - name: a failing backup
            interval: 1m
            input_series:
              - {series: '%s', values: '1x40'}
              - {series: '%s', values: '0x40'}
              - {series: '%s', values: '1x40'}
            alert_rule_test:
              - {eval_time: 29m, alertname: OdooVpsBackupsFailing, exp_alerts: []}
              - eval_time: 30m
                alertname: OdooVpsBackupsFailing
                exp_alerts:
                  - exp_labels: {severity: warning, namespace: acme, policy: daily}
                    exp_annotations:
                      summary: Backups of BackupPolicy acme/daily fail
                      description: "1 VPS(s) covered by BackupPolicy acme/daily failed their last backup run after its retries; kubectl describe backuppolicy shows which and why."
              - {eval_time: 30m, alertname: OdooVpsBackupsStale, exp_alerts: []}
              - {eval_time: 30m, alertname: OdooVpsOperatorDown, exp_alerts: []}
          # Two VPSs without a recent success: OdooVpsBackupsStale fires after 10m.
          - name: stale backups
            interval: 1m
            input_series:
              - {series: '%s', values: '0x20'}
              - {series: '%s', values: '2x20'}
              - {series: '%s', values: '1x20'}
            alert_rule_test:
              - {eval_time: 9m, alertname: OdooVpsBackupsStale, exp_alerts: []}
              - eval_time: 10m
                alertname: OdooVpsBackupsStale
                exp_alerts:
                  - exp_labels: {severity: critical, namespace: acme, policy: daily}
                    exp_annotations:
                      summary: VPSs of BackupPolicy acme/daily have no recent backup
                      description: "2 VPS(s) covered by BackupPolicy acme/daily have had no successful backup for longer than the 24 hours that contract article 3 promises; see the policy's BackupsCurrent condition."
              - {eval_time: 10m, alertname: OdooVpsBackupsFailing, exp_alerts: []}
          # No replica up: OdooVpsOperatorDown after its 5m.
          - name: operator down
            interval: 1m
            input_series:
              - {series: '%s', values: '0x10'}
            alert_rule_test:
              - {eval_time: 4m, alertname: OdooVpsOperatorDown, exp_alerts: []}
              - eval_time: 5m
                alertname: OdooVpsOperatorDown
                exp_alerts:
                  - exp_labels: {severity: critical}
                    exp_annotations:
                      summary: No odoovps-operator replica is up in %s
                      description: "Prometheus has scraped no replica of %s for 5m; VPS contracts are not enforced meanwhile."
          # Healthy: every backup current and succeeding, the operator up, no failed reconcile.
          - name: healthy
            interval: 1m
            input_series:
              - {series: '%s', values: '0x60'}
              - {series: '%s', values: '0x60'}
              - {series: '%s', values: '1x60'}
              - {series: 'odoovps_reconciliations_total{job="%s", namespace="%s", result="error"}', values: '0x60'}
            alert_rule_test:
              - {eval_time: 60m, alertname: OdooVpsBackupsFailing, exp_alerts: []}
              - {eval_time: 60m, alertname: OdooVpsBackupsStale, exp_alerts: []}
              - {eval_time: 60m, alertname: OdooVpsOperatorDown, exp_alerts: []}
              - {eval_time: 60m, alertname: OdooVpsOperatorReconcileErrors, exp_alerts: []}
        """
            .formatted(
                rules.getFileName(),
                failing,
                stale,
                up,
                failing,
                stale,
                up,
                up,
                NAMESPACE,
                JOB,
                failing,
                stale,
                up,
                JOB,
                NAMESPACE);
    var file = dir.resolve("odoovps-operator-rules-test.yaml");
    Files.writeString(file, unitTest);
    var result =
        MonitoringTools.run(
            MonitoringTools.promtool().toString(), "test", "rules", file.toString());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }
}
