package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicySpec;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import java.util.List;
import java.util.Map;

/** BackupPolicies the way a platform engineer writes them, for tests. */
public final class BackupFixtures {

  private BackupFixtures() {}

  /**
   * A policy with the defaults (daily, 15 days, every VPS of the namespace) backing up into {@code
   * bucket} at {@code endpoint}, in datacenter {@code location}, with the credentials Secret {@code
   * secret}.
   */
  public static BackupPolicy policy(
      String namespace,
      String name,
      String endpoint,
      String bucket,
      String location,
      String secret) {
    var policy = new BackupPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    var spec = new BackupPolicySpec();
    var target = new BackupPolicySpec.Target();
    target.setEndpoint(endpoint);
    target.setBucket(bucket);
    target.setLocation(location);
    target.setCredentialsSecret(secret);
    spec.setTarget(target);
    policy.setSpec(spec);
    return policy;
  }

  /**
   * Creates the Secret {@code name} of {@code namespace} with both S3 keys (values of no server).
   */
  public static void credentials(KubernetesClient client, String namespace, String name) {
    client
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withStringData(
                    Map.of("access-key-id", "bench", "secret-access-key", "not-a-real-secret"))
                .build())
        .create();
  }

  /**
   * Writes the BackupRecords of the policy {@code namespace/name} as if each of {@code vpss} had
   * one backup, {@code backup}, in the bucket (what restores check without running a backup).
   */
  public static void keeping(
      KubernetesClient client,
      String namespace,
      String name,
      BackupPolicyStatus.Backup backup,
      String... vpss) {
    var entries =
        List.of(vpss).stream()
            .map(
                v ->
                    new BackupPolicyStatus.VpsBackups(
                        v,
                        "paris-1",
                        null,
                        null,
                        null,
                        backup,
                        null,
                        List.of(backup),
                        1,
                        backup.time(),
                        null,
                        null,
                        null,
                        null))
            .toList();
    var policy = client.resources(BackupPolicy.class).inNamespace(namespace).withName(name).get();
    for (var entry : entries) {
      client
          .resource(io.odoovps.operator.backup.policy.BackupRecords.of(policy, entry))
          .fieldManager("odoovps-operator")
          .forceConflicts()
          .serverSideApply();
    }
  }
}
