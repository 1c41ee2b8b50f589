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

  /** Pools of the test locations, and a one-second resync so that moved clocks are noticed. */
  public static final Map<String, String> BASE =
      Map.of(
          "odoovps.locations.paris-1.ipv4-pool", "192.0.2.0/24",
          "odoovps.locations.lyon-1.ipv4-pool", "198.51.100.0/24",
          "odoovps.deadlines.resync", "1s");

  public static OperatorConfig with(Map<String, String> overrides) {
    var all = new HashMap<>(BASE);
    all.putAll(overrides);
    return new SmallRyeConfigBuilder()
        .withMapping(OperatorConfig.class)
        .withSources(new PropertiesConfigSource(all, "test", 500))
        .build()
        .getConfigMapping(OperatorConfig.class);
  }

  /** The support settings (tickets, helpdesk, webhook) from their defaults plus overrides. */
  public static io.odoovps.operator.support.SupportConfig support(Map<String, String> overrides) {
    return new SmallRyeConfigBuilder()
        .withMapping(io.odoovps.operator.support.SupportConfig.class)
        .withSources(new PropertiesConfigSource(new HashMap<>(overrides), "test", 500))
        .build()
        .getConfigMapping(io.odoovps.operator.support.SupportConfig.class);
  }
}
