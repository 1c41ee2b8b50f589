package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.UUID;

/** Each test gets a namespace of its own on the shared control plane. */
public final class TestNamespaces {

  private TestNamespaces() {}

  public static String create(KubernetesClient client, String prefix) {
    var name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }
}
