package io.odoovps.operator.restore;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.vps.VpsLabels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The restores carried out per customer, kept in a ConfigMap of the namespace that the operator
 * owns (`odoovps-restore-ledger`), so that the monthly allowance survives operator restarts and the
 * deletion of OdooVpsRestore objects. Entries are `<restore uid>@<accepted at>`, under a key
 * derived from the customer's email (not the email itself); months before the previous one are
 * dropped. Writes carry the resourceVersion they read: two acceptances at once cannot both pass.
 */
final class RestoreLedger {

  static final String NAME = "odoovps-restore-ledger";

  /** One accepted restore. */
  record Entry(String uid, Instant acceptedAt) {}

  private RestoreLedger() {}

  static String key(String customer) {
    try {
      return "customer-"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(customer.getBytes(StandardCharsets.UTF_8)))
              .substring(0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ConfigMap read(KubernetesClient client, String namespace) {
    return client.configMaps().inNamespace(namespace).withName(NAME).get();
  }

  static List<Entry> entries(ConfigMap ledger, String customer) {
    var result = new ArrayList<Entry>();
    if (ledger == null || ledger.getData() == null) {
      return result;
    }
    var value = ledger.getData().get(key(customer));
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

  /**
   * Adds (or, with {@code add} false, removes) the restore {@code uid} of {@code customer}; false
   * when another writer changed the ledger since it was read (retry).
   */
  static boolean write(
      KubernetesClient client,
      String namespace,
      ConfigMap ledger,
      String customer,
      String uid,
      Instant at,
      boolean add) {
    var entries = new ArrayList<>(entries(ledger, customer));
    entries.removeIf(e -> e.uid().equals(uid));
    if (add) {
      entries.add(new Entry(uid, at));
    }
    var keepFrom = YearMonth.from(at.atZone(ZoneOffset.UTC)).minusMonths(1);
    entries.removeIf(e -> YearMonth.from(e.acceptedAt().atZone(ZoneOffset.UTC)).isBefore(keepFrom));
    var data = new LinkedHashMap<String, String>();
    if (ledger != null && ledger.getData() != null) {
      data.putAll(ledger.getData());
    }
    data.put(
        key(customer),
        String.join(
            ",",
            entries.stream().map(e -> e.uid() + "@" + Timestamps.format(e.acceptedAt())).toList()));
    try {
      if (ledger == null) {
        client
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(NAME)
                    .withNamespace(namespace)
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
}
