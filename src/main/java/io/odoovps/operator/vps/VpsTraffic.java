package io.odoovps.operator.vps;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.contract.BillingCycle;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.contract.TrafficLedger;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.notification.CustomerNotices;
import io.odoovps.operator.notification.Notice;
import io.odoovps.operator.traffic.PrometheusTraffic;
import io.odoovps.operator.traffic.TrafficMeter;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The monthly quota of each VPS (contract article 3): the ledger advanced by each counter reading,
 * the throttle past the quota until the cycle ends, the customer's email when it starts. The exact
 * ledger is kept in memory between status writes; the status copy is written when the throttle or
 * the cycle changes and otherwise at most every record interval, so readings cost few writes; after
 * an operator restart the ledger resumes from status, and the counter's growth since then is
 * counted in full (unless the counter was also reset meanwhile).
 */
final class VpsTraffic {

  private final OperatorConfig.Traffic config;
  private final CustomerNotices notices;
  private final Map<String, TrafficLedger.State> ledgers = new ConcurrentHashMap<>();
  private final TrafficMeter meter;

  VpsTraffic(OperatorConfig.Traffic config, CustomerNotices notices) {
    this.config = config;
    this.notices = notices;
    var prometheus = config.prometheus();
    this.meter =
        prometheus
            .url()
            .map(
                url ->
                    new TrafficMeter(
                        new PrometheusTraffic(
                            URI.create(url), prometheus.timeout(), prometheus.bearerToken())))
            .orElse(null);
  }

  /** The meter that polls Prometheus, {@code null} when no Prometheus is configured. */
  TrafficMeter meter() {
    return meter;
  }

  /** The traffic status after this reconcile: {@link #next} from the meter, or unmetered. */
  TrafficStatus measure(VpsFacts facts, BillingCycle.Period period, EventRecorder events) {
    if (meter == null) {
      return unmetered(period);
    }
    return next(
        facts.vps(),
        facts.previous().getTraffic(),
        facts.reading(),
        meter.problem(),
        period,
        facts.now(),
        events);
  }

  /**
   * The traffic status after this reconcile.
   *
   * @param reading the VM's counter reading, if Prometheus has one
   * @param meterProblem why readings are not available ({@code null} when they are)
   */
  TrafficStatus next(
      OdooVps vps,
      TrafficStatus previous,
      Optional<PrometheusTraffic.Reading> reading,
      String meterProblem,
      BillingCycle.Period period,
      Instant now,
      EventRecorder events) {
    var state = ledger(vps.getMetadata().getUid(), previous, reading, period);
    boolean throttled = TrafficLedger.throttled(state, config.quotaBytes());
    String problem = readingProblem(meterProblem, reading);
    var cycleStart = Timestamps.format(period.start());
    var noticeSentAt = noticeSentThisCycle(previous, period);
    announceThrottle(vps, previous, throttled, cycleStart, period, events);
    if (throttled && noticeSentAt == null) {
      var failure =
          notices.send(vps, Notice.THROTTLED, Map.of("cycleEnd", Timestamps.format(period.end())));
      if (failure.isEmpty()) {
        noticeSentAt = Timestamps.format(now);
      } else if (problem == null) {
        problem = "The throttle email could not be sent (retried): " + failure.get();
      }
    }
    var candidate = status(cycleStart, period, state, throttled, noticeSentAt, problem);
    return toWrite(previous, candidate, state);
  }

  /**
   * The ledger advanced by the reading and moved to the current cycle, kept in memory; resumed from
   * status after a restart. {@code null} while there never was a reading.
   */
  private TrafficLedger.State ledger(
      String uid,
      TrafficStatus previous,
      Optional<PrometheusTraffic.Reading> reading,
      BillingCycle.Period period) {
    var base = ledgers.get(uid);
    if (base == null && previous != null && previous.lastReadingAt() != null) {
      base = resumed(previous);
    }
    var state = base;
    if (reading.isPresent()) {
      state = TrafficLedger.next(base, reading.get().bytes(), reading.get().at(), period.start());
    }
    if (state != null && !state.cycleStart().equals(period.start())) {
      state =
          new TrafficLedger.State(period.start(), 0, state.lastCounter(), state.lastReadingAt());
    }
    if (state != null) {
      ledgers.put(uid, state);
    }
    return state;
  }

  /** The ledger as last written to status. */
  private static TrafficLedger.State resumed(TrafficStatus previous) {
    return new TrafficLedger.State(
        Timestamps.parse(previous.cycleStart()),
        previous.bytesUsed() == null ? 0 : previous.bytesUsed(),
        previous.lastCounter() == null ? 0 : previous.lastCounter(),
        Timestamps.parse(previous.lastReadingAt()));
  }

  /** Why traffic is not counted: the meter's problem, or no series for this VM. */
  private static String readingProblem(
      String meterProblem, Optional<PrometheusTraffic.Reading> reading) {
    if (meterProblem == null && reading.isEmpty()) {
      return "Prometheus has no "
          + PrometheusTraffic.METRIC
          + " series for this VM yet: outbound traffic is not being counted";
    }
    return meterProblem;
  }

  /** When the throttle email went out in this cycle, {@code null} when it did not yet. */
  private static String noticeSentThisCycle(TrafficStatus previous, BillingCycle.Period period) {
    return previous == null
            || previous.throttleNoticeSentAt() == null
            || Timestamps.parse(previous.throttleNoticeSentAt()).isBefore(period.start())
        ? null
        : previous.throttleNoticeSentAt();
  }

  /** The Event when the throttle starts in this cycle, or when a new cycle lifts it. */
  private void announceThrottle(
      OdooVps vps,
      TrafficStatus previous,
      boolean throttled,
      String cycleStart,
      BillingCycle.Period period,
      EventRecorder events) {
    boolean wasThrottled =
        previous != null
            && Boolean.TRUE.equals(previous.throttled())
            && cycleStart.equals(previous.cycleStart());
    if (throttled && !wasThrottled) {
      events.warning(
          vps,
          "Throttled",
          "Outbound traffic of the cycle passed the quota of "
              + config.quotaBytes()
              + " bytes: bandwidth limited to "
              + config.throttledMbps()
              + " Mbit/s until "
              + Timestamps.format(period.end()));
    } else if (!throttled && previous != null && Boolean.TRUE.equals(previous.throttled())) {
      events.normal(
          vps,
          "ThrottleLifted",
          "New billing cycle: bandwidth back to " + config.bandwidthMbps() + " Mbit/s");
    }
  }

  private TrafficStatus status(
      String cycleStart,
      BillingCycle.Period period,
      TrafficLedger.State state,
      boolean throttled,
      String noticeSentAt,
      String problem) {
    return new TrafficStatus(
        cycleStart,
        Timestamps.format(period.end()),
        state == null ? null : state.bytesUsed(),
        config.quotaBytes(),
        throttled,
        throttled ? config.throttledMbps() : config.bandwidthMbps(),
        state == null ? null : state.lastCounter(),
        state == null ? null : Timestamps.format(state.lastReadingAt()),
        noticeSentAt,
        problem,
        null);
  }

  /**
   * The status to keep: the previous one when only the reading's time moved, or when only the
   * counts moved and were written less than a record interval ago (few writes); else the candidate.
   */
  private TrafficStatus toWrite(
      TrafficStatus previous, TrafficStatus candidate, TrafficLedger.State state) {
    if (previous != null
        && sameButLedger(previous, candidate)
        && Objects.equals(previous.bytesUsed(), candidate.bytesUsed())
        && Objects.equals(previous.lastCounter(), candidate.lastCounter())) {
      return previous; // only the reading's time moved: nothing to write
    }
    if (previous != null
        && previous.lastReadingAt() != null
        && state != null
        && sameButLedger(previous, candidate)
        && state
            .lastReadingAt()
            .isBefore(
                Timestamps.parse(previous.lastReadingAt())
                    .plus(config.prometheus().recordInterval()))) {
      return previous; // only the counts moved, and were written recently: no write now
    }
    return candidate;
  }

  /** The two differ at most in the ledger's running numbers. */
  private static boolean sameButLedger(TrafficStatus a, TrafficStatus b) {
    return Objects.equals(a.cycleStart(), b.cycleStart())
        && Objects.equals(a.cycleEnd(), b.cycleEnd())
        && Objects.equals(a.quotaBytes(), b.quotaBytes())
        && Objects.equals(a.throttled(), b.throttled())
        && Objects.equals(a.bandwidthMbps(), b.bandwidthMbps())
        && Objects.equals(a.throttleNoticeSentAt(), b.throttleNoticeSentAt())
        && Objects.equals(a.problem(), b.problem());
  }

  /** Without quota accounting (no Prometheus configured). */
  TrafficStatus unmetered(BillingCycle.Period period) {
    return new TrafficStatus(
        Timestamps.format(period.start()),
        Timestamps.format(period.end()),
        null,
        config.quotaBytes(),
        false,
        config.bandwidthMbps(),
        null,
        null,
        null,
        "No Prometheus configured (odoovps.traffic.prometheus.url): outbound traffic is not"
            + " counted",
        null);
  }

  /** Bytes of the cycle in the in-memory ledger (ahead of status between writes). */
  long bytesUsed(String uid) {
    var state = ledgers.get(uid);
    return state == null ? 0 : state.bytesUsed();
  }

  void forget(String uid) {
    ledgers.remove(uid);
  }
}
