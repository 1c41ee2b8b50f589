package io.odoovps.operator.cli;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.restore.RestoresLeft;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * {@code kubectl odoovps}: the support actions of the README as commands, each writing what the
 * README's patch writes ({@link Requests}), and {@code describe}, one screen of a VPS's contract.
 * Run by the image's {@code plugin} mode, which the {@code kubectl-odoovps} launcher starts.
 */
public final class PluginCommand {

  public static final String COMMAND = "plugin";

  /** The field manager of the plugin's writes (managedFields show who did what). */
  public static final String FIELD_MANAGER = "kubectl-odoovps";

  static final String USAGE =
      """
      Usage: kubectl odoovps [-n NAMESPACE] [--context CONTEXT] [--kubeconfig FILE] COMMAND ...

        describe VPS                               one screen of the VPS's contract
        suspend VPS --reason TEXT [--authority REF]
        resume VPS
        isolate VPS --reason TEXT                  no Internet either way; the provider keeps access
        isolate VPS --lift
        request-identity VPS                       identity proof requested now (72 h)
        verify-identity VPS
        maintenance VPS --reason TEXT              customer emailed now, reboot 24 h later
        restore VPS --backup ID [--name NAME]      an OdooVpsRestore (at most 2 a month)
        restores-left VPS [--ledger-namespace NS]  restores the customer has left this month
        ticket open VPS --summary TEXT [--name NAME]
        ticket minutes TICKET --minutes N [--note TEXT] [--by NAME]
        ticket resolve TICKET
        unblock-smtp VPS                           ask to lift the port-25 block
        terminate VPS                              asks to type the VPS's name; deletes all data
      """;

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final BufferedReader in;
  private final PrintStream out;

  PluginCommand(
      KubernetesClient client, String namespace, Clock clock, BufferedReader in, PrintStream out) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
    this.in = in;
    this.out = out;
  }

  /** Held so that the level set on it stays (loggers are weakly referenced). */
  private static final java.util.logging.Logger VERSION_WARNINGS =
      java.util.logging.Logger.getLogger(
          "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils");

  public static void main(String... args) {
    // fabric8 warns on stderr about every v1alpha1 kind it touches: not the user's business
    VERSION_WARNINGS.setLevel(java.util.logging.Level.OFF);
    var arguments = Arguments.parse(List.of(args).subList(1, args.length));
    if (arguments.error() != null) {
      System.err.println("error: " + arguments.error());
      System.err.print(USAGE);
      System.exit(2);
    }
    var kubeconfig = arguments.option("kubeconfig");
    if (kubeconfig != null) {
      System.setProperty("kubeconfig", kubeconfig);
    }
    var config = Config.autoConfigure(arguments.option("context"));
    var namespace = arguments.option("namespace");
    if (namespace == null) {
      namespace = config.getNamespace() == null ? "default" : config.getNamespace();
    }
    try (var client = new KubernetesClientBuilder().withConfig(config).build()) {
      var reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      System.exit(
          new PluginCommand(client, namespace, Clock.systemUTC(), reader, System.out)
              .run(arguments, System.err));
    }
  }

  /** Runs the command; the exit code (0 done, 1 refused or failed, 2 wrong usage). */
  int run(Arguments a, PrintStream err) {
    try {
      return dispatch(a);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.print(USAGE);
      return 2;
    } catch (KubernetesClientException e) {
      err.println("error: " + apiMessage(e));
      return 1;
    }
  }

  private int dispatch(Arguments a) {
    var command = a.positional(0, "a command");
    var now = clock.instant();
    if (!command.equals("terminate")) {
      var patch = Requests.forCommand(a, now, command.equals("ticket") && firstWork(a));
      if (patch.isPresent()) {
        apply(patch.get());
        return 0;
      }
    }
    switch (command) {
      case "describe" -> {
        var vps = vps(a.positional(1, "the VPS"));
        var mitigation =
            client
                .resources(MitigationState.class)
                .inNamespace(namespace)
                .withName(vps.getMetadata().getName())
                .get();
        Integer left;
        try {
          left = RestoresLeft.of(client, a.option("ledger-namespace", "odoovps-system"), vps, now);
        } catch (KubernetesClientException e) {
          left = null; // no right to read the ledger: said so on the screen
        }
        out.print(ContractView.render(vps, mitigation, left));
        return 0;
      }
      case "terminate" -> {
        return terminate(a.positional(1, "the VPS"), now, a);
      }
      case "restore" -> {
        var vps = vps(a.positional(1, "the VPS")).getMetadata().getName();
        var restore = new OdooVpsRestore();
        restore.setMetadata(
            name(a.option("name"), vps + "-restore-" + now.getEpochSecond()).build());
        restore.setSpec(new OdooVpsRestoreSpec(vps, a.required("backup"), null));
        var created =
            client
                .resources(OdooVpsRestore.class)
                .inNamespace(namespace)
                .resource(restore)
                .create();
        out.println(
            "odoovpsrestore.odoovps.io/"
                + created.getMetadata().getName()
                + " created (restore of "
                + vps
                + " from "
                + restore.getSpec().getBackupId()
                + "; kubectl get odoovpsrestores -n "
                + namespace
                + " shows whether it is accepted)");
      }
      case "restores-left" -> {
        var vps = vps(a.positional(1, "the VPS"));
        var left =
            RestoresLeft.of(client, a.option("ledger-namespace", "odoovps-system"), vps, now);
        out.println(
            left
                + " restore(s) left this month for the customer of "
                + vps.getMetadata().getName());
      }
      case "ticket" -> {
        return ticket(a, now);
      }
      default -> throw new UsageException("unknown command " + command);
    }
    return 0;
  }

  private int ticket(Arguments a, java.time.Instant now) {
    var sub = a.positional(1, "open, minutes or resolve");
    switch (sub) {
      case "open" -> {
        var vps = vps(a.positional(2, "the VPS")).getMetadata().getName();
        var ticket = new SupportTicket();
        ticket.setMetadata(name(a.option("name"), vps + "-ticket-" + now.getEpochSecond()).build());
        var spec = new SupportTicketSpec();
        spec.setVps(vps);
        spec.setSummary(a.required("summary"));
        ticket.setSpec(spec);
        var created =
            client.resources(SupportTicket.class).inNamespace(namespace).resource(ticket).create();
        out.println("supportticket.odoovps.io/" + created.getMetadata().getName() + " created");
      }
      default -> throw new UsageException("unknown ticket command " + sub);
    }
    return 0;
  }

  /** Whether the ticket of {@code ticket minutes TICKET} has no work yet. */
  private boolean firstWork(Arguments a) {
    if (a.positionals().size() < 3 || !a.positionals().get(1).equals("minutes")) {
      return false;
    }
    var name = a.positionals().get(2);
    var ticket = client.resources(SupportTicket.class).inNamespace(namespace).withName(name).get();
    if (ticket == null) {
      throw new KubernetesClientException(
          "supporttickets.odoovps.io \"" + name + "\" not found in namespace " + namespace);
    }
    var work = ticket.getSpec().getWork();
    return work == null || work.isEmpty();
  }

  private int terminate(String name, java.time.Instant now, Arguments a) {
    vps(name);
    out.println(
        "Terminating "
            + namespace
            + "/"
            + name
            + " deletes its VM, its disk, its IPv4 and its Secrets (backups stay for the purge"
            + " grace). Type the VPS's name to confirm:");
    String typed;
    try {
      typed = in.readLine();
    } catch (java.io.IOException e) {
      typed = null;
    }
    if (typed == null || !typed.strip().equals(name)) {
      out.println("Not confirmed: nothing was changed.");
      return 1;
    }
    apply(Requests.forCommand(a, now, false).orElseThrow());
    return 0;
  }

  private OdooVps vps(String name) {
    var vps = client.resources(OdooVps.class).inNamespace(namespace).withName(name).get();
    if (vps == null) {
      throw new KubernetesClientException(
          "odoovps.odoovps.io \"" + name + "\" not found in namespace " + namespace);
    }
    return vps;
  }

  private void apply(Requests.Patch patch) {
    var context =
        new PatchContext.Builder()
            .withPatchType(patch.jsonPatch() ? PatchType.JSON : PatchType.JSON_MERGE)
            .withFieldManager(FIELD_MANAGER)
            .build();
    var resource =
        switch (patch.target()) {
          case VPS -> client.resources(OdooVps.class).inNamespace(namespace).withName(patch.name());
          case MITIGATION ->
              client.resources(MitigationState.class).inNamespace(namespace).withName(patch.name());
          case TICKET ->
              client.resources(SupportTicket.class).inNamespace(namespace).withName(patch.name());
        };
    if (resource.get() == null) {
      throw new KubernetesClientException(
          patch.target().plural()
              + ".odoovps.io \""
              + patch.name()
              + "\" not found in namespace "
              + namespace
              + (patch.target() == Requests.Target.MITIGATION
                  ? " (a VPS gets its MitigationState with its first spam or attack alert)"
                  : ""));
    }
    resource.patch(context, patch.body());
    out.println(
        patch.target().singular()
            + ".odoovps.io/"
            + patch.name()
            + " patched ("
            + patch.what()
            + ")");
  }

  private static ObjectMetaBuilder name(String given, String generated) {
    return new ObjectMetaBuilder()
        .withName(given != null ? given : generated.toLowerCase(Locale.ROOT));
  }

  /** The API server's own message: it names the field and the rule (CEL, schema). */
  private static String apiMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return e.getMessage();
  }

  /** A command line that does not say what to do. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
