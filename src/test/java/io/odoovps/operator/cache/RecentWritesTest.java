package io.odoovps.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.odoovps.operator.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentWritesTest {

  private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T00:00:00Z"));
  private final RecentWrites<ConfigMap> recent = new RecentWrites<>(clock);

  private static ConfigMap map(String namespace, String name, String version, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withResourceVersion(version)
        .endMetadata()
        .withData(Map.of("v", value))
        .build();
  }

  private static List<String> values(List<ConfigMap> maps) {
    return maps.stream().map(m -> m.getMetadata().getName() + "=" + m.getData().get("v")).toList();
  }

  @Test
  void aWriteIsListedUntilTheCacheHoldsItsVersion() {
    var old = map("shop", "a", "10", "old");
    recent.wrote(map("shop", "a", "12", "new"));

    assertThat(values(recent.over(List.of(old), "shop"))).containsExactly("a=new");
    assertThat(recent.pending()).isEqualTo(1);

    // the cache caught up (or went past it): the cache's copy, and the write is forgotten
    assertThat(values(recent.over(List.of(map("shop", "a", "12", "new")), "shop")))
        .containsExactly("a=new");
    assertThat(recent.pending()).isZero();
    assertThat(values(recent.over(List.of(map("shop", "a", "15", "later")), "shop")))
        .containsExactly("a=later");
  }

  @Test
  void aCreationTheCacheHasNotSeenIsListedInItsNamespaceOnly() {
    recent.wrote(map("shop", "b", "3", "made"));

    assertThat(values(recent.over(List.of(), "shop"))).containsExactly("b=made");
    assertThat(recent.over(List.of(), "other")).isEmpty();
  }

  @Test
  void aDeletionHidesTheCachedObjectUntilTheCacheDropsItOrHoldsANewerOne() {
    var stale = map("shop", "c", "20", "x");
    recent.deleted(stale);

    assertThat(recent.over(List.of(stale), "shop")).isEmpty();
    // made anew since: shown
    assertThat(values(recent.over(List.of(map("shop", "c", "25", "y")), "shop")))
        .containsExactly("c=y");
    assertThat(recent.pending()).isZero();

    recent.deleted(stale);
    assertThat(recent.over(List.of(), "shop")).isEmpty();
    assertThat(recent.pending()).as("the cache dropped it: nothing to hide").isZero();
  }

  @Test
  void aWriteTheCacheNeverShowsIsForgottenAfterThePatience() {
    recent.wrote(map("shop", "d", "3", "made"));
    clock.advance(RecentWrites.PATIENCE.plus(Duration.ofSeconds(1)));

    assertThat(recent.over(List.of(), "shop")).isEmpty();
    assertThat(recent.pending()).isZero();
  }
}
