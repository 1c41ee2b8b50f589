package io.odoovps.operator.vps;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.contract.MaintenanceWindow;
import io.odoovps.operator.event.EventRecorder;

/**
 * The act of {@link GuestCommands}: creates the Job of the command the guest owes when it is due,
 * and records what a finished one tells, with its Event.
 */
final class VpsGuestCommands {

  private final GuestCommandJobDesign design;

  VpsGuestCommands(OperatorConfig config) {
    this.design = new GuestCommandJobDesign(config);
  }

  /**
   * @param provisioned the guest is provisioned: its access codes are out (Odoo answered)
   */
  GuestCommands.Outcome run(
      VpsFacts facts,
      MaintenanceWindow.Step maintenance,
      boolean halted,
      boolean provisioned,
      KubernetesClient client,
      EventRecorder events) {
    var vps = facts.vps();
    var base = GuestCommands.initial(facts.previous().getGuest(), vps, provisioned);
    var wanted = GuestCommands.wanted(vps, base, maintenance);
    var job = wanted.flatMap(c -> facts.commandJob(c.job()));
    boolean started = GuestCommands.startNow(wanted, job, facts.vmReady() && !halted);
    if (started) {
      var command = wanted.get();
      try {
        client.resource(design.job(vps, command)).create();
        events.normal(
            vps,
            "GuestCommandStarted",
            "Job "
                + command.job()
                + " runs '"
                + String.join(" ", command.request())
                + "' in the guest");
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    var outcome = GuestCommands.next(base, wanted, job, started, facts.now());
    outcome
        .finished()
        .ifPresent(
            request -> {
              var problem = outcome.status().problem();
              if (problem != null) {
                events.warning(vps, "GuestCommandFailed", problem);
              } else {
                events.normal(vps, "GuestCommandDone", "'" + request + "' done in the guest");
              }
            });
    return outcome;
  }
}
