package io.odoovps.operator.ipv4;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The public IPv4 addresses one location hands out, parsed from the configuration, in the order
 * given. Entries are CIDR blocks, ranges ({@code 192.0.2.10-192.0.2.20}) and single addresses:
 *
 * <ul>
 *   <li>a block up to /30 hands out its hosts only: {@code 192.0.2.0/24} gives {@code 192.0.2.1} to
 *       {@code 192.0.2.254}, never its network ({@code .0}) or broadcast ({@code .255}) address;
 *   <li>a /31 hands out both its addresses (a point-to-point link has no network or broadcast
 *       address, RFC 3021) and a /32 its one address (a host route);
 *   <li>a range or a single address hands out every address it names.
 * </ul>
 *
 * Exclusions (the gateway, addresses kept for the provider) are written the same way and are never
 * handed out, whatever entry holds them; every address of an excluded block is excluded. A plain
 * value class.
 */
public final class IPv4Pool {

  private static final Pattern ADDRESS =
      Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");

  /** One configured entry: the addresses it names, and whether it is a CIDR block. */
  private record Entry(String text, long first, long last, boolean block) {
    boolean covers(long value) {
      return value >= first && value <= last;
    }

    /** A block up to /30 keeps its network and broadcast addresses out. */
    boolean hostsOnly() {
      return block && last - first >= 3;
    }
  }

  private final List<Entry> entries;
  private final List<Entry> exclusions;

  /** The addresses handed out, entry by entry in the configured order, exclusions cut out. */
  private final List<long[]> usable;

  private final long size;

  private IPv4Pool(List<Entry> entries, List<Entry> exclusions) {
    this.entries = entries;
    this.exclusions = exclusions;
    var excluded = merged(exclusions.stream().map(e -> new long[] {e.first(), e.last()}).toList());
    var pieces = new ArrayList<long[]>();
    for (var entry : entries) {
      long first = entry.hostsOnly() ? entry.first() + 1 : entry.first();
      long last = entry.hostsOnly() ? entry.last() - 1 : entry.last();
      pieces.addAll(minus(first, last, excluded));
    }
    this.usable = List.copyOf(pieces);
    this.size = merged(usable).stream().mapToLong(r -> r[1] - r[0] + 1).sum();
  }

  /** Parses the entries; throws IllegalArgumentException naming a malformed one. */
  public static IPv4Pool parse(List<String> entries) {
    return parse(entries, List.of());
  }

  /**
   * Parses the entries and the exclusions; throws IllegalArgumentException naming a malformed one.
   */
  public static IPv4Pool parse(List<String> entries, List<String> exclusions) {
    return new IPv4Pool(entries(entries, "IPv4 pool entry"), entries(exclusions, "IPv4 exclusion"));
  }

  private static List<Entry> entries(List<String> texts, String what) {
    var parsed = new ArrayList<Entry>();
    for (var raw : texts) {
      var text = raw.trim();
      if (text.isEmpty()) {
        continue;
      }
      try {
        parsed.add(parseEntry(text));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "malformed " + what + " '" + text + "': " + e.getMessage(), e);
      }
    }
    return List.copyOf(parsed);
  }

  private static Entry parseEntry(String entry) {
    if (entry.contains("/")) {
      var parts = entry.split("/", 2);
      int prefix = Integer.parseInt(parts[1]);
      if (prefix < 0 || prefix > 32) {
        throw new IllegalArgumentException("bad IPv4 prefix in " + entry);
      }
      long base = toLong(parts[0]);
      long blockSize = 1L << (32 - prefix);
      long first = base & ~(blockSize - 1) & 0xFFFFFFFFL;
      return new Entry(entry, first, first + blockSize - 1, true);
    } else if (entry.contains("-")) {
      var parts = entry.split("-", 2);
      long first = toLong(parts[0].trim());
      long last = toLong(parts[1].trim());
      if (last < first) {
        throw new IllegalArgumentException("IPv4 range ends before it starts: " + entry);
      }
      return new Entry(entry, first, last, false);
    } else {
      long single = toLong(entry);
      return new Entry(entry, single, single, false);
    }
  }

  /** Sorted, overlapping and adjacent ranges joined. */
  private static List<long[]> merged(List<long[]> ranges) {
    var sorted = ranges.stream().sorted(Comparator.comparingLong(r -> r[0])).toList();
    var out = new ArrayList<long[]>();
    for (var r : sorted) {
      var lastOut = out.isEmpty() ? null : out.get(out.size() - 1);
      if (lastOut != null && r[0] <= lastOut[1] + 1) {
        lastOut[1] = Math.max(lastOut[1], r[1]);
      } else {
        out.add(new long[] {r[0], r[1]});
      }
    }
    return out;
  }

  /** {@code [first, last]} without the (merged, sorted) {@code excluded} ranges. */
  private static List<long[]> minus(long first, long last, List<long[]> excluded) {
    var out = new ArrayList<long[]>();
    long from = first;
    for (var x : excluded) {
      if (x[1] < from || x[0] > last) {
        continue;
      }
      if (x[0] > from) {
        out.add(new long[] {from, x[0] - 1});
      }
      from = x[1] + 1;
      if (from > last) {
        return out;
      }
    }
    if (from <= last) {
      out.add(new long[] {from, last});
    }
    return out;
  }

  /** How many distinct addresses the pool hands out (overlapping entries count once). */
  public long size() {
    return size;
  }

  /** Whether the pool hands out {@code address}. */
  public boolean contains(String address) {
    var value = valueOf(address);
    return value.isPresent() && usable.stream().anyMatch(r -> covers(r, value.get()));
  }

  /**
   * Why the pool does not hand out {@code address} (excluded, a block's network or broadcast
   * address, outside every entry); empty when it does.
   */
  public Optional<String> whyNot(String address) {
    var value = valueOf(address);
    if (value.isEmpty()) {
      return Optional.of(address + " is not an IPv4 address");
    }
    long v = value.get();
    if (usable.stream().anyMatch(r -> covers(r, v))) {
      return Optional.empty();
    }
    var exclusion = exclusions.stream().filter(e -> e.covers(v)).findFirst();
    if (exclusion.isPresent()) {
      return Optional.of(address + " is excluded (exclusion " + exclusion.get().text() + ")");
    }
    var block = entries.stream().filter(e -> e.hostsOnly() && e.covers(v)).findFirst();
    if (block.isPresent()) {
      return Optional.of(
          address
              + " is the "
              + (v == block.get().first() ? "network" : "broadcast")
              + " address of "
              + block.get().text());
    }
    return Optional.of(address + " is in no entry of the pool");
  }

  /** The first address of the pool that is not in {@code taken}, in pool order. */
  public Optional<String> firstFree(Set<String> taken) {
    return nextFree(null, taken::contains);
  }

  /**
   * The first address after {@code after} in pool order that is not taken, going round to the
   * pool's start once; from the start when {@code after} is null or not in the pool. A cursor: an
   * allocator that passes the address it handed out last finds the next one without looking again
   * at every address before it, and an address released a moment ago goes last.
   */
  public Optional<String> nextFree(String after, java.util.function.Predicate<String> taken) {
    int n = usable.size();
    if (n == 0) {
      return Optional.empty();
    }
    int startRange = 0;
    long startValue = usable.get(0)[0];
    var cursor = valueOf(after);
    if (cursor.isPresent()) {
      for (int i = 0; i < n; i++) {
        if (covers(usable.get(i), cursor.get())) {
          startRange = i;
          startValue = cursor.get() + 1;
          break;
        }
      }
    }
    // from the cursor to the pool's end, then from its start up to the cursor
    for (int k = 0; k <= n; k++) {
      var range = usable.get((startRange + k) % n);
      long from = k == 0 ? startValue : range[0];
      long to = k == n ? Math.min(range[1], startValue - 1) : range[1];
      for (long value = from; value <= to; value++) {
        var address = toText(value);
        if (!taken.test(address)) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean covers(long[] range, long value) {
    return value >= range[0] && value <= range[1];
  }

  private static Optional<Long> valueOf(String address) {
    if (address == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(toLong(address));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
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
