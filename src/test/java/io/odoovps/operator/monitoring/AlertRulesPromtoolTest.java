package io.odoovps.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.PlanSpec;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.testing.MonitoringTools;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered alert rules against the real promtool: every rule file passes {@code promtool check
 * rules}, and {@code promtool test rules} moves Prometheus's clock over synthetic KubeVirt and
 * operator series (each test's {@code interval} apart, alerts checked at {@code eval_time}) to show
 * each alert quiet just before its {@code for} elapses, firing with its labels and annotations once
 * it has, and quiet on series close to but under the thresholds.
 *
 * <p>Rate-based alerts (CPU, network) read counters through {@code rate(…[5m])}: Prometheus only
 * extrapolates a rate over the whole window once the window holds samples from its first minute, so
 * with one sample a minute from time 0 their expression first holds at 4m (the window less one
 * interval), and they fire at 4m + for. Gauge-based alerts hold from the first evaluation at which
 * the gauge breaches.
 */
class AlertRulesPromtoolTest {

  private static final Map<String, String> MONITORING =
      Map.of(
          "odoovps.monitoring.plans.business-8.cpu-ratio", "0.8",
          "odoovps.monitoring.plans.business-8.cpu-for", "30m",
          "odoovps.monitoring.plans.business-8.filesystem-ratio", "0.95");

  private static final YAMLMapper YAML = new YAMLMapper();

  private static Path promtool;

  @TempDir Path dir;

  @BeforeAll
  static void findPromtool() {
    promtool = MonitoringTools.promtool();
  }

  /**
   * The monitoring mapping beside the operator's own (their prefixes nest: `odoovps.` and
   * `odoovps.monitoring.`), as Quarkus builds them.
   */
  static MonitoringConfig config(Map<String, String> overrides) {
    var all = new HashMap<>(TestConfig.BASE);
    all.putAll(overrides);
    return new SmallRyeConfigBuilder()
        .withMapping(OperatorConfig.class)
        .withMapping(MonitoringConfig.class)
        .withSources(new PropertiesConfigSource(all, "test", 500))
        .build()
        .getConfigMapping(MonitoringConfig.class);
  }

  static final AlertRuleDesign DESIGN = new AlertRuleDesign(config(MONITORING));

  /** acme/shop: the fixture plan business-2, 2 vCPU, 4Gi, all defaults. */
  static OdooVps shop() {
    return VpsFixtures.vps("acme", "shop");
  }

  /** beta/erp: plan business-8, 8 vCPU, with its own CPU and file-system thresholds. */
  static OdooVps erp() {
    var vps = VpsFixtures.vps("beta", "erp");
    vps.getSpec().setPlan(new PlanSpec("business-8", 8, "16Gi", "100Gi"));
    return vps;
  }

  /** A plan without a name: the defaults. */
  static OdooVps unnamedPlan() {
    var vps = VpsFixtures.vps("gamma", "legacy");
    vps.getSpec().setPlan(new PlanSpec(null, 1, "2Gi", "20Gi"));
    return vps;
  }

  @Test
  void everyRenderedRuleFilePassesPromtoolCheck() throws Exception {
    for (var vps : List.of(shop(), erp(), unnamedPlan())) {
      var file = writeRules(vps);
      var result =
          MonitoringTools.run(
              promtool.toString(), "check", "rules", "--lint=all", "--lint-fatal", file);
      assertThat(result.exitCode()).as(result.output()).isZero();
      assertThat(result.output()).contains("SUCCESS: 10 rules found");
    }
  }

  @Test
  void eachAlertFiresAfterItsForDurationWithItsLabelsAndStaysQuietBefore() throws Exception {
    var vps = shop();
    var t = DESIGN.thresholds("business-2");
    var rateActive = Duration.ofMinutes(4);
    var who = "VPS acme/shop";
    var vmi = "namespace=\"acme\", name=\"shop\", node=\"node-1\"";
    var groups = new ArrayList<Map<String, Object>>();

    // CPU: 1.9 CPU-seconds per second on 2 vCPU is 95 % > 90 %. Another VPS of the namespace and a
    // namespace's namesake saturate too, and must not raise alerts for acme/shop.
    var cpuFires = rateActive.plus(t.cpuFor());
    groups.add(
        group(
            "cpu saturated",
            List.of(
                series("kubevirt_vmi_cpu_usage_seconds_total{" + vmi + "}", "100000+114x40"),
                series(
                    "kubevirt_vmi_cpu_usage_seconds_total{namespace=\"acme\", name=\"other\"}",
                    "100000+120x40"),
                series(
                    "kubevirt_vmi_cpu_usage_seconds_total{namespace=\"beta\", name=\"shop\"}",
                    "100000+120x40")),
            List.of(
                quiet(cpuFires.minusMinutes(1), AlertRuleDesign.CPU_SATURATED),
                firing(
                    cpuFires,
                    AlertRuleDesign.CPU_SATURATED,
                    alert(
                        labels("shop", "cpu", "warning"),
                        who + " is saturating its CPU",
                        who + " has used 95% of its 2 vCPU for 15m (threshold 90 %).")),
                firing(
                    Duration.ofMinutes(40),
                    AlertRuleDesign.CPU_SATURATED,
                    alert(
                        labels("shop", "cpu", "warning"),
                        who + " is saturating its CPU",
                        who + " has used 95% of its 2 vCPU for 15m (threshold 90 %).")))));

    // Memory: 0.2 GB of 4 GB still available to applications is 95 % in use > 90 %.
    groups.add(
        group(
            "memory pressure",
            List.of(
                series("kubevirt_vmi_memory_available_bytes{" + vmi + "}", "4000000000x30"),
                series("kubevirt_vmi_memory_usable_bytes{" + vmi + "}", "200000000x30")),
            List.of(
                quiet(t.memoryFor().minusMinutes(1), AlertRuleDesign.MEMORY_PRESSURE),
                firing(
                    t.memoryFor(),
                    AlertRuleDesign.MEMORY_PRESSURE,
                    alert(
                        labels("shop", "memory", "warning"),
                        who + " is short of memory",
                        who
                            + " has 95% of its 4Gi memory in use, not reclaimable, for 10m"
                            + " (threshold 90 %).")))));

    // Network: 0.9 receive errors + 0.3 transmit drops per second on `default`, 1.2/s > 1/s;
    // `eth1` errs 0.5/s, under the threshold.
    var nicDefault = vmi + ", interface=\"default\", network=\"pod networking\"";
    var nicOther = vmi + ", interface=\"eth1\", network=\"backend\"";
    var networkFires = rateActive.plus(t.networkFor());
    groups.add(
        group(
            "network errors",
            List.of(
                series(
                    "kubevirt_vmi_network_receive_errors_total{" + nicDefault + "}", "5000+54x30"),
                series(
                    "kubevirt_vmi_network_transmit_packets_dropped_total{" + nicDefault + "}",
                    "5000+18x30"),
                series(
                    "kubevirt_vmi_network_receive_packets_total{" + nicDefault + "}",
                    "5000+100000x30"),
                series(
                    "kubevirt_vmi_network_transmit_errors_total{" + nicOther + "}", "5000+30x30")),
            List.of(
                quiet(networkFires.minusMinutes(1), AlertRuleDesign.NETWORK_ERRORS),
                firing(
                    networkFires,
                    AlertRuleDesign.NETWORK_ERRORS,
                    alert(
                        with(labels("shop", "network", "warning"), "interface", "default"),
                        who + " has network errors on default",
                        who
                            + " network card default has errored or dropped 1.2 packets per second"
                            + " for 10m (threshold 1/s).")))));

    // File systems: `/` at 95 % and `/var/lib/odoo` at 92 % are over 90 %, each its own alert;
    // `/boot/efi` at 10 % is not, nor the snap's squashfs, always 100 % full.
    groups.add(
        group(
            "filesystem full",
            List.of(
                filesystem(vmi, "vda", "/", "ext4", "38000000000", "40000000000"),
                filesystem(vmi, "vdb", "/var/lib/odoo", "xfs", "92000000000", "100000000000"),
                filesystem(vmi, "vda", "/boot/efi", "vfat", "10000000", "100000000"),
                filesystem(vmi, "loop0", "/snap/core22/1", "squashfs", "70000000", "70000000")),
            List.of(
                quiet(t.filesystemFor().minusMinutes(1), AlertRuleDesign.FILESYSTEM_FULL),
                firing(
                    t.filesystemFor(),
                    AlertRuleDesign.FILESYSTEM_FULL,
                    alert(
                        mount(labels("shop", "filesystem", "warning"), "vda", "/"),
                        who + " file system / is nearly full",
                        who + " file system / (disk vda) is 95% full (threshold 90 %)."),
                    alert(
                        mount(labels("shop", "filesystem", "warning"), "vdb", "/var/lib/odoo"),
                        who + " file system /var/lib/odoo is nearly full",
                        who
                            + " file system /var/lib/odoo (disk vdb) is 92% full (threshold"
                            + " 90 %).")))));

    // Down: ready until 9m, not ready from 10m: pending from 10m, firing at 10m + 5m.
    var downFires = Duration.ofMinutes(10).plus(Duration.ofMinutes(5));
    groups.add(
        group(
            "down",
            List.of(
                series(
                    "odoovps_vps_ready{namespace=\"acme\", vps=\"shop\", job=\"odoovps-operator\"}",
                    "1x9 0x30")),
            List.of(
                quiet(downFires.minusMinutes(1), AlertRuleDesign.DOWN),
                firing(
                    downFires,
                    AlertRuleDesign.DOWN,
                    ownAlert(
                        who + " is down",
                        who
                            + " has not been ready for 5m; every further minute is taken from the"
                            + " month's error budget.")))));

    // Budget: promtool's clock starts on 1970-01-01, a 31-day month: 0.5 % of it is 13392 s, and 25
    // % of that 3348 s. The VPS down since the start spends a minute of budget per minute: 3372 s
    // are left at 167m (quiet: not less), 3312 s at 168m.
    groups.add(
        group(
            "availability budget",
            List.of(
                series(
                    "odoovps_vps_error_budget_remaining_seconds{namespace=\"acme\", vps=\"shop\"}",
                    "13392-60x200")),
            List.of(
                quiet(Duration.ofMinutes(167), AlertRuleDesign.AVAILABILITY_BUDGET_LOW),
                firing(
                    Duration.ofMinutes(168),
                    AlertRuleDesign.AVAILABILITY_BUDGET_LOW,
                    ownAlert(
                        who + " has used most of its availability budget",
                        who
                            + " has 55m 12s of downtime left this month, less than 25 % of the"
                            + " month's budget (0.5 % of the month, 3h36m for 30 days, at 99.5 %"
                            + " availability).")))));

    // Fast burn: ready for 400 minutes, then down one minute in five (20 %). The 5th outage, at
    // 424m, makes 5 of the last 60 minutes down (8.3 %, over 14.4 x 0.5 % = 7.2 %), and the last
    // 5 minutes hold one: it fires at 424m, not at 423m (4 of 60). Each outage lasts a minute, so
    // OdooVpsDown (5 minutes in a row) never fires, and 6 hours hold too few for the slow alert.
    groups.add(
        group(
            "availability fast burn",
            List.of(
                series(
                    "odoovps_vps_ready{namespace=\"acme\", vps=\"shop\"}",
                    "1x399 " + flapping(5, 60))),
            List.of(
                quiet(Duration.ofMinutes(423), AlertRuleDesign.AVAILABILITY_BURN_RATE),
                firing(
                    Duration.ofMinutes(424),
                    AlertRuleDesign.AVAILABILITY_BURN_RATE,
                    alert(
                        burnLabels("critical", "fast"),
                        who + " is spending its availability budget 14.4 times too fast",
                        who
                            + " was down 8.333% of the last 1h, 14.4 times the 0.5 % that 99.5 %"
                            + " availability allows: at this rate a 30-day budget lasts 2.1"
                            + " days.")),
                quiet(Duration.ofMinutes(424), AlertRuleDesign.DOWN))));

    // Slow burn: down one minute in twenty (5 %) after 400 ready minutes. The 11th outage, at 619m,
    // makes 11 of the last 360 minutes down (3.06 %, over 6 x 0.5 % = 3 %): it fires at 619m, not
    // at 618m (10 of 360); the last hour holds 3 outages (5 %), under the fast threshold.
    groups.add(
        group(
            "availability slow burn",
            List.of(
                series(
                    "odoovps_vps_ready{namespace=\"acme\", vps=\"shop\"}",
                    "1x399 " + flapping(20, 12))),
            List.of(
                quiet(Duration.ofMinutes(618), AlertRuleDesign.AVAILABILITY_BURN_RATE),
                firing(
                    Duration.ofMinutes(619),
                    AlertRuleDesign.AVAILABILITY_BURN_RATE,
                    alert(
                        burnLabels("warning", "slow"),
                        who + " is spending its availability budget 6 times too fast",
                        who
                            + " was down 3.056% of the last 6h, 6 times the 0.5 % that 99.5 %"
                            + " availability allows: at this rate a 30-day budget lasts 5"
                            + " days.")))));

    // Attack: 300k inbound packets/s (18M a minute) is over the 200k/s of level 1, under the 1M/s
    // of level 2; from 4m the rate is measured, 2m later it fires at level 1 only.
    var attackFires = rateActive.plus(Duration.ofMinutes(2));
    groups.add(
        group(
            "attack level 1",
            List.of(
                series(
                    "kubevirt_vmi_network_receive_packets_total{" + nicDefault + "}",
                    "0+18000000x30")),
            List.of(
                quiet(attackFires.minusMinutes(1), AlertRuleDesign.DDOS_ATTACK),
                firing(
                    attackFires,
                    AlertRuleDesign.DDOS_ATTACK,
                    alert(
                        with(labels("shop", "network", "critical"), "level", "1"),
                        who + " is under attack (level 1)",
                        who
                            + " receives 300k packets per second (threshold 200000/s): DDoS"
                            + " mitigation switches on for at least 26 hours.")))));
    // 1.5M/s over two cards: both levels fire (mitigation takes the highest).
    groups.add(
        group(
            "attack level 2",
            List.of(
                series(
                    "kubevirt_vmi_network_receive_packets_total{" + nicDefault + "}",
                    "0+60000000x30"),
                series(
                    "kubevirt_vmi_network_receive_packets_total{" + nicOther + "}",
                    "0+30000000x30")),
            List.of(
                firing(
                    attackFires,
                    AlertRuleDesign.DDOS_ATTACK,
                    alert(
                        with(labels("shop", "network", "critical"), "level", "1"),
                        who + " is under attack (level 1)",
                        who
                            + " receives 1.5M packets per second (threshold 200000/s): DDoS"
                            + " mitigation switches on for at least 26 hours."),
                    alert(
                        with(labels("shop", "network", "critical"), "level", "2"),
                        who + " is under attack (level 2)",
                        who
                            + " receives 1.5M packets per second (threshold 1000000/s): DDoS"
                            + " mitigation switches on for at least 26 hours.")))));

    // Close to every threshold, under each: nothing fires in an hour.
    groups.add(
        group(
            "under the thresholds",
            List.of(
                series("kubevirt_vmi_cpu_usage_seconds_total{" + vmi + "}", "100000+102x60"),
                series("kubevirt_vmi_memory_available_bytes{" + vmi + "}", "4000000000x60"),
                series("kubevirt_vmi_memory_usable_bytes{" + vmi + "}", "600000000x60"),
                series(
                    "kubevirt_vmi_network_receive_errors_total{" + nicDefault + "}", "5000+54x60"),
                filesystem(vmi, "vda", "/", "ext4", "34000000000", "40000000000"),
                series("odoovps_vps_ready{namespace=\"acme\", vps=\"shop\"}", "1x60"),
                series(
                    "odoovps_vps_error_budget_remaining_seconds{namespace=\"acme\", vps=\"shop\"}",
                    "3400x60")),
            List.of(
                quiet(Duration.ofMinutes(30), AlertRuleDesign.CPU_SATURATED),
                quiet(Duration.ofMinutes(60), AlertRuleDesign.CPU_SATURATED),
                quiet(Duration.ofMinutes(60), AlertRuleDesign.MEMORY_PRESSURE),
                quiet(Duration.ofMinutes(60), AlertRuleDesign.NETWORK_ERRORS),
                quiet(Duration.ofMinutes(60), AlertRuleDesign.FILESYSTEM_FULL),
                quiet(Duration.ofMinutes(60), AlertRuleDesign.DOWN),
                quiet(Duration.ofMinutes(60), AlertRuleDesign.AVAILABILITY_BUDGET_LOW),
                quiet(Duration.ofMinutes(60), AlertRuleDesign.AVAILABILITY_BURN_RATE),
                quiet(Duration.ofMinutes(60), AlertRuleDesign.DDOS_ATTACK))));

    var result = promtoolTest(vps, groups);
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void cpuSaturationIsRelativeToThePlansVcpusAndPlanThresholdsOverrideTheDefaults()
      throws Exception {
    var vps = erp();
    var t = DESIGN.thresholds("business-8");
    assertThat(t.cpuRatio()).isEqualTo(0.8);
    assertThat(t.cpuFor()).isEqualTo(Duration.ofMinutes(30));
    assertThat(t.memoryRatio()).as("not overridden").isEqualTo(0.9);
    var who = "VPS beta/erp";
    var vmi = "namespace=\"beta\", name=\"erp\", node=\"node-2\"";
    var cpuFires = Duration.ofMinutes(4).plus(t.cpuFor());
    var groups =
        List.of(
            // 1.9 CPU would saturate 2 vCPU; on 8 it is 24 %.
            group(
                "what saturates a small plan is quiet on 8 vCPU",
                List.of(
                    series("kubevirt_vmi_cpu_usage_seconds_total{" + vmi + "}", "100000+114x60"),
                    filesystem(vmi, "vda", "/", "ext4", "92000000000", "100000000000")),
                List.of(
                    quiet(Duration.ofMinutes(60), AlertRuleDesign.CPU_SATURATED),
                    quiet(Duration.ofMinutes(60), AlertRuleDesign.FILESYSTEM_FULL))),
            // 7 CPU on 8 vCPU is 87.5 % > the plan's 80 %, for the plan's 30m.
            group(
                "plan thresholds",
                List.of(
                    series("kubevirt_vmi_cpu_usage_seconds_total{" + vmi + "}", "100000+420x60"),
                    filesystem(vmi, "vda", "/", "ext4", "97000000000", "100000000000")),
                List.of(
                    quiet(cpuFires.minusMinutes(1), AlertRuleDesign.CPU_SATURATED),
                    firing(
                        cpuFires,
                        AlertRuleDesign.CPU_SATURATED,
                        alert(
                            labels("erp", "beta", "cpu", "warning"),
                            who + " is saturating its CPU",
                            who + " has used 87.5% of its 8 vCPU for 30m (threshold 80 %).")),
                    firing(
                        t.filesystemFor(),
                        AlertRuleDesign.FILESYSTEM_FULL,
                        alert(
                            mount(labels("erp", "beta", "filesystem", "warning"), "vda", "/"),
                            who + " file system / is nearly full",
                            who + " file system / (disk vda) is 97% full (threshold 95 %).")))));

    var result = promtoolTest(vps, groups);
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void promtoolFailsAnExpectationThatTheRulesDoNotMeet() throws Exception {
    // Guards the harness: an alert expected one minute before its `for` elapses is reported.
    var vps = shop();
    var t = DESIGN.thresholds("business-2");
    var vmi = "namespace=\"acme\", name=\"shop\"";
    var groups =
        List.of(
            group(
                "too early",
                List.of(
                    series("kubevirt_vmi_memory_available_bytes{" + vmi + "}", "4000000000x30"),
                    series("kubevirt_vmi_memory_usable_bytes{" + vmi + "}", "200000000x30")),
                List.of(
                    firing(
                        t.memoryFor().minusMinutes(1),
                        AlertRuleDesign.MEMORY_PRESSURE,
                        alert(labels("shop", "memory", "warning"), "any", "any")))));

    var result = promtoolTest(vps, groups);
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("alertname: " + AlertRuleDesign.MEMORY_PRESSURE);
  }

  // --- promtool test files, built as data and written as YAML.

  private MonitoringTools.ProcessResult promtoolTest(OdooVps vps, List<Map<String, Object>> groups)
      throws Exception {
    var rules = writeRules(vps);
    var unitTest = new LinkedHashMap<String, Object>();
    unitTest.put("rule_files", List.of(Path.of(rules).getFileName().toString()));
    unitTest.put("evaluation_interval", "1m");
    unitTest.put("tests", groups);
    var file = dir.resolve("test-" + vps.getMetadata().getName() + ".yaml");
    YAML.writeValue(file.toFile(), unitTest);
    return MonitoringTools.run(promtool.toString(), "test", "rules", file.toString());
  }

  private String writeRules(OdooVps vps) throws IOException {
    var file = dir.resolve(AlertRuleDesign.ruleName(vps) + ".yaml");
    Files.writeString(file, DESIGN.rulesYaml(vps));
    return file.toString();
  }

  /** A promtool test group; each series entry is one series or a list of them. */
  private static Map<String, Object> group(
      String name, List<?> series, List<Map<String, Object>> alertTests) {
    var flat = new ArrayList<Object>();
    for (var entry : series) {
      if (entry instanceof List<?> list) {
        flat.addAll(list);
      } else {
        flat.add(entry);
      }
    }
    var group = new LinkedHashMap<String, Object>();
    group.put("name", name);
    group.put("interval", "1m");
    group.put("input_series", flat);
    group.put("alert_rule_test", alertTests);
    return group;
  }

  private static Map<String, Object> series(String series, String values) {
    return Map.of("series", series, "values", values);
  }

  /** {@code cycles} times: ready for {@code every - 1} minutes, then down for one. */
  private static String flapping(int every, int cycles) {
    return String.join(" ", java.util.Collections.nCopies(cycles, "1x" + (every - 2) + " 0"));
  }

  /** Used and capacity gauges of one guest file system, as virt-handler reports them. */
  private static List<Map<String, Object>> filesystem(
      String vmi, String disk, String mount, String type, String used, String capacity) {
    var labels =
        "%s, disk_name=\"%s\", mount_point=\"%s\", file_system_type=\"%s\""
            .formatted(vmi, disk, mount, type);
    return List.of(
        series("kubevirt_vmi_filesystem_used_bytes{" + labels + "}", used + "x60"),
        series("kubevirt_vmi_filesystem_capacity_bytes{" + labels + "}", capacity + "x60"));
  }

  private static Map<String, Object> quiet(Duration at, String alertname) {
    return Map.of(
        "eval_time", AlertRuleDesign.duration(at), "alertname", alertname, "exp_alerts", List.of());
  }

  @SafeVarargs
  private static Map<String, Object> firing(
      Duration at, String alertname, Map<String, Object>... alerts) {
    return Map.of(
        "eval_time",
        AlertRuleDesign.duration(at),
        "alertname",
        alertname,
        "exp_alerts",
        List.of(alerts));
  }

  private static Map<String, Object> alert(
      Map<String, String> labels, String summary, String description) {
    return Map.of(
        "exp_labels",
        labels,
        "exp_annotations",
        Map.of("summary", summary, "description", description));
  }

  /** The labels of an alert on the operator's own series of acme/shop. */
  /** The labels of a burn-rate alert of acme/shop: its own, without KubeVirt's `name`. */
  private static Map<String, String> burnLabels(String severity, String burn) {
    var labels = new LinkedHashMap<String, String>();
    labels.put("severity", severity);
    labels.put("namespace", "acme");
    labels.put("vps", "shop");
    labels.put("indicator", "availability");
    labels.put(AlertRuleDesign.BURN, burn);
    return labels;
  }

  private static Map<String, Object> ownAlert(String summary, String description) {
    var labels = new LinkedHashMap<String, String>();
    labels.put("severity", "critical");
    labels.put("namespace", "acme");
    labels.put("vps", "shop");
    labels.put("indicator", "availability");
    return alert(labels, summary, description);
  }

  /** The labels of an alert on KubeVirt's series of acme/<name>: the VMI's plus the rule's. */
  private static Map<String, String> labels(String name, String indicator, String severity) {
    return labels(name, "acme", indicator, severity);
  }

  private static Map<String, String> labels(
      String name, String namespace, String indicator, String severity) {
    var labels = new LinkedHashMap<String, String>();
    labels.put("namespace", namespace);
    labels.put("name", name);
    labels.put("severity", severity);
    labels.put("vps", name);
    labels.put("indicator", indicator);
    return labels;
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    var copy = new LinkedHashMap<>(labels);
    copy.put(key, value);
    return copy;
  }

  private static Map<String, String> mount(Map<String, String> labels, String disk, String mount) {
    return with(with(labels, "disk_name", disk), "mount_point", mount);
  }
}
