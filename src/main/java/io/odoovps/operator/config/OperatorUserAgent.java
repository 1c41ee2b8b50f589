package io.odoovps.operator.config;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;

/**
 * Names the operator's requests `odoovps-operator`, so that API server audit logs and metrics (and
 * the benchmark's write counts) attribute them to it rather than to a generic client.
 */
@Singleton
public class OperatorUserAgent implements KubernetesConfigCustomizer {

  public static final String USER_AGENT = "odoovps-operator";

  @Override
  public void customize(Config config) {
    config.setUserAgent(USER_AGENT);
  }
}
