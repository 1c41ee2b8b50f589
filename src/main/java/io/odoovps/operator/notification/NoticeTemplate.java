package io.odoovps.operator.notification;

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
 * {@code {{placeholder}}} values.
 */
final class NoticeTemplate {

  private static final String SUBJECT_PREFIX = "Subject:";
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{\\s*([A-Za-z][A-Za-z0-9_]*)\\s*\\}\\}");

  private final String resource;
  private final String subject;
  private final String body;

  private NoticeTemplate(String resource, String subject, String body) {
    this.resource = resource;
    this.subject = subject;
    this.body = body;
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

  /** The placeholder names the subject and body use, in order of first appearance. */
  Set<String> placeholders() {
    Set<String> names = new LinkedHashSet<>();
    for (String part : List.of(subject, body)) {
      Matcher matcher = PLACEHOLDER.matcher(part);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return names;
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
    String renderedSubject = fill(subject, values, true);
    return new RenderedMail(renderedSubject, fill(body, values, false));
  }

  private String fill(String template, Map<String, String> values, boolean singleLine) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + 64);
    while (matcher.find()) {
      String name = matcher.group(1);
      String value = values.get(name);
      if (singleLine && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
        throw new IllegalArgumentException(
            "The value of placeholder {{" + name + "}} is in the subject and must be one line");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
