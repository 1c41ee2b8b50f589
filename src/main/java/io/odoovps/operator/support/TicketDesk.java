package io.odoovps.operator.support;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.naming.KubeNames;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.support.AlertScreening.NotAboutAVps;
import io.odoovps.operator.support.AlertScreening.Refused;
import io.odoovps.operator.support.AlertScreening.Ticketable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Alertmanager notifications into SupportTickets: one ticket per incident (the alert's
 * fingerprint), opened when it fires, left alone when the notification repeats, resolved when it
 * resolves, and reopened when the same incident fires again within the reopen window (a new ticket
 * after that). Alerts without a `vps` label are not about a VPS and are skipped.
 *
 * <p>Alerts are recorded one by one, so that one bad alert never costs the others their tickets: an
 * alert that can never be recorded ({@link AlertScreening}, or a 4xx of the API server) is refused
 * and reported; one that failed for a reason a later try may not meet ({@link ApiServerFailure}) is
 * deferred, and the notification must be sent again; the retry finds the tickets already recorded
 * and changes nothing for them. At most {@code maxAlerts} alerts of a notification are recorded;
 * the rest are reported, not recorded.
 */
public class TicketDesk {

  public static final String FINGERPRINT_LABEL = "odoovps.io/alert-fingerprint";

  /** The default of `odoovps.support.webhook.max-alerts`. */
  public static final int DEFAULT_MAX_ALERTS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(TicketDesk.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration reopenWindow;
  private final int maxAlerts;
  private final WebhookMetrics metrics;

  /** With the default cap, counting into a registry nobody reads. */
  public TicketDesk(KubernetesClient client, Clock clock, Duration reopenWindow) {
    this(
        client,
        clock,
        reopenWindow,
        DEFAULT_MAX_ALERTS,
        new WebhookMetrics(new SimpleMeterRegistry()));
  }

  public TicketDesk(
      KubernetesClient client,
      Clock clock,
      Duration reopenWindow,
      int maxAlerts,
      WebhookMetrics metrics) {
    if (maxAlerts < 1) {
      throw new IllegalArgumentException(
          "odoovps.support.webhook.max-alerts must be at least 1, not " + maxAlerts);
    }
    this.client = client;
    this.clock = clock;
    this.reopenWindow = reopenWindow;
    this.maxAlerts = maxAlerts;
    this.metrics = metrics;
  }

  /** An alert that got no ticket: its incident, the reason tag, and why in words. */
  public record AlertReport(String fingerprint, String reason, String message) {}

  /**
   * What a notification changed; {@code refused}: alerts never recorded, never to be retried;
   * {@code deferred}: alerts to retry (the notification must come again); {@code overLimit}: alerts
   * beyond the cap, not processed; {@code truncatedByAlertmanager}: alerts Alertmanager left out.
   */
  public record Outcome(
      int opened,
      int reopened,
      int resolved,
      int unchanged,
      int skipped,
      List<AlertReport> refused,
      List<AlertReport> deferred,
      int overLimit,
      int truncatedByAlertmanager) {

    /** Whether the notification must be sent again (some alert failed for a transient reason). */
    @JsonProperty("retry")
    public boolean retry() {
      return !deferred.isEmpty();
    }
  }

  public synchronized Outcome receive(AlertmanagerPayload payload) {
    var alerts = payload.alerts() == null ? List.<AlertmanagerPayload.Alert>of() : payload.alerts();
    var tally = new Tally();
    int taken = Math.min(alerts.size(), maxAlerts);
    recordEach(alerts.subList(0, taken), tally);
    int overLimit = alerts.size() - taken;
    tally.problems.merge(AlertProblem.OVER_LIMIT, overLimit, Integer::sum);
    int truncated = payload.truncatedAlerts() == null ? 0 : Math.max(0, payload.truncatedAlerts());
    tally.problems.merge(AlertProblem.TRUNCATED_BY_ALERTMANAGER, truncated, Integer::sum);
    tally.problems.forEach(metrics::count);
    var outcome = tally.outcome(overLimit, truncated);
    logOutcome(payload, tally, outcome, overLimit);
    return outcome;
  }

  /**
   * Screens and records the alerts one by one into the tally; once the API server could not be
   * reached, the remaining ticketable alerts are deferred without being tried.
   */
  private void recordEach(List<AlertmanagerPayload.Alert> alerts, Tally tally) {
    boolean reachable = true;
    for (var alert : alerts) {
      var verdict = AlertScreening.screen(alert);
      if (verdict instanceof NotAboutAVps) {
        tally.skipped++;
      } else if (verdict instanceof Refused refused) {
        tally.refuse(refused.fingerprint(), refused.problem(), refused.message());
      } else if (verdict instanceof Ticketable target && !reachable) {
        tally.defer(
            target.fingerprint(),
            AlertProblem.NOT_TRIED,
            "not tried: the API server could not be reached for an earlier alert");
      } else if (verdict instanceof Ticketable target) {
        reachable = recordInto(tally, target, alert);
      }
    }
  }

  /**
   * Records one ticketable alert into the tally: counted, refused or deferred; false when the API
   * server could not be reached.
   */
  private boolean recordInto(Tally tally, Ticketable target, AlertmanagerPayload.Alert alert) {
    try {
      tally.count(record(target, alert));
    } catch (NameTaken e) {
      tally.refuse(target.fingerprint(), AlertProblem.NAME_TAKEN, e.getMessage());
    } catch (KubernetesClientException e) {
      var failure = ApiServerFailure.of(e);
      if (failure.problem().permanent()) {
        tally.refuse(target.fingerprint(), failure.problem(), failure.message());
      } else {
        tally.defer(target.fingerprint(), failure.problem(), failure.message());
        return !failure.unreachable();
      }
    }
    return true;
  }

  /** Logs what the notification came to, and the alerts refused or deferred by reason. */
  private void logOutcome(
      AlertmanagerPayload payload, Tally tally, Outcome outcome, int overLimit) {
    LOG.info(
        "Alertmanager notification {}: opened {}, reopened {}, resolved {}, unchanged {},"
            + " skipped {}",
        payload.groupKey(),
        outcome.opened(),
        outcome.reopened(),
        outcome.resolved(),
        outcome.unchanged(),
        outcome.skipped());
    var refused = tally.byReason(true);
    if (!refused.isEmpty()) {
      LOG.warn(
          "Alertmanager notification {}: alerts refused for good (no ticket, no retry), by"
              + " reason: {}{}",
          payload.groupKey(),
          refused,
          overLimit > 0
              ? "; over-limit: more than odoovps.support.webhook.max-alerts="
                  + maxAlerts
                  + " alerts in one notification (set the receiver's max_alerts to at most that)"
              : "");
    }
    var deferred = tally.byReason(false);
    if (!deferred.isEmpty()) {
      LOG.warn(
          "Alertmanager notification {}: alerts left for Alertmanager to retry, by reason: {}",
          payload.groupKey(),
          deferred);
    }
  }

  /** Gathers the incident's tickets, decides the step, and takes it. */
  private IncidentStep record(Ticketable target, AlertmanagerPayload.Alert alert) {
    var tickets =
        client
            .resources(SupportTicket.class)
            .inNamespace(target.namespace())
            .withLabel(FINGERPRINT_LABEL, target.fingerprint())
            .list()
            .getItems();
    var latest =
        tickets.stream()
            .max(Comparator.comparing(t -> t.getMetadata().getCreationTimestamp()))
            .orElse(null);
    var now = clock.instant();
    var step =
        IncidentStep.of(
            target.firing(),
            latest != null,
            latest == null ? null : latest.getStatus(),
            now,
            reopenWindow);
    var status = new LinkedHashMap<String, Object>();
    switch (step) {
      case OPEN -> {
        if (!open(target, alert, nextNumber(tickets), now)) {
          return IncidentStep.NOTHING;
        }
      }
      case FINISH_OPENING -> patchStatus(latest, opening(now));
      case REOPEN -> {
        status.put("phase", Phase.Open.name());
        status.put("resolvedAt", null);
        status.put("reopenedAt", Timestamps.format(now));
        var count = latest.getStatus().reopenCount();
        status.put("reopenCount", (count == null ? 0 : count) + 1);
        patchStatus(latest, status);
      }
      case RESOLVE -> {
        status.put("phase", Phase.Resolved.name());
        status.put("resolvedAt", Timestamps.format(now));
        patchStatus(latest, status);
      }
      case NOTHING -> {}
    }
    return step;
  }

  /** Creates the ticket and opens it; false when a concurrent notification created it first. */
  private boolean open(
      Ticketable target, AlertmanagerPayload.Alert alert, int number, Instant now) {
    var fingerprint = target.fingerprint();
    var vps = target.vps();
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
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(target.namespace())
            .withLabels(labels)
            .build());
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
    SupportTicket created;
    try {
      created = client.resource(ticket).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      var holder =
          client
              .resources(SupportTicket.class)
              .inNamespace(target.namespace())
              .withName(name)
              .get();
      var labelsOfHolder = holder == null ? null : holder.getMetadata().getLabels();
      if (holder != null
          && (labelsOfHolder == null
              || !fingerprint.equals(labelsOfHolder.get(FINGERPRINT_LABEL)))) {
        throw new NameTaken(name);
      }
      return false; // a concurrent notification of the same incident opened it
    }
    patchStatus(created, opening(now));
    return true;
  }

  private static Map<String, Object> opening(Instant now) {
    var status = new LinkedHashMap<String, Object>();
    status.put("phase", Phase.Open.name());
    status.put("openedAt", Timestamps.format(now));
    status.put("reopenCount", 0);
    return status;
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
  static int nextNumber(List<SupportTicket> tickets) {
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

  private static String trim(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  /** The ticket name an incident needs is held by a ticket of another incident. */
  private static final class NameTaken extends RuntimeException {
    NameTaken(String name) {
      super(
          "ticket name "
              + name
              + " is held by a SupportTicket of another incident (or opened by hand)",
          null,
          false,
          false);
    }
  }

  /** What the alerts of one notification came to. */
  private static final class Tally {
    int opened;
    int reopened;
    int resolved;
    int unchanged;
    int skipped;
    final List<AlertReport> refused = new ArrayList<>();
    final List<AlertReport> deferred = new ArrayList<>();
    final Map<AlertProblem, Integer> problems = new EnumMap<>(AlertProblem.class);

    void count(IncidentStep step) {
      switch (step) {
        case OPEN, FINISH_OPENING -> opened++;
        case REOPEN -> reopened++;
        case RESOLVE -> resolved++;
        case NOTHING -> unchanged++;
      }
    }

    void refuse(String fingerprint, AlertProblem problem, String message) {
      refused.add(new AlertReport(fingerprint, problem.tag(), message));
      problems.merge(problem, 1, Integer::sum);
    }

    void defer(String fingerprint, AlertProblem problem, String message) {
      deferred.add(new AlertReport(fingerprint, problem.tag(), message));
      problems.merge(problem, 1, Integer::sum);
    }

    /** Counts of the permanent (or transient) problems by reason tag, those that occurred. */
    Map<String, Integer> byReason(boolean permanent) {
      var counts = new TreeMap<String, Integer>();
      problems.forEach(
          (problem, n) -> {
            if (problem.permanent() == permanent && n > 0) {
              counts.put(problem.tag(), n);
            }
          });
      return counts;
    }

    Outcome outcome(int overLimit, int truncated) {
      return new Outcome(
          opened,
          reopened,
          resolved,
          unchanged,
          skipped,
          List.copyOf(refused),
          List.copyOf(deferred),
          overLimit,
          truncated);
    }
  }
}
