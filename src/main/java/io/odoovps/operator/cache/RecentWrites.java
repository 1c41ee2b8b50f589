package io.odoovps.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read-your-writes over an informer's list: the objects a reconciler wrote or deleted itself, laid
 * over what the cache lists until the cache has caught up with them. An informer learns of a write
 * a moment after it returns; a reconcile in that moment would otherwise decide again from the
 * object as it was (JOSDK's own temporary cache serves {@code get}, not {@code list}). A written
 * object is listed as written until the cache holds that resourceVersion or a later one; a deleted
 * one is hidden until the cache drops it or holds a later version (made anew). Keyed by namespace
 * and name; resourceVersions compared as numbers, as etcd makes them. A write the cache has not
 * shown within {@link #PATIENCE} (the object went again before the informer saw it) is forgotten.
 */
public final class RecentWrites<T extends HasMetadata> {

  /** How long a write waits for the cache to show it before it is forgotten. */
  public static final Duration PATIENCE = Duration.ofMinutes(1);

  private record Write<T>(T object, Instant at) {}

  private final Clock clock;
  private final Map<String, Write<T>> written = new ConcurrentHashMap<>();
  private final Map<String, Long> deleted = new ConcurrentHashMap<>();

  public RecentWrites(Clock clock) {
    this.clock = clock;
  }

  /** {@code object} as the API server returned it from a create, update or apply. */
  public void wrote(T object) {
    var key = key(object);
    deleted.remove(key);
    written.put(key, new Write<>(object, clock.instant()));
  }

  /** {@code object} (as last listed) was deleted. */
  public void deleted(T object) {
    var key = key(object);
    written.remove(key);
    deleted.put(key, version(object));
  }

  /**
   * {@code cached} with the recent writes laid over: a written object replaces an older cached one
   * (or joins the list if the cache has none yet), a deleted one is left out. Writes the cache has
   * caught up with are forgotten.
   */
  public List<T> over(Collection<T> cached, String namespace) {
    var byKey = new HashMap<String, T>();
    for (var object : cached) {
      byKey.put(key(object), object);
    }
    var expired = clock.instant().minus(PATIENCE);
    written.values().removeIf(w -> w.at().isBefore(expired));
    var result = new ArrayList<T>(cached.size());
    for (var object : cached) {
      var key = key(object);
      var mine = written.get(key);
      if (mine != null && version(mine.object()) > version(object)) {
        result.add(mine.object());
        continue;
      }
      if (mine != null) {
        written.remove(key, mine);
      }
      var gone = deleted.get(key);
      if (gone != null && version(object) <= gone) {
        continue;
      }
      deleted.remove(key);
      result.add(object);
    }
    for (var entry : written.entrySet()) {
      var object = entry.getValue().object();
      if (!byKey.containsKey(entry.getKey())
          && namespace.equals(object.getMetadata().getNamespace())) {
        result.add(object);
      }
    }
    // a deletion the cache shows already (the object is not listed) needs no hiding any more
    deleted.keySet().removeIf(k -> k.startsWith(namespace + "/") && !byKey.containsKey(k));
    return result;
  }

  /** How many writes and deletions wait for the cache (for tests). */
  public int pending() {
    return written.size() + deleted.size();
  }

  private static String key(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  private static long version(HasMetadata object) {
    var version = object.getMetadata().getResourceVersion();
    try {
      return version == null ? 0 : Long.parseLong(version);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
