package io.odoovps.operator.testing;

import com.sun.net.httpserver.HttpServer;
import io.odoovps.operator.traffic.PrometheusTraffic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stands in for KubeVirt's virt-handler metrics endpoint: serves {@code /metrics} in the Prometheus
 * text format with one {@value PrometheusTraffic#METRIC} counter per (namespace, VM, interface),
 * whose values the test sets. Prometheus reads sample values as 64-bit floats, so the counters
 * arrive as doubles (exact up to 2^53, far beyond any byte count a test uses).
 */
public final class SyntheticExporter implements AutoCloseable {

  private record Series(String namespace, String name, String iface) {}

  private static final Comparator<Series> ORDER =
      Comparator.comparing(Series::namespace)
          .thenComparing(Series::name)
          .thenComparing(Series::iface);

  private final ConcurrentSkipListMap<Series, Long> counters = new ConcurrentSkipListMap<>(ORDER);
  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  /** Starts serving on a free loopback port. */
  public SyntheticExporter() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/metrics",
        exchange -> {
          try (exchange) {
            var body = exposition().getBytes(StandardCharsets.UTF_8);
            exchange
                .getResponseHeaders()
                .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    server.setExecutor(executor);
    server.start();
  }

  /** The scrape target, {@code 127.0.0.1:<port>}. */
  public String target() {
    return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  /** Sets the counter of one interface of one VM (creating the series if new). */
  public void set(String namespace, String name, String iface, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("a byte counter is never negative: " + bytes);
    }
    counters.put(new Series(namespace, name, iface), bytes);
  }

  /** Drops the series of one interface of one VM from the next scrapes. */
  public void remove(String namespace, String name, String iface) {
    counters.remove(new Series(namespace, name, iface));
  }

  /** Drops every series of one VM from the next scrapes, as when its VMI is gone. */
  public void remove(String namespace, String name) {
    counters.keySet().removeIf(s -> s.namespace().equals(namespace) && s.name().equals(name));
  }

  /** What {@code /metrics} answers now. */
  public String exposition() {
    var text = new StringBuilder();
    text.append("# HELP ")
        .append(PrometheusTraffic.METRIC)
        .append(" Total network traffic transmitted in bytes.\n");
    text.append("# TYPE ").append(PrometheusTraffic.METRIC).append(" counter\n");
    counters.forEach(
        (series, bytes) ->
            text.append(PrometheusTraffic.METRIC)
                .append("{interface=\"")
                .append(escape(series.iface()))
                .append("\",name=\"")
                .append(escape(series.name()))
                .append("\",namespace=\"")
                .append(escape(series.namespace()))
                .append("\"} ")
                .append(bytes)
                .append('\n'));
    return text.toString();
  }

  private static String escape(String labelValue) {
    return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
