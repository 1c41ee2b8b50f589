package io.odoovps.operator.support;

/**
 * Why an alert of a notification got no ticket: the closed set of `reason` tags of the webhook's
 * counters and of its answer. A permanent problem is reported and never retried (the notification
 * still answers 200, so that Alertmanager does not resend it forever); a transient one makes the
 * notification answer 503, so that Alertmanager sends it again.
 */
public enum AlertProblem {
  /** The alert names a VPS (label `vps`) but no namespace. */
  NAMESPACE_MISSING("namespace-missing", true),
  /** Label `namespace` cannot be a namespace name. */
  NAMESPACE_INVALID("namespace-invalid", true),
  /** Label `vps` cannot be an OdooVps name nor a label value. */
  VPS_INVALID("vps-invalid", true),
  /** The alert's status is neither firing nor resolved. */
  STATUS_UNKNOWN("status-unknown", true),
  /** The namespace the alert names does not exist (404 from the API server). */
  NAMESPACE_NOT_FOUND("namespace-not-found", true),
  /** The ticket's name is held by a ticket of another incident. */
  NAME_TAKEN("name-taken", true),
  /** The API server forbade the ticket (403: RBAC, a namespace being deleted, a policy). */
  FORBIDDEN("forbidden", true),
  /** The API server found the ticket invalid (422). */
  INVALID("invalid", true),
  /** Any other 4xx answer of the API server but 408, 409 and 429. */
  REFUSED("refused", true),
  /** Beyond `odoovps.support.webhook.max-alerts` in one notification. */
  OVER_LIMIT("over-limit", true),
  /** Left out by Alertmanager itself (the receiver's `max_alerts`, field `truncatedAlerts`). */
  TRUNCATED_BY_ALERTMANAGER("truncated-by-alertmanager", true),

  /** The API server did not answer (connection refused or reset, timeout). */
  API_SERVER_UNREACHABLE("api-server-unreachable", false),
  /** The API server answered 5xx (etcd, an admission webhook, an overload). */
  API_SERVER_ERROR("api-server-error", false),
  /** The API server answered 429 (priority and fairness) or 408. */
  API_SERVER_BUSY("api-server-busy", false),
  /** The API server answered 409 Conflict (other than an existing name). */
  CONFLICT("conflict", false),
  /** Not tried: the API server stopped answering for an earlier alert of the notification. */
  NOT_TRIED("not-tried", false);

  private final String tag;
  private final boolean permanent;

  AlertProblem(String tag, boolean permanent) {
    this.tag = tag;
    this.permanent = permanent;
  }

  /** The `reason` tag and the reason in the webhook's answer. */
  public String tag() {
    return tag;
  }

  /** Whether a retry cannot fix it. */
  public boolean permanent() {
    return permanent;
  }
}
