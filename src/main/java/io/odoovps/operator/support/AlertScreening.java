package io.odoovps.operator.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checks an alert passes before it may become a ticket, without asking the API server. An alert
 * without a `vps` label is not about a VPS (Watchdog, a cluster alert) and is skipped. One with it
 * must also carry `namespace`; both must be DNS-1123 labels (at most 63 lowercase letters, digits
 * and '-', starting and ending with a letter or digit), since the namespace is where the ticket
 * goes and the VPS name becomes the ticket's `odoovps.io/vps` label value; and the alert must be
 * firing or resolved. Anything else is refused with the label and the rule it breaks (never the
 * offending value, which may be anything).
 */
final class AlertScreening {

  static final int MAX_LABEL = 63;
  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String FINGERPRINT = "[0-9a-f]{1,63}";
  private static final String RULE =
      "a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a"
          + " letter or digit";

  private AlertScreening() {}

  /** What the screening says about one alert. */
  sealed interface Verdict permits Ticketable, NotAboutAVps, Refused {
    /** The incident: Alertmanager's fingerprint, or one computed from the labels. */
    String fingerprint();
  }

  /** An alert about VPS {@code vps} of {@code namespace}, firing or (if not) resolved. */
  record Ticketable(String fingerprint, String namespace, String vps, boolean firing)
      implements Verdict {}

  /** An alert without a `vps` label: not about a VPS, skipped. */
  record NotAboutAVps(String fingerprint) implements Verdict {}

  /** An alert that can never become a ticket, with why (naming the label and the rule). */
  record Refused(String fingerprint, AlertProblem problem, String message) implements Verdict {}

  static Verdict screen(AlertmanagerPayload.Alert alert) {
    var fingerprint = fingerprint(alert);
    var namespace = alert.label("namespace");
    var vps = alert.label("vps");
    if (vps == null) {
      return new NotAboutAVps(fingerprint);
    }
    if (namespace == null) {
      return new Refused(
          fingerprint,
          AlertProblem.NAMESPACE_MISSING,
          "label namespace is missing: an alert about a VPS (label vps) must name its namespace");
    }
    if (!dnsLabel(namespace)) {
      return new Refused(
          fingerprint,
          AlertProblem.NAMESPACE_INVALID,
          "label namespace ("
              + namespace.length()
              + " characters) is not a namespace name: it must be "
              + RULE);
    }
    if (vps.length() > io.odoovps.operator.api.v1alpha1.NameRules.VPS_NAME_MAX
        || !vps.matches(io.odoovps.operator.api.v1alpha1.NameRules.DNS_1035_LABEL)) {
      return new Refused(
          fingerprint,
          AlertProblem.VPS_INVALID,
          "label vps ("
              + vps.length()
              + " characters) cannot name an OdooVps: it must be "
              + io.odoovps.operator.api.v1alpha1.NameRules.VPS_NAME_TEXT);
    }
    if (!"firing".equals(alert.status()) && !"resolved".equals(alert.status())) {
      return new Refused(
          fingerprint, AlertProblem.STATUS_UNKNOWN, "status must be firing or resolved");
    }
    return new Ticketable(fingerprint, namespace, vps, "firing".equals(alert.status()));
  }

  static boolean dnsLabel(String value) {
    return value.length() <= MAX_LABEL && value.matches(DNS_LABEL);
  }

  /** Alertmanager's fingerprint when it is one (hex), else a hash of the labels. */
  static String fingerprint(AlertmanagerPayload.Alert alert) {
    return alert.fingerprint() != null && alert.fingerprint().matches(FINGERPRINT)
        ? alert.fingerprint()
        : fingerprintOf(alert.labels());
  }

  static String fingerprintOf(Map<String, String> labels) {
    try {
      var text = new TreeMap<>(labels == null ? Map.of() : labels).toString();
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
