package io.odoovps.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.PlanSpec;
import io.odoovps.operator.testing.VpsFixtures;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rendering rules that promtool does not see: names, labels, defaults, units. */
class AlertRuleDesignTest {

  private final AlertRuleDesign design =
      new AlertRuleDesign(AlertRulesPromtoolTest.config(Map.of()));

  @Test
  void thePrometheusRuleIsNamedAfterTheVpsInItsNamespaceWithTheOperatorsLabels() {
    var rule = design.prometheusRule(VpsFixtures.vps("acme", "shop"));

    assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.getKind()).isEqualTo("PrometheusRule");
    assertThat(rule.getMetadata().getName()).isEqualTo("shop-supervision");
    assertThat(rule.getMetadata().getNamespace()).isEqualTo("acme");
    assertThat(rule.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "odoovps-operator")
        .containsEntry("odoovps.io/vps", "shop");
  }

  @Test
  void theMonthsBudgetAt99Point5PercentIs3h36m() {
    assertThat(AlertRuleDesign.errorBudgetSeconds()).isEqualTo(12_960);
    assertThat(AlertRuleDesign.duration(Duration.ofSeconds(12_960))).isEqualTo("3h36m");
    var rules = design.rulesYaml(VpsFixtures.vps("acme", "shop"));
    // a quarter of 0.5 % of a day is 108 s, times the month's days (3348 s in a 31-day month)
    assertThat(rules)
        .contains("odoovps_vps_error_budget_remaining_seconds")
        .contains("< 108 * scalar(days_in_month())");
  }

  @Test
  void anUnlistedOrUnnamedPlanGetsTheDefaults() {
    var defaults = design.thresholds(null);
    assertThat(design.thresholds("no-such-plan")).isEqualTo(defaults);
    assertThat(defaults.cpuRatio()).isEqualTo(0.9);
    assertThat(defaults.cpuFor()).isEqualTo(Duration.ofMinutes(15));
    assertThat(defaults.filesystemRatio()).isEqualTo(0.9);
  }

  @Test
  void cpuSaturationDividesByThePlansVcpus() {
    var vps = VpsFixtures.vps("acme", "shop");
    vps.getSpec().setPlan(new PlanSpec("business-4", 4, "8Gi", "80Gi"));
    var cpu = design.ruleGroups(vps).get(0).rules().get(0);

    assertThat(cpu.alert()).isEqualTo(AlertRuleDesign.CPU_SATURATED);
    assertThat(cpu.expr())
        .isEqualTo(
            "sum by (namespace, name) (rate(kubevirt_vmi_cpu_usage_seconds_total"
                + "{name=\"shop\", namespace=\"acme\"}[5m])) / 4 > 0.9");
    assertThat(cpu.forDuration()).isEqualTo("15m");
  }

  @Test
  void theRulesDocumentIsAGroupsDocument() {
    var rules = design.rulesYaml(VpsFixtures.vps("acme", "shop"));
    assertThat(rules).startsWith("groups:\n");
    assertThat(rules).contains("for: 15m").contains("severity: warning").contains("vps: shop");
  }

  @Test
  void prometheusDurations() {
    assertThat(AlertRuleDesign.duration(Duration.ZERO)).isEqualTo("0s");
    assertThat(AlertRuleDesign.duration(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(AlertRuleDesign.duration(Duration.ofDays(2))).isEqualTo("48h");
    assertThat(AlertRuleDesign.duration(Duration.ofMillis(1500))).isEqualTo("1s500ms");
  }
}
