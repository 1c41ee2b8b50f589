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
import io.odoovps.operator.naming.VpsLabels;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
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

  /**
   * One row of the rule table: what sets an alert apart. The loop of {@link #ruleGroups} adds the
   * labels every alert carries and prefixes the summary and description with the VPS.
   */
  record Rule(
      String group,
      String alert,
      Indicator indicator,
      String severity,
      Map<String, String> extraLabels,
      String expr,
      Duration forDuration,
      String summary,
      String description) {}

  /**
   * Three groups, {@code odoovps.<vps>.<group>}: the four indicators of article 3 ({@code
   * supervision}), availability (article 10) and abuse (articles 7 and 9), from {@link #rules}.
   */
  public List<RuleGroup> ruleGroups(OdooVps vps) {
    var namespace = vps.getMetadata().getNamespace();
    var name = vps.getMetadata().getName();
    var who = "VPS " + namespace + "/" + name + " ";
    var groups = new LinkedHashMap<String, List<AlertRule>>();
    for (var rule : rules(vps)) {
      var labels = new LinkedHashMap<String, String>();
      labels.put(SEVERITY, rule.severity());
      labels.put(NAMESPACE, namespace);
      labels.put(VPS, name);
      labels.put(INDICATOR, rule.indicator().name());
      labels.putAll(rule.extraLabels());
      var annotations = new LinkedHashMap<String, String>();
      annotations.put("summary", who + rule.summary());
      annotations.put("description", who + rule.description());
      var forDuration = rule.forDuration() == null ? null : duration(rule.forDuration());
      groups
          .computeIfAbsent(rule.group(), g -> new ArrayList<>())
          .add(new AlertRule(rule.alert(), rule.expr(), forDuration, labels, annotations));
    }
    var interval = duration(config.evaluationInterval());
    return groups.entrySet().stream()
        .map(g -> new RuleGroup("odoovps." + name + "." + g.getKey(), interval, g.getValue()))
        .toList();
  }

  /** The rule table of a VPS, in the order of its groups. */
  List<Rule> rules(OdooVps vps) {
    var namespace = vps.getMetadata().getNamespace();
    var name = vps.getMetadata().getName();
    var vmi = matchers(Map.of(NAMESPACE, namespace, "name", name));
    var own = matchers(Map.of(NAMESPACE, namespace, VPS, name));
    var rules = new ArrayList<>(supervisionRules(vps, vmi));
    rules.addAll(availabilityRules(own));
    rules.addAll(abuseRules(namespace, name, vmi));
    return rules;
  }

  /** Contract article 3: CPU, memory, network cards and file systems, from KubeVirt's series. */
  private List<Rule> supervisionRules(OdooVps vps, String vmi) {
    var plan = vps.getSpec().getPlan();
    var t = thresholds(plan.getName());
    var window = duration(config.rateWindow());
    var fs = vmi + ", file_system_type!~\"" + READ_ONLY_FILESYSTEMS + "\"";
    return List.of(
        warning(
            CPU_SATURATED,
            Indicator.cpu,
            "sum by (namespace, name) (rate(kubevirt_vmi_cpu_usage_seconds_total{%s}[%s])) / %d > %s"
                .formatted(vmi, window, plan.getVcpu(), number(t.cpuRatio())),
            t.cpuFor(),
            "is saturating its CPU",
            "has used {{ $value | humanizePercentage }} of its %d vCPU for %s (threshold %s)."
                .formatted(plan.getVcpu(), duration(t.cpuFor()), percent(t.cpuRatio()))),
        warning(
            MEMORY_PRESSURE,
            Indicator.memory,
            ("1 - max by (namespace, name) (kubevirt_vmi_memory_usable_bytes{%s})\n"
                    + "  / max by (namespace, name) (kubevirt_vmi_memory_available_bytes{%s})\n"
                    + "> %s")
                .formatted(vmi, vmi, number(t.memoryRatio())),
            t.memoryFor(),
            "is short of memory",
            ("has {{ $value | humanizePercentage }} of its %s memory in use, not reclaimable,"
                    + " for %s (threshold %s).")
                .formatted(plan.getMemory(), duration(t.memoryFor()), percent(t.memoryRatio()))),
        warning(
            NETWORK_ERRORS,
            Indicator.network,
            "sum by (namespace, name, interface) (\n  %s\n) > %s"
                .formatted(networkErrorRates(vmi, window), number(t.networkErrorsPerSecond())),
            t.networkFor(),
            "has network errors on {{ $labels.interface }}",
            ("network card {{ $labels.interface }} has errored or dropped {{ $value | humanize }}"
                    + " packets per second for %s (threshold %s/s).")
                .formatted(duration(t.networkFor()), number(t.networkErrorsPerSecond()))),
        warning(
            FILESYSTEM_FULL,
            Indicator.filesystem,
            ("max by (namespace, name, disk_name, mount_point)"
                    + " (kubevirt_vmi_filesystem_used_bytes{%s})\n"
                    + "  / max by (namespace, name, disk_name, mount_point)"
                    + " (kubevirt_vmi_filesystem_capacity_bytes{%s} > 0)\n"
                    + "> %s")
                .formatted(fs, fs, number(t.filesystemRatio())),
            t.filesystemFor(),
            "file system {{ $labels.mount_point }} is nearly full",
            ("file system {{ $labels.mount_point }} (disk {{ $labels.disk_name }}) is"
                    + " {{ $value | humanizePercentage }} full (threshold %s).")
                .formatted(percent(t.filesystemRatio()))));
  }

  private static Rule warning(
      String alert,
      Indicator indicator,
      String expr,
      Duration forDuration,
      String summary,
      String description) {
    return new Rule(
        "supervision",
        alert,
        indicator,
        "warning",
        Map.of(),
        expr,
        forDuration,
        summary,
        description);
  }

  /**
   * Contract article 10, from the operator's own gauges: down for a while, most of the month's
   * budget spent, and the budget burning fast (critical) or slowly (warning).
   */
  private List<Rule> availabilityRules(String own) {
    var availability = config.availability();
    // The gauges count 0.5 % of the calendar month: the same share of this month's days here.
    var lowPerDay =
        BigDecimal.ONE
            .subtract(BigDecimal.valueOf(Availability.TARGET))
            .multiply(BigDecimal.valueOf(86_400))
            .multiply(BigDecimal.valueOf(availability.budgetRemainingFraction()));
    return List.of(
        new Rule(
            "availability",
            DOWN,
            Indicator.availability,
            "critical",
            Map.of(),
            "max by (namespace, vps) (odoovps_vps_ready{%s}) == 0".formatted(own),
            availability.downFor(),
            "is down",
            "has not been ready for %s; every further minute is taken from the month's error budget."
                .formatted(duration(availability.downFor()))),
        new Rule(
            "availability",
            AVAILABILITY_BUDGET_LOW,
            Indicator.availability,
            "critical",
            Map.of(),
            ("min by (namespace, vps) (odoovps_vps_error_budget_remaining_seconds{%s})"
                    + " < %s * scalar(days_in_month())")
                .formatted(own, lowPerDay.stripTrailingZeros().toPlainString()),
            null,
            "has used most of its availability budget",
            ("has {{ $value | humanizeDuration }} of downtime left this month, less than %s of the"
                    + " month's budget (0.5 %% of the month, 3h36m for 30 days, at %s"
                    + " availability).")
                .formatted(
                    percent(availability.budgetRemainingFraction()), percent(Availability.TARGET))),
        burnRate(
            own,
            "critical",
            "fast",
            FAST_BURN_WINDOW,
            FAST_BURN_CONFIRM,
            availability.fastBurnRate()),
        burnRate(
            own,
            "warning",
            "slow",
            SLOW_BURN_WINDOW,
            SLOW_BURN_CONFIRM,
            availability.slowBurnRate()));
  }

  /**
   * Burn rate (contract article 10): the share of a window the VPS was down, over the 0.5 % that
   * 99.5 % allows. At rate r the budget of a 30-day month lasts 30/r days, so 14.4 over an hour
   * spends 2 % of it in that hour and 6 over 6 hours spends 5 %. A shorter window must burn as fast
   * too, so the alert stops soon after the VPS is back. This catches a VPS that flaps, down a
   * minute at a time, which {@link #DOWN} (down for 5 minutes in a row) never sees.
   */
  private static Rule burnRate(
      String own, String severity, String speed, Duration window, Duration confirm, double rate) {
    var threshold =
        BigDecimal.valueOf(rate)
            .multiply(BigDecimal.ONE.subtract(BigDecimal.valueOf(Availability.TARGET)))
            .stripTrailingZeros()
            .toPlainString();
    var downShare = "(1 - max by (namespace, vps) (avg_over_time(odoovps_vps_ready{%s}[%s])))";
    var lasts =
        BigDecimal.valueOf(MONTH.toDays() / rate)
            .setScale(1, RoundingMode.HALF_UP)
            .stripTrailingZeros()
            .toPlainString();
    return new Rule(
        "availability",
        AVAILABILITY_BURN_RATE,
        Indicator.availability,
        severity,
        Map.of(BURN, speed),
        (downShare + " > %s\nand\n" + downShare + " > %s")
            .formatted(own, duration(window), threshold, own, duration(confirm), threshold),
        null,
        "is spending its availability budget " + number(rate) + " times too fast",
        ("was down {{ $value | humanizePercentage }} of the last %s, %s times the 0.5 %% that %s"
                + " availability allows: at this rate a 30-day budget lasts %s days.")
            .formatted(duration(window), number(rate), percent(Availability.TARGET), lasts));
  }

  /**
   * Contract articles 7 and 9: an inbound packet flood raises the attack alert (level 1, and level
   * 2 above the severe rate: both fire then, and mitigation takes the highest); the spam alert,
   * when the platform gives a port-25 expression. They open tickets like every alert, and the
   * MitigationState reconciler acts on them.
   */
  private List<Rule> abuseRules(String namespace, String name, String vmi) {
    var abuse = config.abuse();
    var window = duration(config.rateWindow());
    var rules = new ArrayList<Rule>();
    var levels = List.of(abuse.attackPacketsPerSecond(), abuse.severeAttackPacketsPerSecond());
    for (int level = 1; level <= levels.size(); level++) {
      var pps = number(levels.get(level - 1));
      rules.add(
          new Rule(
              "abuse",
              DDOS_ATTACK,
              Indicator.network,
              "critical",
              Map.of("level", Integer.toString(level)),
              "sum by (namespace, name) (rate(kubevirt_vmi_network_receive_packets_total{%s}[%s]))"
                      .formatted(vmi, window)
                  + " > "
                  + pps,
              abuse.attackFor(),
              "is under attack (level " + level + ")",
              "receives {{ $value | humanize }} packets per second (threshold %s/s): DDoS"
                      .formatted(pps)
                  + " mitigation switches on for at least 26 hours."));
    }
    abuse
        .spamExpr()
        .ifPresent(
            expr ->
                rules.add(
                    new Rule(
                        "abuse",
                        SPAM_SUSPECTED,
                        Indicator.network,
                        "critical",
                        Map.of(),
                        expr.replace("{namespace}", namespace).replace("{vps}", name),
                        abuse.spamFor(),
                        "is suspected of sending spam",
                        "shows spam-like port-25 traffic ({{ $value | humanize }}): outbound port 25"
                            + " is blocked.")));
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
