package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicySpec;

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
}
