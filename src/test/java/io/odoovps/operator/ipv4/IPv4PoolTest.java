package io.odoovps.operator.ipv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IPv4PoolTest {

  private static IPv4Pool pool(String... entries) {
    return IPv4Pool.parse(List.of(entries));
  }

  // --- CIDR blocks ---

  @Test
  void aCidrBlockHoldsEveryAddressOfTheBlock() {
    var pool = pool("192.0.2.0/28");

    assertThat(pool.size()).isEqualTo(16);
    assertThat(pool.contains("192.0.2.0")).isTrue();
    assertThat(pool.contains("192.0.2.7")).isTrue();
    assertThat(pool.contains("192.0.2.15")).isTrue();
    assertThat(pool.contains("192.0.2.16")).isFalse();
    assertThat(pool.contains("192.0.1.255")).isFalse();
  }

  @Test
  void aCidrBlockWithHostBitsCoversItsWholeAlignedBlock() {
    var pool = pool("192.0.2.5/28");

    assertThat(pool.size()).isEqualTo(16);
    assertThat(pool.contains("192.0.2.0")).isTrue();
    assertThat(pool.contains("192.0.2.15")).isTrue();
    assertThat(pool.contains("192.0.2.16")).isFalse();
    assertThat(pool.firstFree(Set.of())).contains("192.0.2.0");
  }

  @Test
  void aSlash32IsOneAddress() {
    var pool = pool("198.51.100.7/32");

    assertThat(pool.size()).isEqualTo(1);
    assertThat(pool.contains("198.51.100.7")).isTrue();
    assertThat(pool.contains("198.51.100.6")).isFalse();
    assertThat(pool.contains("198.51.100.8")).isFalse();
  }

  @Test
  void aSlash31IsTwoAddresses() {
    var pool = pool("198.51.100.6/31");

    assertThat(pool.size()).isEqualTo(2);
    assertThat(pool.firstFree(Set.of("198.51.100.6"))).contains("198.51.100.7");
  }

  @Test
  void aSlash24CrossesNoOctetBoundary() {
    var pool = pool("203.0.113.0/24");

    assertThat(pool.size()).isEqualTo(256);
    assertThat(pool.contains("203.0.113.255")).isTrue();
    assertThat(pool.contains("203.0.114.0")).isFalse();
  }

  @Test
  void aSlash0IsTheWholeAddressSpace() {
    var pool = pool("0.0.0.0/0");

    assertThat(pool.size()).isEqualTo(1L << 32);
    assertThat(pool.contains("0.0.0.0")).isTrue();
    assertThat(pool.contains("255.255.255.255")).isTrue();
    assertThat(pool.firstFree(Set.of())).contains("0.0.0.0");
  }

  @Test
  void theTopBlockOfTheAddressSpaceIsHandledWithoutOverflow() {
    var pool = pool("255.255.255.252/30");

    assertThat(pool.size()).isEqualTo(4);
    assertThat(pool.contains("255.255.255.255")).isTrue();
    assertThat(pool.firstFree(Set.of("255.255.255.252", "255.255.255.253", "255.255.255.254")))
        .contains("255.255.255.255");
  }

  // --- ranges ---

  @Test
  void aRangeIncludesBothEnds() {
    var pool = pool("192.0.2.10-192.0.2.20");

    assertThat(pool.size()).isEqualTo(11);
    assertThat(pool.contains("192.0.2.10")).isTrue();
    assertThat(pool.contains("192.0.2.20")).isTrue();
    assertThat(pool.contains("192.0.2.9")).isFalse();
    assertThat(pool.contains("192.0.2.21")).isFalse();
  }

  @Test
  void aRangeMayHaveSpacesAroundTheDash() {
    var pool = pool("192.0.2.10 - 192.0.2.12");

    assertThat(pool.size()).isEqualTo(3);
    assertThat(pool.contains("192.0.2.11")).isTrue();
  }

  @Test
  void aRangeOfOneAddressHoldsThatAddress() {
    var pool = pool("192.0.2.10-192.0.2.10");

    assertThat(pool.size()).isEqualTo(1);
    assertThat(pool.firstFree(Set.of())).contains("192.0.2.10");
  }

  @Test
  void aRangeMayCrossAnOctetBoundary() {
    var pool = pool("192.0.2.254-192.0.3.1");

    assertThat(pool.size()).isEqualTo(4);
    assertThat(pool.firstFree(Set.of("192.0.2.254", "192.0.2.255"))).contains("192.0.3.0");
  }

  // --- single addresses, blanks, order ---

  @Test
  void aSingleAddressIsOneAddress() {
    var pool = pool("198.51.100.7");

    assertThat(pool.size()).isEqualTo(1);
    assertThat(pool.contains("198.51.100.7")).isTrue();
    assertThat(pool.contains("198.51.100.8")).isFalse();
  }

  @Test
  void entriesAreTrimmedAndBlankOnesSkipped() {
    var pool = pool("  198.51.100.7  ", "", "   ", "\t192.0.2.0/30\n");

    assertThat(pool.size()).isEqualTo(5);
    assertThat(pool.firstFree(Set.of())).contains("198.51.100.7");
  }

  @Test
  void anEmptyPoolHasNoAddress() {
    var pool = IPv4Pool.parse(List.of());

    assertThat(pool.size()).isZero();
    assertThat(pool.contains("192.0.2.1")).isFalse();
    assertThat(pool.firstFree(Set.of())).isEmpty();
  }

  @Test
  void theSizeIsTheSumOfEveryEntry() {
    var pool = pool("192.0.2.0/29", "198.51.100.10-198.51.100.14", "203.0.113.9");

    assertThat(pool.size()).isEqualTo(8 + 5 + 1);
  }

  @Test
  void everyKindOfEntryIsContained() {
    var pool = pool("192.0.2.0/29", "198.51.100.10-198.51.100.14", "203.0.113.9");

    assertThat(pool.contains("192.0.2.3")).isTrue();
    assertThat(pool.contains("198.51.100.12")).isTrue();
    assertThat(pool.contains("203.0.113.9")).isTrue();
    assertThat(pool.contains("203.0.113.10")).isFalse();
    assertThat(pool.contains("198.51.100.15")).isFalse();
  }

  // --- firstFree ---

  @Test
  void theFirstFreeAddressIsTheFirstOfThePoolWhenNothingIsTaken() {
    assertThat(pool("192.0.2.0/30").firstFree(Set.of())).contains("192.0.2.0");
  }

  @Test
  void theFirstFreeAddressSkipsTakenOnesInOrder() {
    var pool = pool("192.0.2.0/30");

    assertThat(pool.firstFree(Set.of("192.0.2.0"))).contains("192.0.2.1");
    assertThat(pool.firstFree(Set.of("192.0.2.0", "192.0.2.1"))).contains("192.0.2.2");
    assertThat(pool.firstFree(Set.of("192.0.2.1"))).contains("192.0.2.0");
  }

  @Test
  void theFirstFreeAddressFollowsTheOrderOfTheEntriesNotNumericOrder() {
    var pool = pool("203.0.113.9", "198.51.100.10-198.51.100.11", "192.0.2.0/31");

    assertThat(pool.firstFree(Set.of())).contains("203.0.113.9");
    assertThat(pool.firstFree(Set.of("203.0.113.9"))).contains("198.51.100.10");
    assertThat(pool.firstFree(Set.of("203.0.113.9", "198.51.100.10", "198.51.100.11")))
        .contains("192.0.2.0");
  }

  @Test
  void takenAddressesOutsideThePoolDoNotMatter() {
    var pool = pool("192.0.2.0/31");

    assertThat(pool.firstFree(Set.of("10.0.0.1", "192.0.2.2"))).contains("192.0.2.0");
  }

  @Test
  void aPoolWhoseAddressesAreAllTakenHasNoFreeAddress() {
    var pool = pool("192.0.2.0/31", "198.51.100.7");

    assertThat(pool.firstFree(Set.of("192.0.2.0", "192.0.2.1", "198.51.100.7"))).isEmpty();
  }

  @Test
  void allocatingOneByOneHandsOutEveryAddressOnceThenRunsOut() {
    var pool = pool("192.0.2.0/30", "198.51.100.10-198.51.100.11");
    var taken = new HashSet<String>();

    for (int i = 0; i < pool.size(); i++) {
      var next = pool.firstFree(taken);
      assertThat(next).isPresent();
      assertThat(taken.add(next.get())).as("%s handed out twice", next.get()).isTrue();
    }

    assertThat(taken)
        .containsExactlyInAnyOrder(
            "192.0.2.0", "192.0.2.1", "192.0.2.2", "192.0.2.3", "198.51.100.10", "198.51.100.11");
    assertThat(pool.firstFree(taken)).isEmpty();
  }

  @Test
  void aReleasedAddressIsTheFirstFreeAgain() {
    var pool = pool("192.0.2.0/30");

    assertThat(pool.firstFree(Set.of("192.0.2.0", "192.0.2.2", "192.0.2.3"))).contains("192.0.2.1");
  }

  // --- contains with bad input ---

  @ParameterizedTest
  @ValueSource(strings = {"", "not-an-ip", "192.0.2", "192.0.2.1.5", "192.0.2.256", "192.0.2.1/32"})
  void containsSaysNoToTextThatIsNotAnAddress(String text) {
    var pool = pool("192.0.2.0/24");

    assertThat(pool.contains(text)).isFalse();
  }

  // --- malformed entries ---

  @ParameterizedTest
  @ValueSource(
      strings = {"192.0.2.256", "192.0.2", "192.0.2.1.5", "notanip", "300.0.0.0/24", "1.2.3.x"})
  void aMalformedAddressIsRejectedNamingIt(String entry) {
    assertThatThrownBy(() -> pool("192.0.2.0/30", entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(entry.split("/")[0]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.0/33", "192.0.2.0/-1", "192.0.2.0/64"})
  void aPrefixOutsideZeroToThirtyTwoIsRejectedNamingTheEntry(String entry) {
    assertThatThrownBy(() -> pool(entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad IPv4 prefix")
        .hasMessageContaining(entry);
  }

  @Test
  void aRangeThatEndsBeforeItStartsIsRejectedNamingIt() {
    assertThatThrownBy(() -> pool("192.0.2.20-192.0.2.10"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ends before it starts")
        .hasMessageContaining("192.0.2.20-192.0.2.10");
  }

  @Test
  void aRangeWithABadEndIsRejectedNamingTheBadAddress() {
    assertThatThrownBy(() -> pool("192.0.2.10-192.0.2.300"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("192.0.2.300");
  }

  @Test
  void aRangeWithoutAnEndIsRejected() {
    assertThatThrownBy(() -> pool("192.0.2.10-"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an IPv4 address");
  }

  @Test
  void oneMalformedEntryRejectsTheWholePool() {
    assertThatThrownBy(() -> pool("192.0.2.0/30", "198.51.100.7", "bogus"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bogus");
  }

  /**
   * parse() promises an IllegalArgumentException naming the malformed entry; the message is what
   * the operator shows as the location's pool error.
   */
  @Test
  void aNonNumericPrefixIsRejectedNamingTheEntry() {
    assertThatThrownBy(() -> pool("192.0.2.0/abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("192.0.2.0/abc");
  }

  // --- text conversion ---

  @Test
  void addressesConvertToNumbersAndBack() {
    assertThat(IPv4Pool.toLong("0.0.0.0")).isZero();
    assertThat(IPv4Pool.toLong("255.255.255.255")).isEqualTo(0xFFFFFFFFL);
    assertThat(IPv4Pool.toLong("192.0.2.1")).isEqualTo(0xC0000201L);
    assertThat(IPv4Pool.toText(0xC0000201L)).isEqualTo("192.0.2.1");
    assertThat(IPv4Pool.toText(0xFFFFFFFFL)).isEqualTo("255.255.255.255");
    assertThat(IPv4Pool.toText(IPv4Pool.toLong("10.20.30.40"))).isEqualTo("10.20.30.40");
  }
}
