package io.odoovps.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a status' conditions from the previous ones: a condition keeps its lastTransitionTime
 * while its status stays the same, so an unchanged world gives an equal status and no write.
 */
public final class ConditionList {

  private final List<Condition> previous;
  private final long generation;
  private final Instant now;
  private final List<Condition> next = new ArrayList<>();

  public ConditionList(List<Condition> previous, Long generation, Instant now) {
    this.previous = previous == null ? List.of() : previous;
    this.generation = generation == null ? 0L : generation;
    this.now = now;
  }

  public ConditionList set(String type, boolean status, String reason, String message) {
    var statusText = status ? "True" : "False";
    var transition =
        previous.stream()
            .filter(c -> type.equals(c.getType()) && statusText.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
    next.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(statusText)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(transition)
            .build());
    return this;
  }

  /**
   * kstatus' {@code Stalled} (abnormal-true: present only while True): the spec cannot be realised
   * until someone changes something, which Flux and kstatus report at once as a failure instead of
   * waiting out their timeout.
   */
  public ConditionList stalled(String reason, String message) {
    return set(STALLED, true, reason, message);
  }

  /**
   * kstatus' {@code Reconciling} (abnormal-true: present only while True): the operator is still
   * bringing the world to the spec.
   */
  public ConditionList reconciling(String reason, String message) {
    return set(RECONCILING, true, reason, message);
  }

  /** The kstatus condition types (sigs.k8s.io/cli-utils/pkg/kstatus). */
  public static final String STALLED = "Stalled";

  public static final String RECONCILING = "Reconciling";

  public List<Condition> build() {
    return List.copyOf(next);
  }

  /** The condition of that type in a list, if any. */
  public static java.util.Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? java.util.Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
