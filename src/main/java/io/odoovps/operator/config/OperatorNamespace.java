package io.odoovps.operator.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * The operator's own namespace, where it keeps what must outlive a customer's objects and stay out
 * of their reach (the restore ledger, the contract records): the configured {@code
 * odoovps.restore.ledger-namespace}, else its client's namespace (in a pod, its ServiceAccount's),
 * else {@code default}.
 */
public final class OperatorNamespace {

  private OperatorNamespace() {}

  public static String of(OperatorConfig config, KubernetesClient client) {
    return config
        .restore()
        .ledgerNamespace()
        .filter(n -> !n.isBlank())
        .or(() -> Optional.ofNullable(client.getNamespace()).filter(n -> !n.isBlank()))
        .orElse("default");
  }
}
