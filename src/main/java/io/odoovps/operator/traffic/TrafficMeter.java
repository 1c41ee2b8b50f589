package io.odoovps.operator.traffic;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingEventSource;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every VM's transmit counter with one Prometheus query per interval, for the VPS
 * reconciler's polling event source: a VPS is reconciled when its reading changes. A failing query
 * keeps the last readings (no VPS is reconciled for it) and is reported through {@link #problem()}.
 */
public final class TrafficMeter
    implements PollingEventSource.GenericResourceFetcher<PrometheusTraffic.Reading> {

  private static final Logger LOG = LoggerFactory.getLogger(TrafficMeter.class);

  private final PrometheusTraffic prometheus;
  private volatile Map<ResourceID, Set<PrometheusTraffic.Reading>> last = Map.of();
  private volatile String problem = "Prometheus not read yet";

  public TrafficMeter(PrometheusTraffic prometheus) {
    this.prometheus = prometheus;
  }

  @Override
  public Map<ResourceID, Set<PrometheusTraffic.Reading>> fetchResources() {
    try {
      var readings = prometheus.transmitBytes();
      var next = new HashMap<ResourceID, Set<PrometheusTraffic.Reading>>();
      var previous = last;
      readings.forEach(
          (id, reading) -> {
            // an idle VM's counter does not move: keep its old reading, so that it is not
            // reconciled for a newer timestamp alone
            var old = previous.getOrDefault(id, Set.of());
            next.put(
                id,
                old.size() == 1 && old.iterator().next().bytes() == reading.bytes()
                    ? old
                    : Set.of(reading));
          });
      last = Map.copyOf(next);
      if (problem != null) {
        LOG.info("Reading outbound traffic from Prometheus: {} VMs", next.size());
      }
      problem = null;
    } catch (IOException | RuntimeException e) {
      if (!String.valueOf(e.getMessage()).equals(problem)) {
        LOG.warn("Outbound traffic cannot be read: {}", e.getMessage());
      }
      problem = String.valueOf(e.getMessage());
    }
    return last;
  }

  /** Why the last query failed, or {@code null} when it worked. */
  public String problem() {
    return problem;
  }
}
