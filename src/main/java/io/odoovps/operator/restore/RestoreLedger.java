package io.odoovps.operator.restore;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.naming.VpsLabels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The restores carried out per customer, cluster-wide, in one ConfigMap `odoovps-restore-ledger` of
 * the operator's namespace ({@code odoovps.restore.ledger-namespace}), so that the monthly
 * allowance survives operator restarts, the deletion of OdooVpsRestore objects, and covers a
 * customer's VPSs in every namespace. Entries are `<restore uid>@<accepted at>`, under a key
 * derived from the customer key ({@link RestoreCustomer}: the customer id, else the email; never
 * the email itself); months before the previous one are dropped. Writes carry the resourceVersion
 * they read: two acceptances at once cannot both pass.
 *
 * <p>Earlier versions kept one ledger per namespace, beside the restores. Such a legacy ledger is
 * read too, and its entries still in range are copied into the central ledger by the first write
 * that concerns a restore of that namespace, which then records the namespace as migrated
 * (`migrated.<namespace>`, dropped with the months it covers), whether or not anything was copied,
 * and stops reading it. Only the legacy ledger of the restore's own namespace is read: until a
 * namespace is migrated, its entries count for the restores of that namespace alone. Legacy ledgers
 * are never written or deleted; once their months are over they count for nothing.
 */
final class RestoreLedger {

  static final String NAME = "odoovps-restore-ledger";
  private static final String CUSTOMER_PREFIX = "customer-";
  private static final String MIGRATED_PREFIX = "migrated.";

  /** One accepted restore. */
  record Entry(String uid, Instant acceptedAt) {}

  /**
   * The ledger as read: the central ConfigMap (null before the first restore), and the legacy
   * ledger of {@code legacyNamespace} while that namespace is not migrated (null otherwise, or when
   * it has none).
   */
  record Snapshot(ConfigMap central, ConfigMap legacy, String legacyNamespace) {

    /** The entries of the customer known by any of {@code customerKeys}, each restore once. */
    List<Entry> entries(Collection<String> customerKeys) {
      var byUid = new LinkedHashMap<String, Entry>();
      for (var source : new ConfigMap[] {central, legacy}) {
        for (var customer : customerKeys) {
          for (var entry : parse(data(source).get(key(customer)))) {
            byUid.putIfAbsent(entry.uid(), entry);
          }
        }
      }
      return List.copyOf(byUid.values());
    }
  }

  private RestoreLedger() {}

  static String key(String customer) {
    try {
      return CUSTOMER_PREFIX
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(customer.getBytes(StandardCharsets.UTF_8)))
              .substring(0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads the ledger of {@code ledgerNamespace}, and the legacy one of a restore's namespace. */
  static Snapshot read(KubernetesClient client, String ledgerNamespace, String restoreNamespace) {
    var central = client.configMaps().inNamespace(ledgerNamespace).withName(NAME).get();
    if (restoreNamespace.equals(ledgerNamespace)
        || data(central).containsKey(MIGRATED_PREFIX + restoreNamespace)) {
      return new Snapshot(central, null, null);
    }
    var legacy = client.configMaps().inNamespace(restoreNamespace).withName(NAME).get();
    return new Snapshot(central, legacy, legacy == null ? null : restoreNamespace);
  }

  /**
   * Removes the restore {@code uid} of {@code customer} from the ledger (a failed restore was not
   * carried out: it does not count), retrying when another writer changed the ledger meanwhile.
   *
   * @throws IllegalStateException when the ledger kept changing (the reconcile is retried)
   */
  static void forget(
      KubernetesClient client,
      String ledgerNamespace,
      String restoreNamespace,
      String customer,
      String uid,
      Instant at) {
    for (int attempt = 0; attempt < 5; attempt++) {
      if (write(
          client,
          ledgerNamespace,
          read(client, ledgerNamespace, restoreNamespace),
          customer,
          uid,
          at,
          false)) {
        return;
      }
    }
    throw new IllegalStateException(
        "the restore ledger in " + ledgerNamespace + " kept changing; retrying");
  }

  /**
   * Adds (or, with {@code add} false, removes everywhere) the restore {@code uid} of {@code
   * customer} in the central ledger, migrating the legacy ledger read with it; false when another
   * writer changed the ledger since it was read (read again and retry).
   */
  static boolean write(
      KubernetesClient client,
      String ledgerNamespace,
      Snapshot snapshot,
      String customer,
      String uid,
      Instant at,
      boolean add) {
    var keepFrom = YearMonth.from(at.atZone(ZoneOffset.UTC)).minusMonths(1);
    var data = new LinkedHashMap<>(data(snapshot.central()));
    if (snapshot.legacy() != null) {
      for (var e : data(snapshot.legacy()).entrySet()) {
        if (!e.getKey().startsWith(CUSTOMER_PREFIX)) {
          continue;
        }
        var merged = new LinkedHashMap<String, Entry>();
        parse(data.get(e.getKey())).forEach(x -> merged.put(x.uid(), x));
        for (var x : parse(e.getValue())) {
          if (!month(x).isBefore(keepFrom)) {
            merged.putIfAbsent(x.uid(), x);
          }
        }
        data.put(e.getKey(), format(merged.values()));
      }
      // read once: marked even when nothing in it was still in range
      data.put(MIGRATED_PREFIX + snapshot.legacyNamespace(), Timestamps.format(at));
    }
    // the restore counts under its customer only, and never twice
    for (var e : data.entrySet()) {
      if (e.getKey().startsWith(CUSTOMER_PREFIX)) {
        var entries = new ArrayList<>(parse(e.getValue()));
        entries.removeIf(x -> x.uid().equals(uid));
        e.setValue(format(entries));
      }
    }
    if (add) {
      var entries = new ArrayList<>(parse(data.get(key(customer))));
      entries.add(new Entry(uid, at));
      data.put(key(customer), format(entries));
    }
    // months before the previous one count for nothing: drop them, and the markers of migrations
    // whose legacy entries they were
    data.entrySet()
        .removeIf(
            e -> {
              if (e.getKey().startsWith(MIGRATED_PREFIX)) {
                return YearMonth.from(Timestamps.parse(e.getValue()).atZone(ZoneOffset.UTC))
                    .isBefore(keepFrom);
              }
              if (!e.getKey().startsWith(CUSTOMER_PREFIX)) {
                return false;
              }
              var kept = parse(e.getValue()).stream().filter(x -> !month(x).isBefore(keepFrom));
              e.setValue(format(kept.toList()));
              return e.getValue().isEmpty();
            });
    var ledger = snapshot.central();
    try {
      if (ledger == null) {
        client
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(NAME)
                    .withNamespace(ledgerNamespace)
                    .withLabels(new HashMap<>(Map.of(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR)))
                    .endMetadata()
                    .withData(data)
                    .build())
            .create();
      } else {
        var next = new ConfigMapBuilder(ledger).withData(data).build();
        client
            .resource(next)
            .lockResourceVersion(ledger.getMetadata().getResourceVersion())
            .update();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  private static YearMonth month(Entry entry) {
    return YearMonth.from(entry.acceptedAt().atZone(ZoneOffset.UTC));
  }

  private static Map<String, String> data(ConfigMap map) {
    return map == null || map.getData() == null ? Map.of() : map.getData();
  }

  private static List<Entry> parse(String value) {
    var result = new ArrayList<Entry>();
    if (value == null || value.isBlank()) {
      return result;
    }
    for (var item : value.split(",")) {
      var at = item.indexOf('@');
      if (at > 0) {
        result.add(new Entry(item.substring(0, at), Instant.parse(item.substring(at + 1))));
      }
    }
    return result;
  }

  private static String format(Collection<Entry> entries) {
    var items = new LinkedHashSet<String>();
    entries.forEach(e -> items.add(e.uid() + "@" + Timestamps.format(e.acceptedAt())));
    return String.join(",", items);
  }
}
