package io.odoovps.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.support.AlertScreening.NotAboutAVps;
import io.odoovps.operator.support.AlertScreening.Refused;
import io.odoovps.operator.support.AlertScreening.Ticketable;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which alerts may become tickets, checked before the API server is asked. */
class AlertScreeningTest {

  private static AlertmanagerPayload.Alert alert(String status, Map<String, String> labels) {
    return new AlertmanagerPayload.Alert(status, labels, Map.of(), null, null, "0123abcd");
  }

  private static Map<String, String> labels(String namespace, String vps) {
    var labels = new HashMap<String, String>();
    labels.put("alertname", "OdooVpsCpuSaturated");
    if (namespace != null) {
      labels.put("namespace", namespace);
    }
    if (vps != null) {
      labels.put("vps", vps);
    }
    return labels;
  }

  @Test
  void anAlertAboutAVpsOfANamespaceIsTicketableFiringOrResolved() {
    assertThat(AlertScreening.screen(alert("firing", labels("acme", "shop"))))
        .isEqualTo(new Ticketable("0123abcd", "acme", "shop", true));
    assertThat(AlertScreening.screen(alert("resolved", labels("acme", "shop"))))
        .isEqualTo(new Ticketable("0123abcd", "acme", "shop", false));
    // 38 characters: the longest OdooVps name (NameRules); one more cannot name one
    var longest = "v" + "1".repeat(37);
    assertThat(AlertScreening.screen(alert("firing", labels("acme", longest))))
        .isInstanceOf(Ticketable.class);
    assertThat(AlertScreening.screen(alert("firing", labels("acme", longest + "1"))))
        .isInstanceOf(Refused.class);
    // a name must start with a letter (it names a Service, a DNS-1035 label)
    assertThat(AlertScreening.screen(alert("firing", labels("acme", "1shop"))))
        .isInstanceOf(Refused.class);
  }

  @Test
  void anAlertWithoutAVpsLabelIsNotAboutAVps() {
    assertThat(AlertScreening.screen(alert("firing", labels(null, null))))
        .isInstanceOf(NotAboutAVps.class);
    // a cluster alert carries a namespace, not a VPS
    assertThat(AlertScreening.screen(alert("firing", labels("kube-system", null))))
        .isInstanceOf(NotAboutAVps.class);
    assertThat(AlertScreening.screen(alert("firing", null))).isInstanceOf(NotAboutAVps.class);
  }

  @Test
  void badLabelsAndStatusesAreRefusedNamingTheLabelAndTheRuleNeverTheValue() {
    var tooLong = "shop-" + "x".repeat(59); // 64 characters
    var cases =
        Map.of(
            alert("firing", labels(null, "shop")), AlertProblem.NAMESPACE_MISSING,
            alert("firing", labels("Acme_Corp", "shop")), AlertProblem.NAMESPACE_INVALID,
            alert("firing", labels("acme", tooLong)), AlertProblem.VPS_INVALID,
            alert("firing", labels("acme", "Shop")), AlertProblem.VPS_INVALID,
            alert("firing", labels("acme", "shop-")), AlertProblem.VPS_INVALID,
            alert("firing", labels("acme", "shop\n")), AlertProblem.VPS_INVALID,
            alert("pending", labels("acme", "shop")), AlertProblem.STATUS_UNKNOWN,
            alert(null, labels("acme", "shop")), AlertProblem.STATUS_UNKNOWN);
    cases.forEach(
        (alert, problem) -> {
          var verdict = AlertScreening.screen(alert);
          assertThat(verdict).as(alert.toString()).isInstanceOf(Refused.class);
          var refused = (Refused) verdict;
          assertThat(refused.problem()).as(alert.toString()).isEqualTo(problem);
          assertThat(refused.fingerprint()).isEqualTo("0123abcd");
          assertThat(refused.message()).doesNotContain("Acme_Corp").doesNotContain(tooLong);
        });
    var tooLongVerdict = (Refused) AlertScreening.screen(alert("firing", labels("acme", tooLong)));
    assertThat(tooLongVerdict.message())
        .startsWith("label vps (64 characters)")
        .contains("at most 38");
    assertThat(((Refused) AlertScreening.screen(alert("firing", labels(null, "shop")))).message())
        .startsWith("label namespace is missing");
  }

  @Test
  void aFingerprintThatIsNotAlertmanagersHexIsReplacedByAHashOfTheLabels() {
    var labels = labels("acme", "shop");
    var odd = new AlertmanagerPayload.Alert("firing", labels, Map.of(), null, null, "../x y");
    var none = new AlertmanagerPayload.Alert("firing", labels, Map.of(), null, null, null);
    assertThat(AlertScreening.fingerprint(odd))
        .isEqualTo(AlertScreening.fingerprint(none))
        .matches("[0-9a-f]{16}");
    var other = labels("acme", "erp");
    assertThat(AlertScreening.fingerprintOf(other)).isNotEqualTo(AlertScreening.fingerprint(none));
  }
}
