package io.odoovps.operator.support;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * Alertmanager's webhook body (version 4), the fields the operator reads. {@code truncatedAlerts}
 * is how many alerts of the group Alertmanager left out because of the receiver's `max_alerts`.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AlertmanagerPayload(
    String version,
    String groupKey,
    String status,
    String receiver,
    List<Alert> alerts,
    Integer truncatedAlerts) {

  @JsonCreator
  public AlertmanagerPayload {}

  /** A notification that Alertmanager did not truncate. */
  public AlertmanagerPayload(
      String version, String groupKey, String status, String receiver, List<Alert> alerts) {
    this(version, groupKey, status, receiver, alerts, 0);
  }

  /** One alert of a notification. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Alert(
      String status,
      Map<String, String> labels,
      Map<String, String> annotations,
      String startsAt,
      String endsAt,
      String fingerprint) {

    public String label(String name) {
      return labels == null ? null : labels.get(name);
    }

    public String annotation(String name) {
      return annotations == null ? null : annotations.get(name);
    }
  }
}
