package io.odoovps.operator.notification;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the real {@link MailConfig} mapping from its defaults plus {@code odoovps.mail.*} keys.
 */
final class MailTestConfig {

  private MailTestConfig() {}

  static MailConfig with(Map<String, String> properties) {
    return new SmallRyeConfigBuilder()
        .withMapping(MailConfig.class)
        .withSources(new PropertiesConfigSource(new HashMap<>(properties), "test", 500))
        .build()
        .getConfigMapping(MailConfig.class);
  }

  /** Values for every placeholder of a notice, each one distinct and recognisable. */
  static Map<String, String> fullValues(Notice notice) {
    Map<String, String> values = new HashMap<>();
    for (String name : notice.placeholders()) {
      values.put(name, "<" + name + "-value>");
    }
    return values;
  }
}
