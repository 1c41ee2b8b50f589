package io.odoovps.operator.testing;

import io.odoovps.operator.config.OperatorConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;

/** Builds the operator's real {@link OperatorConfig} mapping from its defaults plus overrides. */
public final class TestConfig {

  private TestConfig() {}

  public static OperatorConfig defaults() {
    return with(Map.of());
  }

  public static OperatorConfig with(Map<String, String> overrides) {
    return new SmallRyeConfigBuilder()
        .withMapping(OperatorConfig.class)
        .withSources(new PropertiesConfigSource(new HashMap<>(overrides), "test", 500))
        .build()
        .getConfigMapping(OperatorConfig.class);
  }
}
