package io.odoovps.operator.support;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.odoovps.operator.api.v1alpha1.NameRules;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.naming.KubeNames;
import io.odoovps.operator.vps.VpsLabels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Alertmanager notifications into SupportTickets: one ticket per incident (the alert's
 * fingerprint), opened when it fires, left alone when the notification repeats, resolved when it
 * resolves, and reopened when the same incident fires again within the reopen window (a new ticket
 * after that). Alerts without `namespace` and `vps` labels are not about a VPS and are skipped.
 */
public class TicketDesk {

  public static final String FINGERPRINT_LABEL = "odoovps.io/alert-fingerprint";
  private static final Logger LOG = LoggerFactory.getLogger(TicketDesk.class);
  private static final String NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration reopenWindow;

  public TicketDesk(KubernetesClient client, Clock clock, Duration reopenWindow) {
    this.client = client;
    this.clock = clock;
    this.reopenWindow = reopenWindow;
  }

  /** What a notification changed. */
  public record Outcome(int opened, int reopened, int resolved, int unchanged, int skipped) {}

  public synchronized Outcome receive(AlertmanagerPayload payload) {
    int opened = 0;
    int reopened = 0;
    int resolved = 0;
    int unchanged = 0;
    int skipped = 0;
    for (var alert :
        payload.alerts() == null
            ? java.util.List.<AlertmanagerPayload.Alert>of()
            : payload.alerts()) {
      var namespace = alert.label("namespace");
      var vps = alert.label("vps");
      if (namespace == null || vps == null || !namespace.matches(NAME) || !isVpsName(vps)) {
        skipped++;
        continue;
      }
      var fingerprint =
          alert.fingerprint() != null && alert.fingerprint().matches("^[0-9a-f]{1,63}$")
              ? alert.fingerprint()
              : fingerprintOf(alert.labels());
      var tickets =
          client
              .resources(SupportTicket.class)
              .inNamespace(namespace)
              .withLabel(FINGERPRINT_LABEL, fingerprint)
              .list()
              .getItems();
      var latest =
          tickets.stream()
              .max(Comparator.comparing(t -> t.getMetadata().getCreationTimestamp()))
              .orElse(null);
      var now = clock.instant();
      var phase = latest == null || latest.getStatus() == null ? null : latest.getStatus().phase();
      if ("firing".equals(alert.status())) {
        if (latest != null && phase != Phase.Resolved) {
          unchanged++;
        } else if (latest != null
            && latest.getStatus().resolvedAt() != null
            && Instant.parse(latest.getStatus().resolvedAt()).plus(reopenWindow).isAfter(now)) {
          var status = new LinkedHashMap<String, Object>();
          status.put("phase", Phase.Open.name());
          status.put("resolvedAt", null);
          status.put("reopenedAt", Timestamps.format(now));
          status.put(
              "reopenCount",
              (latest.getStatus().reopenCount() == null ? 0 : latest.getStatus().reopenCount())
                  + 1);
          patchStatus(latest, status);
          reopened++;
        } else if (open(namespace, vps, fingerprint, alert, nextNumber(tickets), now)) {
          opened++;
        } else {
          unchanged++;
        }
      } else if ("resolved".equals(alert.status())) {
        if (latest != null && phase != Phase.Resolved) { // no phase: its opening half-failed
          var status = new LinkedHashMap<String, Object>();
          status.put("phase", Phase.Resolved.name());
          status.put("resolvedAt", Timestamps.format(now));
          patchStatus(latest, status);
          resolved++;
        } else {
          unchanged++;
        }
      } else {
        skipped++;
      }
    }
    var outcome = new Outcome(opened, reopened, resolved, unchanged, skipped);
    LOG.info("Alertmanager notification {}: {}", payload.groupKey(), outcome);
    return outcome;
  }

  /** Whether {@code vps} can name an OdooVps: the API server refuses a ticket on any other. */
  private static boolean isVpsName(String vps) {
    return vps.length() <= NameRules.VPS_NAME_MAX && vps.matches(NameRules.DNS_1035_LABEL);
  }

  private boolean open(
      String namespace,
      String vps,
      String fingerprint,
      AlertmanagerPayload.Alert alert,
      int number,
      Instant now) {
    var alertName = alert.label("alertname") == null ? "alert" : alert.label("alertname");
    var suffix = "-" + fingerprint.substring(0, Math.min(6, fingerprint.length())) + "-" + number;
    var name =
        KubeNames.bounded(
                vps + "-" + alertName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"),
                63 - suffix.length())
            + suffix;
    var labels = new HashMap<String, String>();
    labels.put(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR);
    labels.put(VpsLabels.VPS, vps);
    labels.put(FINGERPRINT_LABEL, fingerprint);
    var ticket = new SupportTicket();
    ticket.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels).build());
    var spec = new SupportTicketSpec();
    spec.setVps(vps);
    var summary = alert.annotation("summary");
    spec.setSummary(trim(summary == null ? alertName + " on " + vps : summary, 500));
    var description = alert.annotation("description");
    spec.setDescription(description == null ? null : trim(description, 4000));
    spec.setAlert(
        new SupportTicketSpec.Alert(
            alertName,
            fingerprint,
            alert.label("indicator"),
            alert.label("severity"),
            alert.startsAt(),
            new TreeMap<>(alert.labels())));
    ticket.setSpec(spec);
    try {
      var created = client.resource(ticket).create();
      var status = new LinkedHashMap<String, Object>();
      status.put("phase", Phase.Open.name());
      status.put("openedAt", Timestamps.format(now));
      status.put("reopenCount", 0);
      patchStatus(created, status);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false; // a concurrent notification of the same incident opened it
      }
      throw e;
    }
  }

  private void patchStatus(SupportTicket ticket, Map<String, Object> status) {
    client
        .resources(SupportTicket.class)
        .inNamespace(ticket.getMetadata().getNamespace())
        .withName(ticket.getMetadata().getName())
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
  }

  /** One more than the highest ticket number of the incident (tickets may have been deleted). */
  static int nextNumber(java.util.List<SupportTicket> tickets) {
    int highest = 0;
    for (var ticket : tickets) {
      var name = ticket.getMetadata().getName();
      var dash = name.lastIndexOf('-');
      try {
        highest = Math.max(highest, Integer.parseInt(name.substring(dash + 1)));
      } catch (NumberFormatException e) {
        highest = Math.max(highest, tickets.size());
      }
    }
    return highest + 1;
  }

  static String fingerprintOf(Map<String, String> labels) {
    try {
      var text = new TreeMap<>(labels == null ? Map.of() : labels).toString();
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String trim(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
