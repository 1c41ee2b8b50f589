package io.odoovps.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Deny-lists written as the complement NetworkPolicy can express, and bad lists refused. */
class PortRangeTest {

  @Test
  void listsAreParsedSortedAndMerged() {
    assertThat(PortRange.parseList(List.of("6697, 6660-6669", "23", "6670")))
        .containsExactly(PortRange.of(23), new PortRange(6660, 6670), PortRange.of(6697));
  }

  @Test
  void theComplementCoversEveryOtherPortAndNothingDenied() {
    var allowed = PortRange.complement(List.of(PortRange.of(25), new PortRange(1, 22)));
    assertThat(allowed).containsExactly(new PortRange(23, 24), new PortRange(26, 65535));
    assertThat(PortRange.complement(List.of())).containsExactly(new PortRange(1, 65535));
    assertThat(PortRange.complement(List.of(new PortRange(1, 65535)))).isEmpty();
  }

  @Test
  void smtpIsDeniedOutboundOnlyWhileBlocked() {
    var open = rules(false);
    assertThat(PortRange.complement(open.deniedTcpEgress()))
        .anyMatch(r -> r.from() <= 25 && 25 <= r.to());
    assertThat(PortRange.complement(rules(true).deniedTcpEgress()))
        .noneMatch(r -> r.from() <= 25 && 25 <= r.to());
  }

  @Test
  void badListsAreRefusedNamingTheEntry() {
    assertThatThrownBy(() -> PortRange.parseList(List.of("25,smtp")))
        .hasMessageContaining("'smtp'");
    assertThatThrownBy(() -> PortRange.parseList(List.of("70000")))
        .hasMessageContaining("ports are 1 to 65535");
    assertThatThrownBy(() -> PortRange.parseList(List.of("30-20")))
        .hasMessageContaining("first <= last");
  }

  private static FilterRules rules(boolean smtpBlocked) {
    return new FilterRules(
        java.util.Map.of(),
        List.of(),
        List.of(PortRange.of(23)),
        List.of(),
        List.of(),
        smtpBlocked,
        25,
        0,
        List.of(22),
        List.of(),
        List.of(),
        null);
  }
}
