package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.DdosStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.SmtpStatus;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketSpec;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How port-25 and DDoS mitigation state become network rules, and when a state is created. */
class NetworkMitigationTest {

  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

  private static MitigationState state(SmtpStatus smtp, DdosStatus ddos) {
    var state = new MitigationState();
    state.setStatus(new MitigationStateStatus(ddos, smtp, List.of(), 1L));
    return state;
  }

  private static SmtpStatus smtp(Boolean blocked, String until) {
    return new SmtpStatus(blocked, 1, null, until, null, null, null, null, null, null);
  }

  private static DdosStatus ddos(Boolean active, Integer level) {
    return new DdosStatus(active, level, null, null, null, null, null, null);
  }

  @ParameterizedTest(name = "smtp blocked={0} until={1}, ddos active={2} level={3}")
  @CsvSource(
      nullValues = "-",
      value = {
        // smtp blocked, blocked until, ddos active, ddos level, -> smtp blocked, ddos level
        "-,     -,                    -,     -, false, 0",
        "true,  2026-03-11T00:00:00Z, -,     -, true,  0",
        "true,  2026-03-10T12:00:00Z, -,     -, false, 0",
        "true,  2026-03-09T00:00:00Z, -,     -, false, 0",
        "true,  -,                    -,     -, false, 0",
        "false, 2026-03-11T00:00:00Z, -,     -, false, 0",
        "-,     -,                    true,  2, false, 2",
        "-,     -,                    true,  -, false, 0",
        "-,     -,                    false, 3, false, 0",
        "true,  2026-03-11T00:00:00Z, true,  3, true,  3",
      })
  void signals(
      Boolean blocked,
      String until,
      Boolean active,
      Integer level,
      boolean smtpBlocked,
      int ddosLevel) {
    var state =
        state(
            blocked == null && until == null ? null : smtp(blocked, until),
            active == null && level == null ? null : ddos(active, level));
    assertThat(NetworkMitigation.of(Optional.of(state), NOW))
        .isEqualTo(new NetworkMitigation(smtpBlocked, ddosLevel));
  }

  @Test
  void noStateNoMitigation() {
    assertThat(NetworkMitigation.of(Optional.empty(), NOW)).isEqualTo(NetworkMitigation.NONE);
    var noStatus = new MitigationState();
    assertThat(NetworkMitigation.of(Optional.of(noStatus), NOW)).isEqualTo(NetworkMitigation.NONE);
  }

  @Test
  void theRulesDenySmtpWhileBlockedAndCarryTheLevel() {
    var policy = FilterPolicy.of(TestConfig.defaults());
    var vps = VpsFixtures.vps("shop", "alpha");
    var open = policy.rules(vps, NetworkMitigation.NONE);
    var blocked = policy.rules(vps, new NetworkMitigation(true, 2));
    assertThat(open.deniedTcpEgress()).noneMatch(r -> r.from() <= 25 && r.to() >= 25);
    assertThat(blocked.smtpBlocked()).isTrue();
    assertThat(blocked.deniedTcpEgress()).anyMatch(r -> r.from() <= 25 && r.to() >= 25);
    assertThat(blocked.mitigationLevel()).isEqualTo(2);
    assertThat(blocked.podSelector()).isEqualTo(NetworkDesign.podSelector(vps));
  }

  @Test
  void theScrubbingAnnotationsOnlyWhileMitigationRuns() {
    var policy =
        FilterPolicy.of(
            TestConfig.with(Map.of("odoovps.traffic.mitigation.service-annotations.scrub", "on")));
    assertThat(policy.serviceAnnotations(NetworkMitigation.NONE)).isEmpty();
    assertThat(policy.serviceAnnotations(new NetworkMitigation(true, 0))).isEmpty();
    assertThat(policy.serviceAnnotations(new NetworkMitigation(false, 1)))
        .containsEntry("scrub", "on");
  }

  private static SupportTicket ticket(String alert, SupportTicketStatus.Phase phase) {
    var ticket = new SupportTicket();
    ticket.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("shop").build());
    var spec = new SupportTicketSpec();
    spec.setVps("alpha");
    if (alert != null) {
      spec.setAlert(new SupportTicketSpec.Alert(alert, "f", "network", "critical", null, null));
    }
    ticket.setSpec(spec);
    ticket.setStatus(
        phase == null
            ? null
            : new SupportTicketStatus(
                1L, phase, null, null, null, null, null, null, null, null, null, null));
    return ticket;
  }

  @ParameterizedTest(name = "state present={0}, alert={1}, phase={2}")
  @CsvSource(
      nullValues = "-",
      value = {
        // state present, ticket alert, ticket phase, -> alert that calls for a state
        "false, OdooVpsSpamSuspected, Open,     OdooVpsSpamSuspected",
        "false, OdooVpsDDoSAttack,    Open,     OdooVpsDDoSAttack",
        "true,  OdooVpsSpamSuspected, Open,     -",
        "false, OdooVpsSpamSuspected, Resolved, -",
        "false, OdooVpsSpamSuspected, -,        -",
        "false, OdooVpsCpuHigh,       Open,     -",
        "false, -,                    Open,     -",
      })
  void aMitigationStateIsCalledFor(
      boolean present, String alert, SupportTicketStatus.Phase phase, String expected) {
    var abuse = Set.of("OdooVpsSpamSuspected", "OdooVpsDDoSAttack");
    assertThat(NetworkMitigation.alertWithoutState(present, List.of(ticket(alert, phase)), abuse))
        .isEqualTo(Optional.ofNullable(expected));
  }
}
