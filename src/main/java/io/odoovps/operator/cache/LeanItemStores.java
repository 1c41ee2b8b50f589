package io.odoovps.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * Item stores for informers whose objects the operator only reads: they keep each object without
 * its {@code metadata.managedFields}, the server-side apply bookkeeping that is often as large as
 * the object's spec and that nothing here reads from such a cache. Not for the caches of the
 * dependents the operator server-side applies: their matcher compares against the managed fields.
 */
public final class LeanItemStores {

  private LeanItemStores() {}

  /** A store that drops the managed fields of each object it is given. */
  public static <R extends HasMetadata> ItemStore<R> withoutManagedFields() {
    return new TransformingItemStore<>(LeanItemStores::prune);
  }

  /** {@code item} without its managed fields (the same object, changed). */
  static <R extends HasMetadata> R prune(R item) {
    if (item.getMetadata() != null) {
      item.getMetadata().setManagedFields(null);
    }
    return item;
  }
}
