package io.odoovps.operator.guard;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;

/**
 * The annotation that the customer-data guard ({@code config/policies/
 * odoovps-customer-data-guard.yaml}) asks for before it lets the API server delete what holds a
 * customer's data: a VPS's VirtualMachine, DataVolume, PVC and Secrets, its MitigationState and
 * IPv4Allocation. The operator sets it only on the paths that may delete them (termination, a
 * restore's safety copy once the restored VM has booted), just before it deletes.
 */
public final class DeletionApproval {

  /** The annotation's key; its value says why the deletion was approved. */
  public static final String KEY = "odoovps.io/deletion-approved";

  /** The reason the termination path gives. */
  public static final String TERMINATION = "termination";

  private DeletionApproval() {}

  /**
   * Approves, then deletes; an object that is already gone is fine.
   *
   * @return whether a deletion was requested (false when the object did not exist)
   */
  public static boolean delete(Resource<? extends HasMetadata> resource, String reason) {
    try {
      resource.patch(
          PatchContext.of(PatchType.JSON_MERGE),
          Serialization.asJson(Map.of("metadata", Map.of("annotations", Map.of(KEY, reason)))));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
    var deleted = resource.delete();
    return deleted != null && !deleted.isEmpty();
  }

  /** Whether {@code object} carries the approval. */
  public static boolean approved(HasMetadata object) {
    var annotations = object.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(KEY);
  }
}
