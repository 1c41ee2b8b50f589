package io.odoovps.operator.ipv4;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4AllocationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.naming.VpsLabels;
import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives each VPS one address of its location's pool for its whole life. An allocation is a
 * cluster-scoped {@link IPv4Allocation} named by the address: creating it is the atomic claim (a
 * claim of the same address by another process gets 409 Conflict and tries the next one), and it
 * outlives restarts of the VM and of the operator. Released only on termination. Within this
 * process a location's claims take turns and start after the last address handed out, so they
 * neither collide nor list the allocations per VPS.
 *
 * <p>An address a VPS holds is never taken from it, even when the configuration no longer hands it
 * out (newly excluded, a block's network or broadcast address handed out before those were skipped,
 * a pool that shrank): the allocation says so, and only new allocations skip it.
 */
public class IPv4Allocator {

  /** Index of the allocation informer: VPS uid to its allocation. */
  public static final String BY_VPS_UID = "byVpsUid";

  public static final String VPS_UID_LABEL = "odoovps.io/vps-uid";
  public static final String VPS_NAMESPACE_LABEL = "odoovps.io/vps-namespace";

  private final Map<String, IPv4Pool> pools = new ConcurrentHashMap<>();

  /**
   * Per location, the address this process handed out last: the next search starts after it (a
   * cursor, not a scan of the whole pool per VPS), and claims in one location take the pool's lock,
   * so that two reconciles of this process never try the same address.
   */
  private final Map<String, String> cursors = new ConcurrentHashMap<>();

  /**
   * The address each VPS got from this process, until the allocation informer shows it: a reconcile
   * of the same VPS a moment later must not claim a second one.
   */
  private final Map<String, String> claimed = new ConcurrentHashMap<>();

  /**
   * VPSs whose claim got no answer (a timeout, a 5xx): it may have been created. Their next
   * allocation asks the API server before it claims anything.
   */
  private final Set<String> uncertain = ConcurrentHashMap.newKeySet();

  /**
   * Addresses another process claimed (a 409 told us) that the informer does not show yet: skipped
   * until it does.
   */
  private final Set<String> foreignClaims = ConcurrentHashMap.newKeySet();

  private final Map<String, String> poolErrors = new HashMap<>();

  public IPv4Allocator(OperatorConfig config) {
    config
        .locations()
        .forEach(
            (name, location) -> {
              try {
                pools.put(
                    name,
                    IPv4Pool.parse(location.ipv4Pool(), location.ipv4Exclude().orElse(List.of())));
              } catch (IllegalArgumentException e) {
                poolErrors.put(
                    name,
                    e.getMessage()
                        + " (odoovps.locations."
                        + name
                        + ".ipv4-pool, odoovps.locations."
                        + name
                        + ".ipv4-exclude)");
              }
            });
  }

  /** The outcome of an allocation. */
  public sealed interface Result {
    /**
     * The VPS holds this address; {@code caution} says why the pool would not hand it out today
     * (null when it would): the VPS keeps it all the same.
     */
    record Allocated(String address, String caution) implements Result {
      public Allocated(String address) {
        this(address, null);
      }
    }

    /** Every address of the location is held by another VPS. */
    record Exhausted(String location, long size) implements Result {}

    /** The location has no pool, or a malformed one. */
    record NoPool(String location, String why) implements Result {}
  }

  public static Map<String, java.util.function.Function<IPv4Allocation, List<String>>> indexers() {
    return Map.of(BY_VPS_UID, a -> List.of(a.getSpec().getVps().uid()));
  }

  /**
   * Configured locations, for validation: a location whose pool is malformed is one too (its VPSs
   * keep their addresses; a new VPS waits with the parse error as its condition).
   */
  public java.util.Set<String> locations() {
    var known = new java.util.TreeSet<>(pools.keySet());
    known.addAll(poolErrors.keySet());
    return known;
  }

  public Result allocate(
      OdooVps vps, KubernetesClient client, InformerEventSource<IPv4Allocation, OdooVps> cache) {
    var uid = vps.getMetadata().getUid();
    var location = vps.getSpec().getLocation();
    var pool = pools.get(location);
    var held = cache.byIndex(BY_VPS_UID, uid);
    if (!held.isEmpty()) {
      claimed.remove(uid);
      uncertain.remove(uid);
      return kept(held.get(0).getSpec().getAddress(), location, pool);
    }
    var mine = claimed.get(uid);
    if (mine != null) {
      return kept(mine, location, pool);
    }
    if (uncertain.contains(uid)) {
      // an earlier claim got no answer: it may have landed
      var listed =
          client.resources(IPv4Allocation.class).withLabel(VPS_UID_LABEL, uid).list().getItems();
      uncertain.remove(uid);
      if (!listed.isEmpty()) {
        return kept(listed.get(0).getSpec().getAddress(), location, pool);
      }
    }
    if (pool == null) {
      return new Result.NoPool(
          location, poolErrors.getOrDefault(location, "no IPv4 pool is configured for it"));
    }
    synchronized (pool) {
      var after = cursors.get(location);
      while (true) {
        var candidate = pool.nextFree(after, address -> taken(address, cache));
        if (candidate.isEmpty()) {
          return new Result.Exhausted(location, pool.size());
        }
        var address = candidate.get();
        try {
          var created = client.resource(allocation(vps, address)).create();
          // the informer's get sees it from now on, before its event arrives
          cache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
          claimed.put(uid, address);
          cursors.put(location, address);
          return new Result.Allocated(address);
        } catch (KubernetesClientException e) {
          if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
            uncertain.add(uid);
            throw e;
          }
          foreignClaims.add(address); // another process claimed it first
          after = address;
        }
      }
    }
  }

  /** Whether an allocation holds the address, as the informer (and our own creates) know it. */
  private boolean taken(String address, InformerEventSource<IPv4Allocation, OdooVps> cache) {
    if (cache.get(new ResourceID(address)).isPresent()) {
      foreignClaims.remove(address);
      return true;
    }
    return foreignClaims.contains(address);
  }

  /** The address a VPS already holds, with a caution when its pool no longer hands it out. */
  private Result.Allocated kept(String address, String location, IPv4Pool pool) {
    if (pool == null) {
      return new Result.Allocated(
          address,
          "the IPv4 pool of "
              + location
              + " cannot be read ("
              + poolErrors.getOrDefault(location, "none is configured")
              + ")");
    }
    return new Result.Allocated(
        address,
        pool.whyNot(address)
            .map(why -> why + " (odoovps.locations." + location + ")")
            .orElse(null));
  }

  private static IPv4Allocation allocation(OdooVps vps, String address) {
    var allocation = new IPv4Allocation();
    var meta = vps.getMetadata();
    allocation.setMetadata(
        new ObjectMetaBuilder()
            .withName(address)
            .withLabels(
                Map.of(
                    VpsLabels.MANAGED_BY,
                    VpsLabels.OPERATOR,
                    VPS_UID_LABEL,
                    meta.getUid(),
                    VPS_NAMESPACE_LABEL,
                    meta.getNamespace(),
                    VpsLabels.VPS,
                    meta.getName(),
                    VpsLabels.LOCATION,
                    vps.getSpec().getLocation()))
            .build());
    allocation.setSpec(
        new IPv4AllocationSpec(
            address,
            vps.getSpec().getLocation(),
            new IPv4AllocationSpec.VpsReference(
                meta.getNamespace(), meta.getName(), meta.getUid())));
    return allocation;
  }
}
