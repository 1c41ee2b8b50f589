package io.odoovps.operator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.odoovps.operator.contract.Timestamps;
import java.time.Instant;

/**
 * What each support action of the plugin writes: the merge and JSON patches of the README's kubectl
 * lines, built here (pure) so that a test can hold them to those lines.
 */
public final class Requests {

  /** The resource a request patches. */
  public enum Target {
    VPS("odoovps", "odoovps"),
    MITIGATION("mitigationstates", "mitigationstate"),
    TICKET("supporttickets", "supportticket");

    private final String plural;
    private final String singular;

    Target(String plural, String singular) {
      this.plural = plural;
      this.singular = singular;
    }

    /** Its plural, as the API server names it in errors. */
    public String plural() {
      return plural;
    }

    /** Its singular, as kubectl prints an object ({@code supportticket.odoovps.io/acme-dns}). */
    public String singular() {
      return singular;
    }
  }

  /** A JSON merge patch (RFC 7386), or a JSON patch (RFC 6902) when {@code jsonPatch}. */
  public record Patch(Target target, String name, boolean jsonPatch, String body, String what) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private Requests() {}

  public static Patch suspend(String vps, String reason, String authorityReference) {
    var suspension = JSON.createObjectNode().put("reason", reason);
    if (authorityReference != null) {
      suspension.put("authorityReference", authorityReference);
    }
    return spec(vps, "suspension", suspension, "suspended: " + reason);
  }

  public static Patch resume(String vps) {
    return spec(vps, "suspension", null, "suspension lifted");
  }

  public static Patch isolate(String vps, String reason) {
    return spec(
        vps, "isolation", JSON.createObjectNode().put("reason", reason), "isolated: " + reason);
  }

  public static Patch liftIsolation(String vps) {
    return spec(vps, "isolation", null, "isolation lifted");
  }

  public static Patch requestIdentity(String vps, Instant now) {
    return spec(
        vps,
        "identityCheck",
        JSON.createObjectNode().put("requestedAt", Timestamps.format(now)),
        "identity proof requested at " + Timestamps.format(now));
  }

  public static Patch verifyIdentity(String vps) {
    return spec(
        vps, "identityCheck", JSON.createObjectNode().put("verified", true), "identity verified");
  }

  public static Patch maintenance(String vps, String reason, Instant now) {
    var maintenance =
        JSON.createObjectNode().put("requestedAt", Timestamps.format(now)).put("reason", reason);
    return spec(
        vps,
        "maintenance",
        maintenance,
        "maintenance requested at " + Timestamps.format(now) + ": " + reason);
  }

  public static Patch terminate(String vps) {
    return spec(
        vps,
        "termination",
        JSON.createObjectNode().put("confirm", vps),
        "termination confirmed: the VM, its disk, its IPv4 and its Secrets are being deleted");
  }

  public static Patch unblockSmtp(String vps, Instant now) {
    var smtp = JSON.createObjectNode().put("unblockRequest", Timestamps.format(now));
    var body = JSON.createObjectNode();
    body.putObject("spec").set("smtp", smtp);
    return new Patch(
        Target.MITIGATION,
        vps,
        false,
        body.toString(),
        "port-25 unblock requested at " + Timestamps.format(now));
  }

  public static Patch resolveTicket(String ticket) {
    var body = JSON.createObjectNode();
    body.putObject("spec").put("resolved", true);
    return new Patch(Target.TICKET, ticket, false, body.toString(), "resolved");
  }

  /**
   * Minutes spent on a ticket: appended to {@code spec.work}, or its first entry when the ticket
   * has no work yet ({@code firstEntry}).
   */
  public static Patch ticketMinutes(
      String ticket, int minutes, String by, String note, Instant now, boolean firstEntry) {
    var work = JSON.createObjectNode().put("minutes", minutes).put("at", Timestamps.format(now));
    if (by != null) {
      work.put("by", by);
    }
    if (note != null) {
      work.put("note", note);
    }
    var op = JSON.createObjectNode().put("op", "add");
    if (firstEntry) {
      op.put("path", "/spec/work").putArray("value").add(work);
    } else {
      op.put("path", "/spec/work/-").set("value", work);
    }
    return new Patch(
        Target.TICKET,
        ticket,
        true,
        JSON.createArrayNode().add(op).toString(),
        minutes + " minute(s) recorded");
  }

  /**
   * The patch of a patching command line ({@code suspend acme --reason ...}), empty for the
   * commands that create or only read.
   *
   * @param firstWork whether the ticket of {@code ticket minutes} has no work yet
   */
  static java.util.Optional<Patch> forCommand(Arguments a, Instant now, boolean firstWork) {
    var command = a.positional(0, "a command");
    var patch =
        switch (command) {
          case "suspend" ->
              suspend(a.positional(1, "the VPS"), a.required("reason"), a.option("authority"));
          case "resume" -> resume(a.positional(1, "the VPS"));
          case "isolate" ->
              a.flag("lift")
                  ? liftIsolation(a.positional(1, "the VPS"))
                  : isolate(a.positional(1, "the VPS"), a.required("reason"));
          case "request-identity" -> requestIdentity(a.positional(1, "the VPS"), now);
          case "verify-identity" -> verifyIdentity(a.positional(1, "the VPS"));
          case "maintenance" -> maintenance(a.positional(1, "the VPS"), a.required("reason"), now);
          case "unblock-smtp" -> unblockSmtp(a.positional(1, "the VPS"), now);
          case "terminate" -> terminate(a.positional(1, "the VPS"));
          case "ticket" ->
              switch (a.positional(1, "open, minutes or resolve")) {
                case "resolve" -> resolveTicket(a.positional(2, "the ticket"));
                case "minutes" -> {
                  int minutes;
                  try {
                    minutes = Integer.parseInt(a.required("minutes"));
                  } catch (NumberFormatException e) {
                    throw new PluginCommand.UsageException(
                        "--minutes must be a whole number of minutes");
                  }
                  yield ticketMinutes(
                      a.positional(2, "the ticket"),
                      minutes,
                      a.option("by", System.getProperty("user.name")),
                      a.option("note"),
                      now,
                      firstWork);
                }
                default -> null;
              };
          default -> null;
        };
    return java.util.Optional.ofNullable(patch);
  }

  private static Patch spec(String vps, String field, ObjectNode value, String what) {
    var body = JSON.createObjectNode();
    var spec = body.putObject("spec");
    if (value == null) {
      spec.putNull(field);
    } else {
      spec.set(field, value);
    }
    return new Patch(Target.VPS, vps, false, body.toString(), what);
  }
}
