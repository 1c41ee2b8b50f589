package io.odoovps.operator.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;

/**
 * The approval a deletion of a VPS's data carries: the annotation {@value #KEY}, whose value is a
 * short reason (for example {@code restore-safety-copy-released}). The customer-data guard ({@code
 * config/policies/odoovps-customer-data-guard.yaml}) refuses to delete a VPS-labelled object
 * (VirtualMachine, DataVolume, PersistentVolumeClaim, Secret, contract record), a MitigationState
 * or an IPv4Allocation that does not carry it, so a deletion by a typo or a stray tool is refused,
 * and every code path that deletes customer data on purpose goes through {@link #delete}: it
 * merge-patches the annotation, then deletes.
 */
public final class DeletionApproval {

  /** The annotation that approves the deletion of an object; its value says why. */
  public static final String KEY = "odoovps.io/deletion-approved";

  /** The reason the termination path gives (article 12: the end of the contract). */
  public static final String TERMINATION = "vps-terminated";

  private static final ObjectMapper JSON = new ObjectMapper();

  private DeletionApproval() {}

  /**
   * Annotates the object {@code resource} names with {@link #KEY}{@code : reason} (a JSON merge
   * patch of that one annotation), then deletes it. Returns whether there was an object to delete.
   *
   * @throws IllegalArgumentException when the reason is blank or longer than 63 characters
   */
  public static boolean delete(Resource<? extends HasMetadata> resource, String reason) {
    if (reason == null || reason.isBlank() || reason.length() > 63) {
      throw new IllegalArgumentException(
          KEY + ": the reason must be 1 to 63 characters, not \"" + reason + "\"");
    }
    var current = resource.get();
    if (current == null) {
      return false;
    }
    var annotations = current.getMetadata().getAnnotations();
    try {
      if (annotations == null || !reason.equals(annotations.get(KEY))) {
        resource.patch(PatchContext.of(PatchType.JSON_MERGE), approval(reason));
      }
      resource.delete();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false; // deleted meanwhile
      }
      throw e;
    }
  }

  /** Whether {@code object} carries the approval. */
  public static boolean approved(HasMetadata object) {
    var annotations = object.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(KEY);
  }

  private static String approval(String reason) {
    try {
      return JSON.writeValueAsString(
          Map.of("metadata", Map.of("annotations", Map.of(KEY, reason))));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
