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
  void theCursorGoesOnAfterTheLastAddressAcrossEntriesAndRoundToTheStart() {
    var pool = pool("192.0.2.0/30", "198.51.100.10-198.51.100.11");
    var none = (java.util.function.Predicate<String>) a -> false;
    assertThat(pool.nextFree(null, none)).contains("192.0.2.1");
    assertThat(pool.nextFree("192.0.2.1", none)).contains("192.0.2.2");
    assertThat(pool.nextFree("192.0.2.2", none))
        .as("into the next entry")
        .contains("198.51.100.10");
    assertThat(pool.nextFree("198.51.100.11", none))
        .as("round to the start: an address released meanwhile is found again")
        .contains("192.0.2.1");
    assertThat(pool.nextFree("203.0.113.9", none))
        .as("a cursor not in the pool")
        .contains("192.0.2.1");
    var taken = new HashSet<>(Set.of("192.0.2.1", "198.51.100.10", "198.51.100.11"));
    assertThat(pool.nextFree("198.51.100.10", taken::contains))
        .as("past the taken ones, round, up to the cursor")
        .contains("192.0.2.2");
    taken.add("192.0.2.2");
    assertThat(pool.nextFree("192.0.2.2", taken::contains)).as("every address taken").isEmpty();
    assertThat(pool.nextFree(null, taken::contains)).isEmpty();
  }

  @Test
  void aCursorInsideTheOnlyEntryLooksAtEveryOtherAddressOnce() {
    var pool = pool("10.1.0.1-10.1.0.4");
    var seen = new java.util.ArrayList<String>();
    assertThat(
            pool.nextFree(
                "10.1.0.2",
                a -> {
                  seen.add(a);
                  return true;
                }))
        .isEmpty();
    assertThat(seen).containsExactly("10.1.0.3", "10.1.0.4", "10.1.0.1", "10.1.0.2");
  }

  @Test
  void aCidrBlockHandsOutItsHostsButNotItsNetworkOrBroadcastAddress() {
    var pool = pool("192.0.2.0/28");

    assertThat(pool.size()).isEqualTo(14);
    assertThat(pool.contains("192.0.2.0")).as("network address").isFalse();
    assertThat(pool.contains("192.0.2.1")).isTrue();
    assertThat(pool.contains("192.0.2.7")).isTrue();
    assertThat(pool.contains("192.0.2.14")).isTrue();
    assertThat(pool.contains("192.0.2.15")).as("broadcast address").isFalse();
    assertThat(pool.contains("192.0.2.16")).isFalse();
    assertThat(pool.contains("192.0.1.255")).isFalse();
  }

  @Test
  void theFirstAddressOfASlash24IsDotOne() {
    var pool = pool("192.0.2.0/24");

    assertThat(pool.firstFree(Set.of())).contains("192.0.2.1");
    assertThat(pool.whyNot("192.0.2.0"))
        .contains("192.0.2.0 is the network address of 192.0.2.0/24");
    assertThat(pool.whyNot("192.0.2.255"))
        .contains("192.0.2.255 is the broadcast address of 192.0.2.0/24");
    assertThat(pool.whyNot("192.0.2.1")).isEmpty();
  }

  @Test
  void aCidrBlockWithHostBitsCoversItsWholeAlignedBlock() {
    var pool = pool("192.0.2.5/28");

    assertThat(pool.size()).isEqualTo(14);
    assertThat(pool.contains("192.0.2.1")).isTrue();
    assertThat(pool.contains("192.0.2.14")).isTrue();
    assertThat(pool.contains("192.0.2.16")).isFalse();
    assertThat(pool.firstFree(Set.of())).contains("192.0.2.1");
  }

  @Test
  void aSlash30HandsOutItsTwoHosts() {
    var pool = pool("192.0.2.8/30");

    assertThat(pool.size()).isEqualTo(2);
    var taken = new HashSet<String>();
    pool.firstFree(taken).ifPresent(taken::add);
    pool.firstFree(taken).ifPresent(taken::add);
    assertThat(taken).containsExactlyInAnyOrder("192.0.2.9", "192.0.2.10");
    assertThat(pool.firstFree(taken)).isEmpty();
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
  void aSlash31IsTwoAddressesAPointToPointLinkHasNoNetworkOrBroadcastAddress() {
    var pool = pool("198.51.100.6/31");

    assertThat(pool.size()).isEqualTo(2);
    assertThat(pool.firstFree(Set.of())).contains("198.51.100.6");
    assertThat(pool.firstFree(Set.of("198.51.100.6"))).contains("198.51.100.7");
  }

  @Test
  void aSlash24CrossesNoOctetBoundary() {
    var pool = pool("203.0.113.0/24");

    assertThat(pool.size()).isEqualTo(254);
    assertThat(pool.contains("203.0.113.254")).isTrue();
    assertThat(pool.contains("203.0.113.255")).isFalse();
    assertThat(pool.contains("203.0.114.0")).isFalse();
  }

  @Test
  void aSlash0IsTheWholeAddressSpaceButItsFirstAndLastAddresses() {
    var pool = pool("0.0.0.0/0");

    assertThat(pool.size()).isEqualTo((1L << 32) - 2);
    assertThat(pool.contains("0.0.0.0")).isFalse();
    assertThat(pool.contains("0.0.0.1")).isTrue();
    assertThat(pool.contains("255.255.255.254")).isTrue();
    assertThat(pool.contains("255.255.255.255")).isFalse();
    assertThat(pool.firstFree(Set.of())).contains("0.0.0.1");
  }

  @Test
  void theTopBlockOfTheAddressSpaceIsHandledWithoutOverflow() {
    var pool = pool("255.255.255.252/30");

    assertThat(pool.size()).isEqualTo(2);
    assertThat(pool.contains("255.255.255.254")).isTrue();
    assertThat(pool.contains("255.255.255.255")).isFalse();
    assertThat(pool.firstFree(Set.of("255.255.255.253"))).contains("255.255.255.254");
    assertThat(pool("255.255.255.255/32").firstFree(Set.of())).contains("255.255.255.255");
    assertThat(pool("255.255.255.254-255.255.255.255").size()).isEqualTo(2);
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

    assertThat(pool.size()).isEqualTo(3);
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

    assertThat(pool.size()).isEqualTo(6 + 5 + 1);
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
    assertThat(pool("192.0.2.0/29").firstFree(Set.of())).contains("192.0.2.1");
    assertThat(pool("192.0.2.0-192.0.2.7").firstFree(Set.of())).contains("192.0.2.0");
  }

  @Test
  void theFirstFreeAddressSkipsTakenOnesInOrder() {
    var pool = pool("192.0.2.0/29");

    assertThat(pool.firstFree(Set.of("192.0.2.1"))).contains("192.0.2.2");
    assertThat(pool.firstFree(Set.of("192.0.2.1", "192.0.2.2"))).contains("192.0.2.3");
    assertThat(pool.firstFree(Set.of("192.0.2.2"))).contains("192.0.2.1");
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
    var pool = pool("192.0.2.0/29", "198.51.100.10-198.51.100.11");
    var taken = new HashSet<String>();

    for (int i = 0; i < pool.size(); i++) {
      var next = pool.firstFree(taken);
      assertThat(next).isPresent();
      assertThat(taken.add(next.get())).as("%s handed out twice", next.get()).isTrue();
    }

    assertThat(taken)
        .containsExactlyInAnyOrder(
            "192.0.2.1",
            "192.0.2.2",
            "192.0.2.3",
            "192.0.2.4",
            "192.0.2.5",
            "192.0.2.6",
            "198.51.100.10",
            "198.51.100.11");
    assertThat(pool.firstFree(taken)).isEmpty();
  }

  @Test
  void aReleasedAddressIsTheFirstFreeAgain() {
    var pool = pool("192.0.2.0-192.0.2.3");

    assertThat(pool.firstFree(Set.of("192.0.2.0", "192.0.2.2", "192.0.2.3"))).contains("192.0.2.1");
  }

  // --- exclusions (the gateway, the provider's own addresses) ---

  private static IPv4Pool pool(List<String> entries, String... exclusions) {
    return IPv4Pool.parse(entries, List.of(exclusions));
  }

  @Test
  void anExcludedGatewayIsNeverHandedOutAndTheFirstVpsGetsTheNextAddress() {
    var pool = pool(List.of("192.0.2.0/24"), "192.0.2.1");

    assertThat(pool.firstFree(Set.of())).contains("192.0.2.2");
    assertThat(pool.size()).isEqualTo(253);
    assertThat(pool.contains("192.0.2.1")).isFalse();
    assertThat(pool.whyNot("192.0.2.1")).contains("192.0.2.1 is excluded (exclusion 192.0.2.1)");
  }

  @Test
  void everyKindOfExclusionCutsItsAddressesOutOfEveryKindOfEntry() {
    var pool =
        pool(
            List.of("192.0.2.0/29", "198.51.100.10-198.51.100.20", "203.0.113.9"),
            "192.0.2.1-192.0.2.2",
            "198.51.100.12/30",
            "203.0.113.9");

    var handedOut = new HashSet<String>();
    for (var next = pool.firstFree(handedOut); next.isPresent(); next = pool.firstFree(handedOut)) {
      handedOut.add(next.get());
    }
    assertThat(handedOut)
        .containsExactlyInAnyOrder(
            "192.0.2.3",
            "192.0.2.4",
            "192.0.2.5",
            "192.0.2.6",
            "198.51.100.10",
            "198.51.100.11",
            "198.51.100.16",
            "198.51.100.17",
            "198.51.100.18",
            "198.51.100.19",
            "198.51.100.20");
    assertThat(pool.size()).isEqualTo(handedOut.size());
    assertThat(pool.whyNot("198.51.100.12"))
        .contains("198.51.100.12 is excluded (exclusion 198.51.100.12/30)");
  }

  @Test
  void aRangeKeepsEveryAddressItNamesButTheExcludedOnes() {
    var pool = pool(List.of("192.0.2.0-192.0.2.255"), "192.0.2.1");

    assertThat(pool.contains("192.0.2.0")).isTrue();
    assertThat(pool.contains("192.0.2.255")).isTrue();
    assertThat(pool.firstFree(Set.of())).contains("192.0.2.0");
    assertThat(pool.firstFree(Set.of("192.0.2.0"))).contains("192.0.2.2");
    assertThat(pool.size()).isEqualTo(255);
  }

  @Test
  void anExclusionOutsideThePoolChangesNothing() {
    var pool = pool(List.of("192.0.2.0/29"), "10.0.0.1", "198.51.100.0/24");

    assertThat(pool.size()).isEqualTo(6);
    assertThat(pool.firstFree(Set.of())).contains("192.0.2.1");
  }

  @Test
  void excludingAWholeEntryLeavesTheOthersInOrder() {
    var pool = pool(List.of("203.0.113.9", "192.0.2.0/30"), "203.0.113.0/24");

    assertThat(pool.firstFree(Set.of())).contains("192.0.2.1");
    assertThat(pool.size()).isEqualTo(2);
  }

  @Test
  void anAddressInTwoEntriesIsHandedOutUnlessExcluded() {
    var pool = pool(List.of("192.0.2.0/24", "192.0.2.0"));

    assertThat(pool.contains("192.0.2.0")).as("named by the single entry").isTrue();
    assertThat(pool.whyNot("192.0.2.0")).isEmpty();
    assertThat(pool(List.of("192.0.2.0/24", "192.0.2.0"), "192.0.2.0").contains("192.0.2.0"))
        .isFalse();
  }

  @Test
  void anAddressInNoEntryIsSaidToBe() {
    assertThat(pool("192.0.2.0/24").whyNot("198.51.100.7"))
        .contains("198.51.100.7 is in no entry of the pool");
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.256", "gateway", "192.0.2.9-192.0.2.1", "192.0.2.0/40"})
  void aMalformedExclusionRejectsThePoolNamingIt(String exclusion) {
    assertThatThrownBy(() -> pool(List.of("192.0.2.0/24"), exclusion))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed IPv4 exclusion '" + exclusion + "'");
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
