package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.UUID;

/** Each test gets a namespace of its own on the shared control plane. */
public final class TestNamespaces {

  private TestNamespaces() {}

  /** A namespace that the deletion-guard admission policy leaves alone. */
  public static String create(KubernetesClient client, String prefix) {
    return create(client, prefix, false);
  }

  /** A namespace, guarded or not by the deletion-guard admission policy. */
  public static String create(KubernetesClient client, String prefix, boolean guarded) {
    var name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("odoovps.io/deletion-guard", guarded ? "enabled" : "disabled")
                .endMetadata()
                .build())
        .create();
    return name;
  }
}
