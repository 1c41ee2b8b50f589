package io.odoovps.operator.notification;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The kinds of email the operator sends to a customer. Each has one template per {@link Language}
 * at {@code notifications/<kind-with-dashes>.<language>.txt} on the classpath, and needs a value
 * for every one of its {@link #placeholders()}.
 */
public enum Notice {
  /** The VPS is ready: Odoo URL, login and initial password. */
  ACCESS_CODES("vpsName", "odooUrl", "login", "password"),
  /** The VPS is suspended, with the reason. */
  SUSPENDED("vpsName", "reason"),
  /** The VPS runs again after a suspension. */
  RESUMED("vpsName"),
  /** The customer must prove their identity before a deadline. */
  IDENTITY_REQUESTED("vpsName", "deadline"),
  /** The VPS moved to a new plan. */
  PLAN_CHANGED("vpsName", "plan"),
  /** The VPS is terminated. */
  TERMINATED("vpsName"),
  /**
   * The fixed term ended: the VPS is suspended, its data kept until a date, then deleted unless
   * renewed.
   */
  TERM_ENDED("vpsName", "endedAt", "deleteAt"),
  /** A maintenance will reboot the VPS at the given time. */
  MAINTENANCE_SCHEDULED("vpsName", "rebootTime"),
  /** The bandwidth is limited until the end of the billing cycle. */
  THROTTLED("vpsName", "cycleEnd"),
  /** Outgoing port 25 (SMTP) is blocked until the given time. */
  SMTP_BLOCKED("vpsName", "blockedUntil"),
  /**
   * To the helpdesk: a support ticket for a VPS was opened (or reopened), by an alert or by hand.
   */
  TICKET_OPENED("vpsName", "namespace", "ticket", "alert", "customer", "summary", "since");

  private final Set<String> placeholders;

  Notice(String... placeholders) {
    this.placeholders = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(placeholders)));
  }

  /** The names of the {@code {{placeholder}}} values the templates of this notice use. */
  public Set<String> placeholders() {
    return placeholders;
  }

  /** The template base name: the kind in lower case with dashes, e.g. {@code access-codes}. */
  public String templateName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The classpath resource of the template in the given language. */
  public String templatePath(Language language) {
    return "notifications/" + templateName() + "." + language.code() + ".txt";
  }
}
