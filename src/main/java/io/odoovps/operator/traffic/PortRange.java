package io.odoovps.operator.traffic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** An inclusive range of TCP or UDP ports, {@code from..to} (a single port has from == to). */
public record PortRange(int from, int to) {

  public static final int MAX = 65535;

  public PortRange {
    if (from < 1 || to > MAX || from > to) {
      throw new IllegalArgumentException(
          "not a port range: " + from + "-" + to + " (ports are 1 to 65535, first <= last)");
    }
  }

  public static PortRange of(int port) {
    return new PortRange(port, port);
  }

  /**
   * Parses a list such as {@code 23, 135-139, 6660-6669}: single ports and {@code first-last}
   * ranges, comma-separated.
   */
  public static List<PortRange> parseList(List<String> items) {
    var ranges = new ArrayList<PortRange>();
    for (var item : items) {
      for (var part : item.split(",")) {
        var text = part.trim();
        if (text.isEmpty()) {
          continue;
        }
        try {
          int dash = text.indexOf('-');
          ranges.add(
              dash < 0
                  ? of(Integer.parseInt(text))
                  : new PortRange(
                      Integer.parseInt(text.substring(0, dash).trim()),
                      Integer.parseInt(text.substring(dash + 1).trim())));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "not a port or port range: '" + text + "' (expected 25 or 6660-6669)", e);
        }
      }
    }
    return normalise(ranges);
  }

  /** Sorted, with overlapping and adjacent ranges merged. */
  public static List<PortRange> normalise(List<PortRange> ranges) {
    var sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingInt(PortRange::from));
    var merged = new ArrayList<PortRange>();
    for (var r : sorted) {
      if (!merged.isEmpty() && r.from() <= merged.get(merged.size() - 1).to() + 1) {
        var last = merged.remove(merged.size() - 1);
        merged.add(new PortRange(last.from(), Math.max(last.to(), r.to())));
      } else {
        merged.add(r);
      }
    }
    return List.copyOf(merged);
  }

  /**
   * The ports 1..65535 that none of {@code denied} covers. NetworkPolicy can only allow, so a
   * deny-list is written as the allow-list of its complement.
   */
  public static List<PortRange> complement(List<PortRange> denied) {
    var result = new ArrayList<PortRange>();
    int next = 1;
    for (var r : normalise(denied)) {
      if (r.from() > next) {
        result.add(new PortRange(next, r.from() - 1));
      }
      next = Math.max(next, r.to() + 1);
    }
    if (next <= MAX) {
      result.add(new PortRange(next, MAX));
    }
    return List.copyOf(result);
  }

  public boolean single() {
    return from == to;
  }

  @Override
  public String toString() {
    return single() ? Integer.toString(from) : from + "-" + to;
  }
}
