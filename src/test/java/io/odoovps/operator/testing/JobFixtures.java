package io.odoovps.operator.testing;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;

/** Jobs as the Job controller leaves them, for the pure decisions' tests. */
public final class JobFixtures {

  private JobFixtures() {}

  /** A Job whose pod runs ({@code condition} null), or that ended with {@code condition} True. */
  public static Job job(String name, String condition) {
    var builder = new JobBuilder().withNewMetadata().withName(name).endMetadata();
    if (condition == null) {
      return builder.withNewStatus().withActive(1).endStatus().build();
    }
    return builder
        .withNewStatus()
        .withConditions(new JobConditionBuilder().withType(condition).withStatus("True").build())
        .endStatus()
        .build();
  }
}
