package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.odoovps.GuestStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.contract.MaintenanceWindow;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.naming.KubeNames;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the operator has to run inside a VPS's guest, and what the guest-command Jobs that ran it
 * tell: the Odoo upgrade when {@code spec.odoo.version} moved, the security updates before a
 * maintenance reboot. Pure; {@link GuestCommandJobDesign} makes the Job, {@link VpsActions} creates
 * it. One command at a time; a command whose Job failed is not retried until the Job is deleted.
 */
public final class GuestCommands {

  /** The kinds of command. */
  enum Kind {
    UPGRADE,
    UPDATES
  }

  /**
   * A command due.
   *
   * @param job the name of the Job that runs it, the same for the same command (one Job each)
   * @param request what the guest's forced command is asked ({@code upgrade-odoo 18.0})
   */
  record Command(Kind kind, String job, List<String> request) {}

  /**
   * The status of the guest section, and whether the updates of a due maintenance reboot are still
   * to be installed (the reboot waits for them).
   */
  record Outcome(GuestStatus status, boolean updatesPending, Optional<String> finished) {}

  /** A Job's name is its pods' job-name label: 63 characters at most. */
  static final int JOB_NAME_MAX = 63;

  private GuestCommands() {}

  /** The Job that upgrades {@code vps}'s guest to {@code version}: one per version. */
  public static String upgradeJobName(String vps, String version) {
    return KubeNames.bounded(vps + "-upgrade-" + version.replace('.', '-'), JOB_NAME_MAX);
  }

  /** The Job of the updates before the maintenance reboot requested at {@code requestedAt}. */
  public static String updatesJobName(String vps, String requestedAt) {
    return KubeNames.bounded(
        vps + "-updates-" + Timestamps.parse(requestedAt).getEpochSecond(), JOB_NAME_MAX);
  }

  /**
   * The guest section a pass starts from: once the guest is provisioned (its access codes went
   * out), it runs the spec's version of that time.
   */
  static GuestStatus initial(GuestStatus previous, OdooVps vps, boolean provisioned) {
    if (previous == null && provisioned) {
      return new GuestStatus(vps.getSpec().getOdoo().getVersion(), null, null, null, null);
    }
    return previous;
  }

  /**
   * The command the guest owes now: the updates of a due maintenance reboot first, then the upgrade
   * to the spec's version. Its Job is created only while the VM is ready.
   */
  static Optional<Command> wanted(
      OdooVps vps, GuestStatus guest, MaintenanceWindow.Step maintenance) {
    var name = vps.getMetadata().getName();
    if (maintenance.action() == MaintenanceWindow.Action.REBOOT) {
      var requested = maintenance.status().requestedAt();
      return Optional.of(
          new Command(Kind.UPDATES, updatesJobName(name, requested), List.of("maintenance")));
    }
    var version = vps.getSpec().getOdoo().getVersion();
    if (guest != null && guest.odooVersion() != null && !version.equals(guest.odooVersion())) {
      return Optional.of(
          new Command(
              Kind.UPGRADE, upgradeJobName(name, version), List.of("upgrade-odoo", version)));
    }
    return Optional.empty();
  }

  /**
   * Whether the Job of the wanted command is to be created now: it is not there, the VM is ready.
   */
  static boolean startNow(Optional<Command> wanted, Optional<Job> job, boolean vmReady) {
    return wanted.isPresent() && job.isEmpty() && vmReady;
  }

  /**
   * The guest section after this pass, from the Job of the wanted command.
   *
   * @param job that Job as the cache holds it (empty also when it was created in this pass)
   * @param started whether this pass created it
   */
  static Outcome next(
      GuestStatus base, Optional<Command> wanted, Optional<Job> job, boolean started, Instant now) {
    if (wanted.isEmpty()) {
      return new Outcome(base, false, Optional.empty());
    }
    var command = wanted.get();
    boolean updates = command.kind() == Kind.UPDATES;
    var state = job.map(GuestCommands::state).orElse(JobState.ABSENT);
    if (state == JobState.ABSENT) {
      // not started (the VM is not ready): a maintenance reboot does not wait for it
      return new Outcome(base, updates && started, Optional.empty());
    }
    if (state == JobState.RUNNING) {
      return new Outcome(base, updates, Optional.empty());
    }
    var current = base == null ? new GuestStatus(null, null, null, null, null) : base;
    if (command.job().equals(current.lastCommand())
        && (current.problem() != null) == (state == JobState.FAILED)) {
      // recorded by an earlier pass (a Job deleted after a failure and run again is news)
      return new Outcome(current, false, Optional.empty());
    }
    var request = String.join(" ", command.request());
    GuestStatus next;
    if (state == JobState.FAILED) {
      next =
          new GuestStatus(
              current.odooVersion(),
              current.updatedAt(),
              command.job(),
              request + " failed in the guest (Job " + command.job() + ", see its log)",
              current.disk());
    } else if (updates) {
      next =
          new GuestStatus(
              current.odooVersion(), Timestamps.format(now), command.job(), null, current.disk());
    } else {
      next =
          new GuestStatus(
              command.request().get(1), current.updatedAt(), command.job(), null, current.disk());
    }
    return new Outcome(next, false, Optional.of(request));
  }

  enum JobState {
    ABSENT,
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  static JobState state(Job job) {
    var status = job.getStatus();
    if (status == null) {
      return JobState.RUNNING;
    }
    if (status.getConditions() != null) {
      for (var c : status.getConditions()) {
        if ("True".equals(c.getStatus()) && "Complete".equals(c.getType())) {
          return JobState.SUCCEEDED;
        }
        if ("True".equals(c.getStatus()) && "Failed".equals(c.getType())) {
          return JobState.FAILED;
        }
      }
    }
    return JobState.RUNNING;
  }
}
