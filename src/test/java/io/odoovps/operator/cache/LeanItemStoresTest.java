package io.odoovps.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import org.junit.jupiter.api.Test;

class LeanItemStoresTest {

  @Test
  void theStoreKeepsObjectsWithoutTheirManagedFieldsUnderTheirUsualKey() {
    var store = LeanItemStores.<io.fabric8.kubernetes.api.model.ConfigMap>withoutManagedFields();
    var item =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("acme")
            .withNamespace("customers")
            .withResourceVersion("42")
            .withManagedFields(
                new ManagedFieldsEntryBuilder()
                    .withManager("kubectl")
                    .withOperation("Apply")
                    .build())
            .addToLabels("odoovps.io/vps", "acme")
            .endMetadata()
            .addToData("k", "v")
            .build();

    store.put(store.getKey(item), item);

    var kept = store.get("customers/acme");
    assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(kept.getMetadata().getLabels()).containsEntry("odoovps.io/vps", "acme");
    assertThat(kept.getData()).containsEntry("k", "v");
    assertThat(store.size()).isEqualTo(1);
  }
}
