package io.odoovps.operator.cli;

import io.fabric8.kubernetes.api.model.Condition;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code kubectl odoovps describe}: one screen of a VPS's contract, from its status (and its
 * MitigationState's, and the restore ledger's count): plan, IPv4, phase, deadlines, backups,
 * restores left, support minutes, traffic, port 25, DDoS mitigation, availability. Pure.
 */
public final class ContractView {

  private ContractView() {}

  /**
   * The screen.
   *
   * @param mitigation the VPS's MitigationState, null when it has none
   * @param restoresLeft restores left this month for the customer, null when unknown
   */
  public static String render(OdooVps vps, MitigationState mitigation, Integer restoresLeft) {
    var spec = vps.getSpec();
    var status = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    var lines = new ArrayList<String>();
    var plan = spec.getPlan();
    line(
        lines,
        "VPS",
        vps.getMetadata().getNamespace() + "/" + vps.getMetadata().getName(),
        spec.getLocation());
    line(
        lines,
        "Customer",
        spec.getCustomer() == null ? null : spec.getCustomer().getName(),
        spec.getCustomer() == null ? null : spec.getCustomer().getEmail(),
        spec.getCustomer() == null || spec.getCustomer().getId() == null
            ? null
            : "id " + spec.getCustomer().getId());
    line(
        lines,
        "Plan",
        plan == null ? null : plan.getName(),
        plan == null || plan.getVcpu() == null ? null : plan.getVcpu() + " vCPU",
        plan == null ? null : plan.getMemory(),
        plan == null || plan.getDisk() == null ? null : plan.getDisk() + " disk");
    line(
        lines, "Phase", status.getPhase() == null ? null : status.getPhase().name(), ready(status));
    line(lines, "IPv4", status.getIpv4());
    var billing = status.getBilling();
    line(
        lines,
        "Billing cycle",
        billing == null ? null : billing.periodStart() + " to " + billing.periodEnd(),
        billing == null || billing.renewals() == null ? null : billing.renewals() + " renewal(s)");
    var deadlines = new ArrayList<String>();
    add(deadlines, "identity proof by ", status.getIdentityDeadline());
    var change = status.getPlanChange();
    if (change != null && change.deadline() != null && change.appliedAt() == null) {
      deadlines.add("plan change by " + change.deadline());
    }
    var maintenance = status.getMaintenance();
    if (maintenance != null && maintenance.scheduledFor() != null && maintenance.doneAt() == null) {
      deadlines.add("maintenance reboot at " + maintenance.scheduledFor());
    }
    var end = status.getContractEnd();
    if (end != null) {
      add(deadlines, "contract ended ", end.endedAt());
      add(deadlines, "data deleted at ", end.deleteAt());
    }
    line(lines, "Deadlines", deadlines.isEmpty() ? "none" : String.join("; ", deadlines));
    var suspension = status.getSuspension();
    if (suspension != null && Boolean.TRUE.equals(suspension.active())) {
      line(
          lines,
          "Suspended",
          "since " + suspension.since(),
          suspension.reason(),
          suspension.authorityReference());
    }
    if (spec.getIsolation() != null) {
      line(lines, "Isolated", spec.getIsolation().getReason());
    }
    if (status.getTermination() != null) {
      line(
          lines,
          "Termination",
          "started " + status.getTermination().startedAt(),
          status.getTermination().completedAt() == null
              ? "in progress"
              : "completed " + status.getTermination().completedAt());
    }
    var backup = status.getBackup();
    line(
        lines,
        "Backups",
        backup == null ? "no BackupPolicy covers it" : "policy " + backup.policy(),
        backup == null ? null : "last success " + orNever(backup.lastSuccess()),
        backup == null || backup.notCoveredSince() == null
            ? null
            : "not covered since " + backup.notCoveredSince());
    line(
        lines,
        "Restores left",
        restoresLeft == null
            ? "unknown (the restore ledger cannot be read)"
            : restoresLeft + " this month");
    var support = status.getSupport();
    line(
        lines,
        "Support",
        support == null || support.minutesIncluded() == null
            ? null
            : (support.minutesIncluded() - orZero(support.minutesUsed()))
                + " of "
                + support.minutesIncluded()
                + " minutes left",
        support == null || support.openTickets() == null
            ? null
            : support.openTickets() + " open ticket(s)");
    var traffic = status.getTraffic();
    line(
        lines,
        "Traffic",
        traffic == null || traffic.bytesUsed() == null
            ? null
            : gigabytes(traffic.bytesUsed()) + " of " + gigabytes(traffic.quotaBytes()) + " GB",
        traffic == null || traffic.bandwidthMbps() == null
            ? null
            : (Boolean.TRUE.equals(traffic.throttled()) ? "throttled to " : "")
                + traffic.bandwidthMbps()
                + " Mbit/s",
        traffic == null || traffic.cycleEnd() == null ? null : "until " + traffic.cycleEnd(),
        traffic == null ? null : traffic.problem());
    var smtp =
        mitigation == null
            ? null
            : mitigation.getStatus() == null ? null : mitigation.getStatus().smtp();
    line(
        lines,
        "Port 25",
        smtp == null || !Boolean.TRUE.equals(smtp.blocked())
            ? "open"
            : "blocked until " + orNever(smtp.blockedUntil()),
        smtp == null || smtp.blocks() == null ? null : smtp.blocks() + " block(s)");
    var ddos =
        mitigation == null
            ? null
            : mitigation.getStatus() == null ? null : mitigation.getStatus().ddos();
    line(
        lines,
        "DDoS mitigation",
        ddos == null || !Boolean.TRUE.equals(ddos.active())
            ? "off"
            : "on at level " + ddos.level() + " since " + ddos.activatedAt(),
        ddos == null || !Boolean.TRUE.equals(ddos.active())
            ? null
            : "not before " + ddos.earliestEnd());
    var availability = status.getAvailability();
    line(
        lines,
        "Availability",
        availability == null || availability.percent() == null
            ? null
            : availability.percent() + " % this month",
        availability == null || availability.downSince() == null
            ? null
            : "down since " + availability.downSince());
    return String.join("\n", lines) + "\n";
  }

  private static String ready(OdooVpsStatus status) {
    return status.getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .map(ContractView::condition)
        .orElse(null);
  }

  private static String condition(Condition c) {
    return "Ready=" + c.getStatus() + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
  }

  private static void line(List<String> lines, String label, String... parts) {
    var text =
        java.util.Arrays.stream(parts)
            .filter(Objects::nonNull)
            .filter(p -> !p.isBlank())
            .reduce((a, b) -> a + ", " + b)
            .orElse("-");
    lines.add(String.format("%-16s %s", label + ":", text));
  }

  private static void add(List<String> list, String prefix, String value) {
    if (value != null) {
      list.add(prefix + value);
    }
  }

  private static String orNever(String value) {
    return value == null ? "never" : value;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static String gigabytes(Long bytes) {
    return bytes == null ? "?" : String.format(java.util.Locale.ROOT, "%.2f", bytes / 1e9);
  }
}
