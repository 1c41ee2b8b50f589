package io.odoovps.operator.naming;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KubeNamesTest {

  @Test
  void aShortNameIsKeptAsItIs() {
    assertThat(KubeNames.bounded("backup-daily-shop", 52)).isEqualTo("backup-daily-shop");
    assertThat(KubeNames.bounded("x".repeat(52), 52)).isEqualTo("x".repeat(52));
  }

  @Test
  void aLongNameIsCutAndSuffixedWithAHashOfTheWhole() {
    var a = KubeNames.bounded("backup-" + "p".repeat(40) + "-shop-a", 52);
    var b = KubeNames.bounded("backup-" + "p".repeat(40) + "-shop-b", 52);

    assertThat(a).hasSize(52).startsWith("backup-ppp").matches(".*-[0-9a-f]{8}$");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void theCutNeverLeavesADotOrADashBeforeTheHash() {
    // a DNS-1123 subdomain whose 43-character prefix (for a bound of 52) ends with a dot
    var dotted = "x".repeat(42) + "." + "y".repeat(20);
    var dashed = "x".repeat(42) + "-" + "y".repeat(20);

    assertThat(KubeNames.bounded(dotted, 52)).matches("^x{42}-[0-9a-f]{8}$");
    assertThat(KubeNames.bounded(dashed, 52)).matches("^x{42}-[0-9a-f]{8}$");
  }
}
