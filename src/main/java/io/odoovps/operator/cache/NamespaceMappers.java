package io.odoovps.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.stream.Collectors;

/** Secondary-to-primary mappers by namespace. */
public final class NamespaceMappers {

  private NamespaceMappers() {}

  /** A secondary concerns every cached primary of its namespace. */
  public static <R extends HasMetadata, P extends HasMetadata>
      SecondaryToPrimaryMapper<R> everyPrimaryOfItsNamespace(EventSourceContext<P> context) {
    return r ->
        context
            .getPrimaryCache()
            .list(r.getMetadata().getNamespace())
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet());
  }
}
