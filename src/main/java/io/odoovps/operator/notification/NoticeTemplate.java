package io.odoovps.operator.notification;

import io.quarkus.qute.Engine;
import io.quarkus.qute.Expression;
import io.quarkus.qute.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One template file: a first line {@code Subject: ...}, a blank line, then the body, both with
 * {@code {{placeholder}}} values. Qute renders them: each {@code {{name}}} becomes the Qute
 * expression {@code {name}}, and any other brace is text.
 */
final class NoticeTemplate {

  private static final String SUBJECT_PREFIX = "Subject:";

  /** A placeholder, or a lone brace that Qute must take as text. */
  private static final Pattern PLACEHOLDER_OR_BRACE =
      Pattern.compile("\\{\\{\\s*([A-Za-z][A-Za-z0-9_]*)\\s*\\}\\}|\\{");

  /** Plain text in, plain text out: no HTML escaping, no CDI. */
  private static final Engine QUTE = Engine.builder().addDefaults().build();

  private final String resource;
  private final Template subject;
  private final Template body;

  private NoticeTemplate(String resource, String subject, String body) {
    this.resource = resource;
    this.subject = QUTE.parse(qute(subject));
    this.body = QUTE.parse(qute(body));
  }

  /**
   * Loads and checks the template of a notice in a language; fails if it is absent or malformed.
   */
  static NoticeTemplate load(Notice notice, Language language) {
    String resource = notice.templatePath(language);
    try (InputStream in = NoticeTemplate.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing mail template on the classpath: " + resource);
      }
      return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read mail template " + resource, e);
    }
  }

  static NoticeTemplate parse(String resource, String text) {
    String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
    if (normalized.startsWith("\uFEFF")) {
      normalized = normalized.substring(1);
    }
    int firstBreak = normalized.indexOf('\n');
    String firstLine = firstBreak < 0 ? normalized : normalized.substring(0, firstBreak);
    if (!firstLine.startsWith(SUBJECT_PREFIX)
        || firstLine.substring(SUBJECT_PREFIX.length()).isBlank()) {
      throw new IllegalStateException(
          "Mail template " + resource + " must start with a line 'Subject: ...'");
    }
    String rest = firstBreak < 0 ? "" : normalized.substring(firstBreak + 1);
    if (!rest.startsWith("\n")) {
      throw new IllegalStateException(
          "Mail template " + resource + " needs a blank line after its subject line");
    }
    String body = rest.substring(1).stripTrailing() + "\n";
    if (body.isBlank()) {
      throw new IllegalStateException("Mail template " + resource + " has an empty body");
    }
    return new NoticeTemplate(resource, firstLine.substring(SUBJECT_PREFIX.length()).strip(), body);
  }

  /** {@code {{name}}} as Qute's {@code {name}}; any other opening brace escaped as text. */
  private static String qute(String text) {
    return PLACEHOLDER_OR_BRACE
        .matcher(text)
        .replaceAll(
            m -> Matcher.quoteReplacement(m.group(1) == null ? "\\{" : "{" + m.group(1) + "}"));
  }

  /** The placeholder names the subject and body use, in order of first appearance. */
  Set<String> placeholders() {
    Set<String> names = new LinkedHashSet<>(names(subject));
    names.addAll(names(body));
    return names;
  }

  private static List<String> names(Template template) {
    return template.getExpressions().stream()
        .map(Expression::getParts)
        .map(parts -> parts.get(0).getName())
        .toList();
  }

  /**
   * Fills every placeholder. Throws {@link IllegalArgumentException} naming the placeholders that
   * have no value (the message never holds a value), so a half-filled mail is never sent.
   */
  RenderedMail render(Map<String, String> values) {
    List<String> missing = new ArrayList<>();
    for (String name : placeholders()) {
      if (values.get(name) == null) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "Missing value for placeholder(s) "
              + String.join(", ", missing.stream().map(n -> "{{" + n + "}}").toList())
              + " of mail template "
              + resource);
    }
    for (String name : names(subject)) {
      String value = values.get(name);
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        throw new IllegalArgumentException(
            "The value of placeholder {{" + name + "}} is in the subject and must be one line");
      }
    }
    return new RenderedMail(fill(subject, values), fill(body, values));
  }

  private static String fill(Template template, Map<String, String> values) {
    var instance = template.instance();
    values.forEach(instance::data);
    return instance.render();
  }
}
