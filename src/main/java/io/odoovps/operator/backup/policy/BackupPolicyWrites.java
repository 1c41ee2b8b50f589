package io.odoovps.operator.backup.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The writes of a BackupPolicy reconcile, each the least it can be: an object is server-side
 * applied only when the hash of what is wanted differs from the one it carries, created once, or
 * deleted in the background. The only class of the package that writes children.
 */
final class BackupPolicyWrites {

  static final String HASH = "odoovps.io/applied-hash";
  private static final String FIELD_MANAGER = "odoovps-operator";

  /** Map keys sorted, so that the hash of an unchanged object is the same in every JVM. */
  private static final ObjectMapper SORTED =
      Serialization.jsonMapper()
          .copy()
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final KubernetesClient client;

  BackupPolicyWrites(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Server-side applies {@code desired} unless the cached object carries the same hash; returns the
   * object as stored (the cached one when nothing was written).
   */
  <T extends HasMetadata> T apply(T desired, T actual) {
    var hash = hash(desired);
    if (actual != null
        && actual.getMetadata().getAnnotations() != null
        && hash.equals(actual.getMetadata().getAnnotations().get(HASH))) {
      return actual;
    }
    desired.getMetadata().setAnnotations(Map.of(HASH, hash));
    return client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  /** {@link #apply} against the object as the API server holds it. */
  <T extends HasMetadata> void applyIfChanged(T desired, Class<T> type) {
    apply(desired, stored(desired, type));
  }

  /**
   * Applies the policy's RoleBinding to the backup ClusterRole. A roleRef cannot change, so the
   * binding of a release before the ClusterRole (to the Role {@code <policy>-backup}, which granted
   * every Secret of the namespace) is deleted first, then made anew; that Role stays, bound to
   * nothing, until the policy goes (the operator holds no right on Roles).
   */
  void bindBackupRole(RoleBinding desired) {
    var actual = stored(desired, RoleBinding.class);
    if (BackupPodRights.mustReplace(actual, desired)) {
      client.resource(actual).delete();
      actual = null;
    }
    apply(desired, actual);
  }

  /**
   * Creates an object the cache did not show; one that exists already (a lagging cache) is fine.
   */
  void createOnce(HasMetadata object) {
    try {
      client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** Server-side applies a BackupRecord whose entry changed; returns it as stored. */
  BackupRecord applyRecord(BackupRecord record) {
    return client.resource(record).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  void delete(HasMetadata object) {
    client.resource(object).delete();
  }

  /** Deletes a Job and, in the background, its pods. */
  void deleteInBackground(HasMetadata job) {
    client.resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
  }

  private <T extends HasMetadata> T stored(T desired, Class<T> type) {
    return client
        .resources(type)
        .inNamespace(desired.getMetadata().getNamespace())
        .withName(desired.getMetadata().getName())
        .get();
  }

  static String hash(HasMetadata desired) {
    try {
      var digest = MessageDigest.getInstance("SHA-256").digest(SORTED.writeValueAsBytes(desired));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
