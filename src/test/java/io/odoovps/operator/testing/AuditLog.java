package io.odoovps.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Reads the API server's audit log (written synchronously, JSON lines) to count the writes that a
 * given client made: every create, update, patch and delete, whatever the resource.
 */
public final class AuditLog {

  private static final Set<String> WRITE_VERBS =
      Set.of("create", "update", "patch", "delete", "deletecollection");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  AuditLog(Path file) {
    this.file = file;
  }

  /** A position in the log; writes are counted from there on. */
  public long mark() {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The writes made since {@code mark} by clients whose User-Agent starts with the prefix. */
  public List<Write> writesSince(long mark, String userAgentPrefix) {
    return requestsSince(mark, userAgentPrefix).stream()
        .filter(w -> WRITE_VERBS.contains(w.verb()))
        .toList();
  }

  /**
   * Every request since {@code mark} by clients whose User-Agent starts with the prefix, reads
   * included where the policy keeps them (the operator's user's: see ControlPlane).
   */
  public List<Write> requestsSince(long mark, String userAgentPrefix) {
    try (var in = Files.newInputStream(file)) {
      in.skipNBytes(mark);
      var text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return text.lines()
          .filter(line -> !line.isBlank())
          .map(AuditLog::parse)
          .filter(e -> e.path("userAgent").asText("").startsWith(userAgentPrefix))
          .map(
              e ->
                  new Write(
                      e.path("verb").asText(),
                      e.path("objectRef").path("resource").asText(),
                      e.path("objectRef").path("subresource").asText(""),
                      e.path("objectRef").path("namespace").asText(""),
                      e.path("objectRef").path("name").asText(""),
                      e.path("responseStatus").path("code").asInt()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The verbs whose requests name one object in their path: RBAC can limit them by name. */
  private static final Set<String> NAMED_VERBS = Set.of("get", "update", "patch", "delete");

  /**
   * Every kind of request the user made over the whole log, reads included (the audit policy keeps
   * the reads of the operator's user only), sorted; requests without an object (discovery) are left
   * out. Requests of {@link #NAMED_VERBS} keep the name of their object, so that grants limited by
   * {@code resourceNames} can be checked against them.
   */
  public java.util.SortedSet<Request> requests(String user) {
    var requests = new java.util.TreeSet<Request>();
    try (var lines = Files.lines(file)) {
      lines
          .filter(line -> !line.isBlank())
          .map(AuditLog::parse)
          .filter(e -> user.equals(e.path("user").path("username").asText()))
          .filter(e -> e.has("objectRef") && e.path("objectRef").has("resource"))
          // refused requests are no need of the code: they are the probes of the chart's
          // ServiceAccount test (any other refusal fails the test that met it)
          .filter(e -> e.path("responseStatus").path("code").asInt() != 403)
          .forEach(
              e -> {
                var verb = e.path("verb").asText();
                var group = e.path("objectRef").path("apiGroup").asText("");
                var resource = e.path("objectRef").path("resource").asText();
                var subresource = e.path("objectRef").path("subresource").asText("");
                var name =
                    NAMED_VERBS.contains(verb) ? e.path("objectRef").path("name").asText("") : "";
                requests.add(new Request(verb, group, resource, subresource, name));
                if (verb.equals("patch") && e.path("responseStatus").path("code").asInt() == 201) {
                  // a server-side apply that created the object: the API server authorized it
                  // as a create too (the audit event names the patch only)
                  requests.add(new Request("create", group, resource, subresource));
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return requests;
  }

  /**
   * A kind of request: verb, API group ("" for core), resource and subresource; and the name of the
   * object it concerns, when it names one ("" otherwise).
   */
  public record Request(String verb, String group, String resource, String subresource, String name)
      implements Comparable<Request> {

    /** A request of no object in particular. */
    public Request(String verb, String group, String resource, String subresource) {
      this(verb, group, resource, subresource, "");
    }

    /** The same request, of no object in particular. */
    public Request kind() {
      return name.isEmpty() ? this : new Request(verb, group, resource, subresource);
    }

    /** "verb group resource[/subresource][ name]", the group "core" for the core API. */
    @Override
    public String toString() {
      return verb
          + " "
          + (group.isEmpty() ? "core" : group)
          + " "
          + resource
          + (subresource.isEmpty() ? "" : "/" + subresource)
          + (name.isEmpty() ? "" : " " + name);
    }

    /** The inverse of {@link #toString()}. */
    public static Request parse(String line) {
      var parts = line.trim().split(" ");
      var resource = parts[2].split("/", 2);
      return new Request(
          parts[0],
          parts[1].equals("core") ? "" : parts[1],
          resource[0],
          resource.length > 1 ? resource[1] : "",
          parts.length > 3 ? parts[3] : "");
    }

    @Override
    public int compareTo(Request o) {
      return toString().compareTo(o.toString());
    }
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One audited write. */
  public record Write(
      String verb, String resource, String subresource, String namespace, String name, int code) {
    @Override
    public String toString() {
      return verb
          + " "
          + resource
          + (subresource.isEmpty() ? "" : "/" + subresource)
          + " "
          + namespace
          + "/"
          + name
          + " -> "
          + code;
    }
  }
}
