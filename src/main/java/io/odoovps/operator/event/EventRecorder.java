package io.odoovps.operator.event;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on the operator's resources, for `kubectl describe` and `kubectl get
 * events`. Callers record only transitions, so a quiet resync records nothing. Messages must never
 * carry a secret.
 */
public class EventRecorder {

  public static final String COMPONENT = "odoovps-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata on, String reason, String message) {
    record(on, "Normal", reason, message);
  }

  public void warning(HasMetadata on, String reason, String message) {
    record(on, "Warning", reason, message);
  }

  private void record(HasMetadata on, String type, String reason, String message) {
    var now =
        DateTimeFormatter.ISO_INSTANT.format(
            clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                on.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
            .withNamespace(on.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(on.getApiVersion())
                    .withKind(on.getKind())
                    .withName(on.getMetadata().getName())
                    .withNamespace(on.getMetadata().getNamespace())
                    .withUid(on.getMetadata().getUid())
                    .withResourceVersion(on.getMetadata().getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(on.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy to humans; failing to record one must not fail the reconcile.
      LOG.warn(
          "could not record event {} on {}/{}: {}",
          reason,
          on.getKind(),
          on.getMetadata().getName(),
          e.getMessage());
    }
  }
}
