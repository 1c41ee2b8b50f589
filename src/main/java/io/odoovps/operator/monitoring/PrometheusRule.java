package io.odoovps.operator.monitoring;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/**
 * prometheus-operator's PrometheusRule (monitoring.coreos.com/v1), as much of it as the operator
 * writes: a client of the upstream CRD, not one of ours.
 */
@Group("monitoring.coreos.com")
@Version("v1")
@Kind("PrometheusRule")
public class PrometheusRule extends CustomResource<PrometheusRule.Spec, Void>
    implements Namespaced {

  /** The rule groups. */
  public record Spec(List<Map<String, Object>> groups) {}
}
