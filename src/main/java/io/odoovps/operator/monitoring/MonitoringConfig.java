package io.odoovps.operator.monitoring;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The supervision of every VPS (contract article 3: CPU, network cards, file systems, memory;
 * article 10: 99.50 % availability), under `odoovps.monitoring.`: the thresholds and `for`
 * durations of the alert rules, by default and per plan name. A plan entry only overrides the keys
 * it sets: `odoovps.monitoring.plans.business-4.cpu-ratio=0.95` keeps every other default.
 */
@ConfigMapping(prefix = "odoovps.monitoring")
public interface MonitoringConfig {

  /** Every default, for code paths without Quarkus configuration (tests, tools). */
  static MonitoringConfig withDefaults() {
    return new io.smallrye.config.SmallRyeConfigBuilder()
        .withMapping(MonitoringConfig.class)
        .build()
        .getConfigMapping(MonitoringConfig.class);
  }

  /** Thresholds of every plan that `plans` does not name, and of the keys a plan leaves unset. */
  Thresholds defaults();

  /** Overrides by plan name (the value of `spec.plan.name`). */
  Map<String, PlanThresholds> plans();

  /** How often Prometheus evaluates the rule group of a VPS. */
  @WithDefault("1m")
  @WithConverter(DurationConverter.class)
  Duration evaluationInterval();

  /** The range of the `rate()` over KubeVirt's counters (CPU seconds, network errors). */
  @WithDefault("5m")
  @WithConverter(DurationConverter.class)
  Duration rateWindow();

  /** The availability promise and its alerts. */
  Availability availability();

  /** The attack and spam alerts that drive DDoS mitigation and port-25 blocks. */
  Abuse abuse();

  /** Abuse detection (contract articles 7 and 9), from metrics only. */
  interface Abuse {
    /**
     * Inbound packets per second (all interfaces of the VM) above which OdooVpsDDoSAttack fires at
     * level 1.
     */
    @WithDefault("200000")
    double attackPacketsPerSecond();

    /** Inbound packets per second above which OdooVpsDDoSAttack also fires at level 2. */
    @WithDefault("1000000")
    double severeAttackPacketsPerSecond();

    /** How long the rate must hold before the attack alert fires. */
    @WithDefault("2m")
    @WithConverter(DurationConverter.class)
    Duration attackFor();

    /**
     * PromQL that is above zero while a VPS sends spam, with `{namespace}` and `{vps}` replaced:
     * port-25 statistics from the platform's flow metrics (KubeVirt has no per-port counters), for
     * example Hubble's `sum(rate(hubble_flows_processed_total{source_namespace="{namespace}",
     * source_pod=~"virt-launcher-{vps}-.*", destination_port="25"}[5m])) > 5`. Unset: no spam rule
     * is written, and spam alerts must come from elsewhere (any rule named OdooVpsSpamSuspected
     * with `namespace` and `vps` labels).
     */
    Optional<String> spamExpr();

    /** How long the spam expression must hold before OdooVpsSpamSuspected fires. */
    @WithDefault("5m")
    @WithConverter(DurationConverter.class)
    Duration spamFor();
  }

  /** Thresholds with their defaults. */
  interface Thresholds {
    /** CPU time used per second over the plan's vCPUs (0.9: a 2-vCPU VPS busy at 1.8 CPU). */
    @WithDefault("0.9")
    double cpuRatio();

    @WithDefault("15m")
    @WithConverter(DurationConverter.class)
    Duration cpuFor();

    /** Guest memory in use (not available to applications) over the guest's memory. */
    @WithDefault("0.9")
    double memoryRatio();

    @WithDefault("10m")
    @WithConverter(DurationConverter.class)
    Duration memoryFor();

    /** Errored plus dropped packets per second on one network interface of the VM. */
    @WithDefault("1")
    double networkErrorsPerSecond();

    @WithDefault("10m")
    @WithConverter(DurationConverter.class)
    Duration networkFor();

    /** Used bytes over the capacity of one guest file system. */
    @WithDefault("0.9")
    double filesystemRatio();

    @WithDefault("5m")
    @WithConverter(DurationConverter.class)
    Duration filesystemFor();
  }

  /** The same keys as {@link Thresholds}, each optional: unset keys keep the defaults. */
  interface PlanThresholds {
    Optional<Double> cpuRatio();

    @WithConverter(DurationConverter.class)
    Optional<Duration> cpuFor();

    Optional<Double> memoryRatio();

    @WithConverter(DurationConverter.class)
    Optional<Duration> memoryFor();

    Optional<Double> networkErrorsPerSecond();

    @WithConverter(DurationConverter.class)
    Optional<Duration> networkFor();

    Optional<Double> filesystemRatio();

    @WithConverter(DurationConverter.class)
    Optional<Duration> filesystemFor();
  }

  /** Availability (contract article 10). */
  interface Availability {
    /** OdooVpsAvailabilityBudgetLow fires when less than this fraction of the budget is left. */
    @WithDefault("0.25")
    double budgetRemainingFraction();

    /**
     * OdooVpsAvailabilityBurnRate (severity critical) fires when the last hour, and the last 5
     * minutes, spend the budget this many times faster than the month allows: 14.4 spends 2 % of a
     * 30-day budget in the hour.
     */
    @WithDefault("14.4")
    double fastBurnRate();

    /**
     * OdooVpsAvailabilityBurnRate (severity warning) fires when the last 6 hours, and the last 30
     * minutes, spend it this many times faster: 6 spends 5 % in the 6 hours.
     */
    @WithDefault("6")
    double slowBurnRate();

    /** OdooVpsDown fires when the VPS has not been ready for this long. */
    @WithDefault("5m")
    @WithConverter(DurationConverter.class)
    Duration downFor();
  }
}
