package io.odoovps.operator.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.contract.Availability;
import io.odoovps.operator.vps.VpsLabels;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The supervision of one VPS (contract article 3: "supervision of CPU, network cards, file systems
 * and memory"; article 10: 99.50 % availability) as a prometheus-operator {@code PrometheusRule}
 * named {@code <vps>-supervision} in the VPS's namespace. Alertmanager sends its firing alerts to
 * the operator's webhook, which opens one ticket per incident.
 *
 * <p>The four indicators read KubeVirt's per-VMI series (virt-handler's domain stats, labelled
 * {@code namespace} and {@code name} = the VM, which carries the VPS's name); the two availability
 * alerts read the operator's own {@code odoovps_vps_ready} and {@code
 * odoovps_vps_error_budget_remaining_seconds}, labelled {@code namespace} and {@code vps}. Every
 * alert carries the labels {@code severity}, {@code namespace}, {@code vps} and {@code indicator}.
 * Thresholds and {@code for} durations come from {@link MonitoringConfig}, per plan name.
 */
public class AlertRuleDesign {

  public static final String API_VERSION = "monitoring.coreos.com/v1";
  public static final String KIND = "PrometheusRule";

  public static final String CPU_SATURATED = "OdooVpsCpuSaturated";
  public static final String MEMORY_PRESSURE = "OdooVpsMemoryPressure";
  public static final String NETWORK_ERRORS = "OdooVpsNetworkErrors";
  public static final String FILESYSTEM_FULL = "OdooVpsFilesystemFull";
  public static final String DOWN = "OdooVpsDown";
  public static final String AVAILABILITY_BUDGET_LOW = "OdooVpsAvailabilityBudgetLow";
  public static final String AVAILABILITY_BURN_RATE = "OdooVpsAvailabilityBurnRate";
  public static final String DDOS_ATTACK = "OdooVpsDDoSAttack";
  public static final String SPAM_SUSPECTED = "OdooVpsSpamSuspected";

  /** Alert labels. */
  public static final String SEVERITY = "severity";

  public static final String NAMESPACE = "namespace";
  public static final String VPS = "vps";
  public static final String INDICATOR = "indicator";

  /** The label telling the fast burn-rate alert from the slow one. */
  public static final String BURN = "burn";

  /** The 30 days that the contract's "3 h 36 min" of downtime refers to (article 10). */
  public static final Duration MONTH = Duration.ofDays(30);

  /** Fast burn: the last hour, confirmed by the last 5 minutes (still burning). */
  static final Duration FAST_BURN_WINDOW = Duration.ofHours(1);

  static final Duration FAST_BURN_CONFIRM = Duration.ofMinutes(5);

  /** Slow burn: the last 6 hours, confirmed by the last 30 minutes. */
  static final Duration SLOW_BURN_WINDOW = Duration.ofHours(6);

  static final Duration SLOW_BURN_CONFIRM = Duration.ofMinutes(30);

  /**
   * Guest file systems that are full by construction (snap packages, the cloud-init seed), which a
   * full-disk alert must ignore.
   */
  static final String READ_ONLY_FILESYSTEMS = "squashfs|iso9660";

  /** KubeVirt's per-card counters of packets lost: errored or dropped, received or sent. */
  static final List<String> NETWORK_ERROR_COUNTERS =
      List.of(
          "receive_errors",
          "transmit_errors",
          "receive_packets_dropped",
          "transmit_packets_dropped");

  private static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                  .disable(YAMLGenerator.Feature.SPLIT_LINES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .build())
          .build();

  private final MonitoringConfig config;

  public AlertRuleDesign(MonitoringConfig config) {
    this.config = config;
  }

  /** The indicators of the contract, as the {@code indicator} label says them. */
  public enum Indicator {
    cpu,
    memory,
    network,
    filesystem,
    availability
  }

  /** A Prometheus rule group, as the {@code groups:} document and the PrometheusRule spell it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "interval", "rules"})
  public record RuleGroup(String name, String interval, List<AlertRule> rules) {}

  /** A Prometheus alerting rule. {@code forDuration} is null for an alert that fires at once. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"alert", "expr", "for", "labels", "annotations"})
  public record AlertRule(
      String alert,
      String expr,
      @JsonProperty("for") String forDuration,
      Map<String, String> labels,
      Map<String, String> annotations) {}

  /** The thresholds in force for one plan: its overrides over the defaults. */
  public record SupervisionThresholds(
      double cpuRatio,
      Duration cpuFor,
      double memoryRatio,
      Duration memoryFor,
      double networkErrorsPerSecond,
      Duration networkFor,
      double filesystemRatio,
      Duration filesystemFor) {}

  public static String ruleName(OdooVps vps) {
    return vps.getMetadata().getName() + "-supervision";
  }

  /** The thresholds of a plan; an unnamed or unlisted plan gets the defaults. */
  public SupervisionThresholds thresholds(String planName) {
    var d = config.defaults();
    var p = planName == null ? null : config.plans().get(planName);
    if (p == null) {
      return new SupervisionThresholds(
          d.cpuRatio(),
          d.cpuFor(),
          d.memoryRatio(),
          d.memoryFor(),
          d.networkErrorsPerSecond(),
          d.networkFor(),
          d.filesystemRatio(),
          d.filesystemFor());
    }
    return new SupervisionThresholds(
        p.cpuRatio().orElse(d.cpuRatio()),
        p.cpuFor().orElse(d.cpuFor()),
        p.memoryRatio().orElse(d.memoryRatio()),
        p.memoryFor().orElse(d.memoryFor()),
        p.networkErrorsPerSecond().orElse(d.networkErrorsPerSecond()),
        p.networkFor().orElse(d.networkFor()),
        p.filesystemRatio().orElse(d.filesystemRatio()),
        p.filesystemFor().orElse(d.filesystemFor()));
  }

  /**
   * The error budget of a 30-day month: 0.5 % of it, 12960 s (3h36m), at the contract's 99.5 %.
   * Status and gauges count 0.5 % of each calendar month (3h43m12s for 31 days, 3h21m36s for 28):
   * the same rate, pro rata.
   */
  public static long errorBudgetSeconds() {
    return BigDecimal.ONE
        .subtract(BigDecimal.valueOf(Availability.TARGET))
        .multiply(BigDecimal.valueOf(MONTH.toSeconds()))
        .longValue();
  }

  /** The PrometheusRule of the VPS, as prometheus-operator's CRD (monitoring.coreos.com/v1). */
  public GenericKubernetesResource prometheusRule(OdooVps vps) {
    var rule = new GenericKubernetesResource();
    rule.setApiVersion(API_VERSION);
    rule.setKind(KIND);
    rule.setMetadata(
        new ObjectMetaBuilder()
            .withName(ruleName(vps))
            .withNamespace(vps.getMetadata().getNamespace())
            .withLabels(VpsLabels.of(vps))
            .build());
    var groups = YAML.convertValue(ruleGroups(vps), new TypeReference<List<Object>>() {});
    rule.setAdditionalProperty("spec", Map.of("groups", groups));
    return rule;
  }

  /** The rule groups alone, as Prometheus's and promtool's rule files hold them. */
  public String rulesYaml(OdooVps vps) {
    try {
      return YAML.writeValueAsString(Map.of("groups", ruleGroups(vps)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Two groups: the four indicators of article 3, and availability (article 10). */
  public List<RuleGroup> ruleGroups(OdooVps vps) {
    var namespace = vps.getMetadata().getNamespace();
    var name = vps.getMetadata().getName();
    var plan = vps.getSpec().getPlan();
    var t = thresholds(plan.getName());
    var interval = duration(config.evaluationInterval());
    var window = duration(config.rateWindow());
    var vmi = matchers(Map.of(NAMESPACE, namespace, "name", name));
    var own = matchers(Map.of(NAMESPACE, namespace, VPS, name));
    var who = "VPS " + namespace + "/" + name;
    var vcpu = plan.getVcpu();

    var cpu =
        new AlertRule(
            CPU_SATURATED,
            "sum by (namespace, name) (rate(kubevirt_vmi_cpu_usage_seconds_total{%s}[%s])) / %d > %s"
                .formatted(vmi, window, vcpu, number(t.cpuRatio())),
            duration(t.cpuFor()),
            labels(namespace, name, Indicator.cpu, "warning"),
            annotations(
                who + " is saturating its CPU",
                who
                    + " has used {{ $value | humanizePercentage }} of its "
                    + vcpu
                    + " vCPU for "
                    + duration(t.cpuFor())
                    + " (threshold "
                    + percent(t.cpuRatio())
                    + ")."));
    var memory =
        new AlertRule(
            MEMORY_PRESSURE,
            ("1 - max by (namespace, name) (kubevirt_vmi_memory_usable_bytes{%s})\n"
                    + "  / max by (namespace, name) (kubevirt_vmi_memory_available_bytes{%s})\n"
                    + "> %s")
                .formatted(vmi, vmi, number(t.memoryRatio())),
            duration(t.memoryFor()),
            labels(namespace, name, Indicator.memory, "warning"),
            annotations(
                who + " is short of memory",
                who
                    + " has {{ $value | humanizePercentage }} of its "
                    + plan.getMemory()
                    + " memory in use, not reclaimable, for "
                    + duration(t.memoryFor())
                    + " (threshold "
                    + percent(t.memoryRatio())
                    + ")."));
    var network =
        new AlertRule(
            NETWORK_ERRORS,
            "sum by (namespace, name, interface) (\n  %s\n) > %s"
                .formatted(networkErrorRates(vmi, window), number(t.networkErrorsPerSecond())),
            duration(t.networkFor()),
            labels(namespace, name, Indicator.network, "warning"),
            annotations(
                who + " has network errors on {{ $labels.interface }}",
                who
                    + " network card {{ $labels.interface }} has errored or dropped"
                    + " {{ $value | humanize }} packets per second for "
                    + duration(t.networkFor())
                    + " (threshold "
                    + number(t.networkErrorsPerSecond())
                    + "/s)."));
    var fsMatchers = vmi + ", file_system_type!~\"" + READ_ONLY_FILESYSTEMS + "\"";
    var filesystem =
        new AlertRule(
            FILESYSTEM_FULL,
            ("max by (namespace, name, disk_name, mount_point)"
                    + " (kubevirt_vmi_filesystem_used_bytes{%s})\n"
                    + "  / max by (namespace, name, disk_name, mount_point)"
                    + " (kubevirt_vmi_filesystem_capacity_bytes{%s} > 0)\n"
                    + "> %s")
                .formatted(fsMatchers, fsMatchers, number(t.filesystemRatio())),
            duration(t.filesystemFor()),
            labels(namespace, name, Indicator.filesystem, "warning"),
            annotations(
                who + " file system {{ $labels.mount_point }} is nearly full",
                who
                    + " file system {{ $labels.mount_point }} (disk {{ $labels.disk_name }}) is"
                    + " {{ $value | humanizePercentage }} full (threshold "
                    + percent(t.filesystemRatio())
                    + ")."));

    var availability = config.availability();
    var down =
        new AlertRule(
            DOWN,
            "max by (namespace, vps) (odoovps_vps_ready{%s}) == 0".formatted(own),
            duration(availability.downFor()),
            labels(namespace, name, Indicator.availability, "critical"),
            annotations(
                who + " is down",
                who
                    + " has not been ready for "
                    + duration(availability.downFor())
                    + "; every further minute is taken from the month's error budget."));
    // The gauges count 0.5 % of the calendar month: the same share of this month's days here.
    var budgetPerDay = BigDecimal.ONE.subtract(BigDecimal.valueOf(Availability.TARGET));
    var lowPerDay =
        budgetPerDay
            .multiply(BigDecimal.valueOf(86_400))
            .multiply(BigDecimal.valueOf(availability.budgetRemainingFraction()));
    var budgetLow =
        new AlertRule(
            AVAILABILITY_BUDGET_LOW,
            ("min by (namespace, vps) (odoovps_vps_error_budget_remaining_seconds{%s})"
                    + " < %s * scalar(days_in_month())")
                .formatted(own, lowPerDay.stripTrailingZeros().toPlainString()),
            null,
            labels(namespace, name, Indicator.availability, "critical"),
            annotations(
                who + " has used most of its availability budget",
                who
                    + " has {{ $value | humanizeDuration }} of downtime left this month, less than "
                    + percent(availability.budgetRemainingFraction())
                    + " of the month's budget (0.5 % of the month, 3h36m for 30 days, at "
                    + percent(Availability.TARGET)
                    + " availability)."));
    var fastBurn =
        burnRate(
            own,
            who,
            labels(namespace, name, Indicator.availability, "critical"),
            "fast",
            FAST_BURN_WINDOW,
            FAST_BURN_CONFIRM,
            availability.fastBurnRate());
    var slowBurn =
        burnRate(
            own,
            who,
            labels(namespace, name, Indicator.availability, "warning"),
            "slow",
            SLOW_BURN_WINDOW,
            SLOW_BURN_CONFIRM,
            availability.slowBurnRate());

    return List.of(
        new RuleGroup(
            "odoovps." + name + ".supervision",
            interval,
            List.of(cpu, memory, network, filesystem)),
        new RuleGroup(
            "odoovps." + name + ".availability",
            interval,
            List.of(down, budgetLow, fastBurn, slowBurn)),
        new RuleGroup("odoovps." + name + ".abuse", interval, abuseRules(namespace, name, vmi)));
  }

  /**
   * Burn rate (contract article 10): the share of a window the VPS was down, over the 0.5 % that
   * 99.5 % allows. At rate r the budget of a 30-day month lasts 30/r days, so 14.4 over an hour
   * spends 2 % of it in that hour and 6 over 6 hours spends 5 %. A shorter window must burn as fast
   * too, so the alert stops soon after the VPS is back. This catches a VPS that flaps, down a
   * minute at a time, which {@link #DOWN} (down for 5 minutes in a row) never sees.
   */
  private static AlertRule burnRate(
      String own,
      String who,
      Map<String, String> labels,
      String speed,
      Duration window,
      Duration confirm,
      double rate) {
    var threshold =
        BigDecimal.valueOf(rate)
            .multiply(BigDecimal.ONE.subtract(BigDecimal.valueOf(Availability.TARGET)))
            .stripTrailingZeros()
            .toPlainString();
    var downShare = "(1 - max by (namespace, vps) (avg_over_time(odoovps_vps_ready{%s}[%s])))";
    var withBurn = new LinkedHashMap<>(labels);
    withBurn.put(BURN, speed);
    return new AlertRule(
        AVAILABILITY_BURN_RATE,
        (downShare + " > %s\nand\n" + downShare + " > %s")
            .formatted(own, duration(window), threshold, own, duration(confirm), threshold),
        null,
        withBurn,
        annotations(
            who + " is spending its availability budget " + number(rate) + " times too fast",
            who
                + " was down {{ $value | humanizePercentage }} of the last "
                + duration(window)
                + ", "
                + number(rate)
                + " times the 0.5 % that "
                + percent(Availability.TARGET)
                + " availability allows: at this rate a 30-day budget lasts "
                + BigDecimal.valueOf(MONTH.toDays() / rate)
                    .setScale(1, java.math.RoundingMode.HALF_UP)
                    .stripTrailingZeros()
                    .toPlainString()
                + " days."));
  }

  /**
   * Contract articles 7 and 9: an inbound packet flood raises the attack alert (level 1, and level
   * 2 above the severe rate: both fire then, and mitigation takes the highest); the spam alert,
   * when the platform gives a port-25 expression. They open tickets like every alert, and the
   * MitigationState reconciler acts on them.
   */
  private List<AlertRule> abuseRules(String namespace, String name, String vmi) {
    var abuse = config.abuse();
    var who = "VPS " + namespace + "/" + name;
    var window = duration(config.rateWindow());
    var rules = new ArrayList<AlertRule>();
    int level = 1;
    for (var pps : List.of(abuse.attackPacketsPerSecond(), abuse.severeAttackPacketsPerSecond())) {
      var labels = labels(namespace, name, Indicator.network, "critical");
      labels.put("level", Integer.toString(level));
      rules.add(
          new AlertRule(
              DDOS_ATTACK,
              "sum by (namespace, name) (rate(kubevirt_vmi_network_receive_packets_total{%s}[%s]))"
                      .formatted(vmi, window)
                  + " > "
                  + number(pps),
              duration(abuse.attackFor()),
              labels,
              annotations(
                  who + " is under attack (level " + level + ")",
                  who
                      + " receives {{ $value | humanize }} packets per second (threshold "
                      + number(pps)
                      + "/s): DDoS mitigation switches on for at least 26 hours.")));
      level++;
    }
    abuse
        .spamExpr()
        .ifPresent(
            expr -> {
              var labels = labels(namespace, name, Indicator.network, "critical");
              rules.add(
                  new AlertRule(
                      SPAM_SUSPECTED,
                      expr.replace("{namespace}", namespace).replace("{vps}", name),
                      duration(abuse.spamFor()),
                      labels,
                      annotations(
                          who + " is suspected of sending spam",
                          who
                              + " shows spam-like port-25 traffic ({{ $value | humanize }}):"
                              + " outbound port 25 is blocked.")));
            });
    return rules;
  }

  /**
   * The rates of KubeVirt's four error and drop counters of a VM's network cards, one series per
   * counter and card. {@code rate()} drops the metric name, so each rate gets a {@code counter}
   * label before they are united: one selector matching the four names would yield series with the
   * same labels, which PromQL refuses. A counter a card does not report simply adds nothing.
   */
  static String networkErrorRates(String matchers, String window) {
    return NETWORK_ERROR_COUNTERS.stream()
        .map(
            counter ->
                "label_replace(rate(kubevirt_vmi_network_%s_total{%s}[%s]), \"counter\", \"%s\", \"\", \"\")"
                    .formatted(counter, matchers, window, counter))
        .reduce((a, b) -> a + "\n  or " + b)
        .orElseThrow();
  }

  private static Map<String, String> labels(
      String namespace, String name, Indicator indicator, String severity) {
    var labels = new LinkedHashMap<String, String>();
    labels.put(SEVERITY, severity);
    labels.put(NAMESPACE, namespace);
    labels.put(VPS, name);
    labels.put(INDICATOR, indicator.name());
    return labels;
  }

  private static Map<String, String> annotations(String summary, String description) {
    var annotations = new LinkedHashMap<String, String>();
    annotations.put("summary", summary);
    annotations.put("description", description);
    return annotations;
  }

  /** {@code namespace="…", name="…"}, sorted by label name for stable output. */
  private static String matchers(Map<String, String> labels) {
    return labels.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=\"" + escape(e.getValue()) + "\"")
        .reduce((a, b) -> a + ", " + b)
        .orElse("");
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** A number as PromQL and people read it: 0.9, 1, 12.5. */
  static String number(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String percent(double ratio) {
    return BigDecimal.valueOf(ratio).movePointRight(2).stripTrailingZeros().toPlainString() + " %";
  }

  /** A Prometheus duration: 1h30m, 5m, 45s, 250ms, 0s. */
  public static String duration(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("negative duration " + d);
    }
    if (d.isZero()) {
      return "0s";
    }
    var out = new StringBuilder();
    long hours = d.toHours();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (d.toMinutesPart() > 0) {
      out.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0) {
      out.append(d.toSecondsPart()).append('s');
    }
    if (d.toMillisPart() > 0) {
      out.append(d.toMillisPart()).append("ms");
    }
    return out.toString();
  }
}
