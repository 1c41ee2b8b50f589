package io.odoovps.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;

/**
 * Leader election, so that several replicas can run and only one reconciles. quarkus-operator-sdk
 * uses a {@link LeaderElectionConfiguration} bean when one of the active profiles is listed in
 * {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (application.properties:
 * {@code leader-election}); the Helm chart runs the operator with {@code
 * QUARKUS_PROFILE=prod,leader-election}, while {@code make run} and the end-to-end tests run a
 * single operator without it. The Lease lives in the namespace of the client (the pod's own
 * namespace in a cluster); each replica's identity is its pod name ({@code HOSTNAME}).
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {

  public static final String LEASE_NAME = "odoovps-operator";

  public LeaderElection() {
    super(LEASE_NAME);
  }
}
