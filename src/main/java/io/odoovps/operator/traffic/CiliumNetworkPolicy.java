package io.odoovps.operator.traffic;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/**
 * Cilium's CiliumNetworkPolicy as a client-side type (its CRD is Cilium's, never generated here),
 * with the spec kept as the plain map {@link CiliumPolicyDesign} builds. A typed class lets the
 * operator watch it without API discovery, and lets JOSDK's CRD-present activation condition find
 * its CRD by name.
 */
@Group(CiliumPolicyDesign.GROUP)
@Version("v2")
@Kind(CiliumPolicyDesign.KIND)
@Plural("ciliumnetworkpolicies")
public class CiliumNetworkPolicy extends CustomResource<Map<String, Object>, Void>
    implements Namespaced {

  /** The typed copy of a designed policy. */
  @SuppressWarnings("unchecked")
  public static CiliumNetworkPolicy of(
      io.fabric8.kubernetes.api.model.GenericKubernetesResource r) {
    var policy = new CiliumNetworkPolicy();
    policy.setMetadata(r.getMetadata());
    policy.setSpec((Map<String, Object>) r.getAdditionalProperties().get("spec"));
    return policy;
  }
}
