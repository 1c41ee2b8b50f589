package io.odoovps.operator.ipv4;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The public IPv4 addresses of one location, parsed from the configuration: CIDR blocks
 * (`192.0.2.0/28`, every address of the block), ranges (`192.0.2.10-192.0.2.20`) and single
 * addresses, in the order given. A plain value class.
 */
public final class IPv4Pool {

  private static final Pattern ADDRESS =
      Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");

  private final List<long[]> ranges;
  private final long size;

  private IPv4Pool(List<long[]> ranges) {
    this.ranges = ranges;
    this.size = distinctSize(ranges);
  }

  /** How many distinct addresses the ranges hold (overlapping entries count once). */
  private static long distinctSize(List<long[]> ranges) {
    var sorted = ranges.stream().sorted((a, b) -> Long.compare(a[0], b[0])).toList();
    long total = 0;
    long coveredUpTo = -1;
    for (var r : sorted) {
      long start = Math.max(r[0], coveredUpTo + 1);
      if (r[1] >= start) {
        total += r[1] - start + 1;
        coveredUpTo = r[1];
      }
    }
    return total;
  }

  /** Parses the entries; throws IllegalArgumentException naming a malformed one. */
  public static IPv4Pool parse(List<String> entries) {
    var ranges = new ArrayList<long[]>();
    for (var raw : entries) {
      var entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      try {
        ranges.add(parseEntry(entry));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "malformed IPv4 pool entry '" + entry + "': " + e.getMessage(), e);
      }
    }
    return new IPv4Pool(List.copyOf(ranges));
  }

  private static long[] parseEntry(String entry) {
    if (entry.contains("/")) {
      var parts = entry.split("/", 2);
      int prefix = Integer.parseInt(parts[1]);
      if (prefix < 0 || prefix > 32) {
        throw new IllegalArgumentException("bad IPv4 prefix in " + entry);
      }
      long base = toLong(parts[0]);
      long blockSize = 1L << (32 - prefix);
      long first = base & ~(blockSize - 1) & 0xFFFFFFFFL;
      return new long[] {first, first + blockSize - 1};
    } else if (entry.contains("-")) {
      var parts = entry.split("-", 2);
      long first = toLong(parts[0].trim());
      long last = toLong(parts[1].trim());
      if (last < first) {
        throw new IllegalArgumentException("IPv4 range ends before it starts: " + entry);
      }
      return new long[] {first, last};
    } else {
      long single = toLong(entry);
      return new long[] {single, single};
    }
  }

  public long size() {
    return size;
  }

  public boolean contains(String address) {
    if (address == null) {
      return false;
    }
    long value;
    try {
      value = toLong(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return ranges.stream().anyMatch(r -> value >= r[0] && value <= r[1]);
  }

  /** The first address of the pool that is not in {@code taken}, in pool order. */
  public Optional<String> firstFree(Set<String> taken) {
    for (var range : ranges) {
      for (long value = range[0]; value <= range[1]; value++) {
        var address = toText(value);
        if (!taken.contains(address)) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  static long toLong(String address) {
    var m = ADDRESS.matcher(address);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an IPv4 address: " + address);
    }
    long value = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(m.group(i));
      if (octet > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + address);
      }
      value = (value << 8) | octet;
    }
    return value;
  }

  static String toText(long value) {
    return ((value >> 24) & 0xFF)
        + "."
        + ((value >> 16) & 0xFF)
        + "."
        + ((value >> 8) & 0xFF)
        + "."
        + (value & 0xFF);
  }
}
