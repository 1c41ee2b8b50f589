package io.odoovps.operator.backup.policy;

/**
 * Feeds {@link BackupMetrics} as the BackupPolicy reconciler does, for tests outside this package.
 */
public final class BackupMetricsSamples {

  private BackupMetricsSamples() {}

  /** A policy's runs and counts: one success, one failure, and its failing and stale VPSs. */
  public static void observed(
      BackupMetrics metrics, String namespace, String policy, int failingVps, int staleVps) {
    metrics.succeeded();
    metrics.failed();
    metrics.observe(namespace, policy, failingVps, staleVps);
  }
}
