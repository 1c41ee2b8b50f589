package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.odoovps.GuestDiskStatus;
import io.odoovps.operator.testing.JobFixtures;
import io.odoovps.operator.vps.DiskGrowth.Action;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DiskGrowthTest {

  private static final long GIB = 1L << 30;
  private static final Instant GROWN = Instant.parse("2026-12-07T10:00:00Z");

  /**
   * A filled claim whose `disk.img` was made for {@code diskGib}, on a volume of {@code capGib}.
   */
  private static PersistentVolumeClaim claim(long diskGib, long capGib, Map<String, String> extra) {
    var annotations = new HashMap<String, String>();
    annotations.put(DiskClaimDesign.FILLED, "2026-12-01T00:00:00Z");
    annotations.put(DiskClaimDesign.SIZE, String.valueOf(diskGib * GIB));
    annotations.putAll(extra);
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName("acme-disk")
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity("10Gi")))
        .endResources()
        .endSpec()
        .withNewStatus()
        .withCapacity(Map.of("storage", new Quantity(capGib + "Gi")))
        .endStatus()
        .build();
  }

  private static PersistentVolumeClaim grown(long diskGib, String underUid) {
    return claim(
        diskGib,
        100,
        Map.of(
            DiskClaimDesign.GROWN,
            GROWN.toString(),
            DiskClaimDesign.GROWN_UNDER,
            underUid == null ? "" : underUid));
  }

  private static DiskFill fill(PersistentVolumeClaim claim) {
    return new DiskFill(true, Optional.of(claim), Optional.empty());
  }

  private static Job job(String condition) {
    return JobFixtures.job("acme-disk-grow", condition);
  }

  private static Supplier<Optional<DiskGrowth.Instance>> running(String uid, boolean agent) {
    return () -> Optional.of(new DiskGrowth.Instance(uid, agent));
  }

  private static final Supplier<Optional<DiskGrowth.Instance>> NONE_RUNNING = Optional::empty;

  @Test
  void cdiDisksAndDisksNotFilledYetAreNotTheGrowthsBusiness() {
    var reads = new AtomicInteger();
    Supplier<Optional<DiskGrowth.Instance>> counted =
        () -> {
          reads.incrementAndGet();
          return Optional.empty();
        };
    assertThat(DiskGrowth.next(DiskFill.BY_CDI, "40Gi", Optional.empty(), null, counted))
        .isEqualTo(Action.NONE);
    var unfilled =
        new PersistentVolumeClaimBuilder(claim(10, 10, Map.of()))
            .editMetadata()
            .withAnnotations(Map.of())
            .endMetadata()
            .build();
    assertThat(DiskGrowth.next(fill(unfilled), "40Gi", Optional.empty(), null, counted))
        .isEqualTo(Action.NONE);
    assertThat(reads).as("no instance read when nothing needs it").hasValue(0);
  }

  @Test
  void aDiskOfThePlansSizeNeverGrownNeedsNothingAndTheGuestSeesIt() {
    var disk = fill(claim(10, 10, Map.of()));
    assertThat(DiskGrowth.next(disk, "10Gi", Optional.empty(), null, NONE_RUNNING))
        .isEqualTo(Action.NONE);
    assertThat(DiskGrowth.guestSees(disk, null)).isTrue();
    assertThat(DiskGrowth.awaitingGuest(disk, "10Gi", null)).isFalse();
  }

  @Test
  void aBiggerPlanOnAVolumeThatCannotHoldItIsTooSmall() {
    var disk = fill(claim(10, 20, Map.of()));
    assertThat(DiskGrowth.next(disk, "40Gi", Optional.empty(), null, NONE_RUNNING))
        .isEqualTo(Action.TOO_SMALL);
  }

  @Test
  void aBiggerPlanOnAVolumeThatHoldsItGoesThroughItsJob() {
    var disk = fill(claim(10, 50, Map.of()));
    assertThat(DiskGrowth.next(disk, "40Gi", Optional.empty(), null, NONE_RUNNING))
        .isEqualTo(Action.GROW);
    assertThat(DiskGrowth.next(disk, "40Gi", Optional.of(job(null)), null, NONE_RUNNING))
        .isEqualTo(Action.WAIT);
    assertThat(DiskGrowth.next(disk, "40Gi", Optional.of(job("Complete")), null, NONE_RUNNING))
        .isEqualTo(Action.MARK_GROWN);
    assertThat(DiskGrowth.next(disk, "40Gi", Optional.of(job("Failed")), null, NONE_RUNNING))
        .isEqualTo(Action.FAILED);
  }

  @Test
  void theInstanceThatRanWhileTheDiskGrewIsRestartedANewOneIsAskedOnceItsAgentIsUp() {
    var disk = fill(grown(40, "uid-old"));
    assertThat(DiskGrowth.next(disk, "40Gi", Optional.empty(), null, running("uid-old", true)))
        .isEqualTo(Action.RESTART);
    assertThat(DiskGrowth.next(disk, "40Gi", Optional.empty(), null, running("uid-new", false)))
        .isEqualTo(Action.AWAIT_GUEST);
    assertThat(DiskGrowth.next(disk, "40Gi", Optional.empty(), null, running("uid-new", true)))
        .isEqualTo(Action.READ_GUEST);
    assertThat(DiskGrowth.next(disk, "40Gi", Optional.empty(), null, NONE_RUNNING))
        .isEqualTo(Action.AWAIT_GUEST);
  }

  @Test
  void aDiskGrownWhileNoInstanceRanIsReadFromTheFirstInstance() {
    var disk = fill(grown(40, null));
    assertThat(DiskGrowth.next(disk, "40Gi", Optional.empty(), null, running("uid-1", true)))
        .isEqualTo(Action.READ_GUEST);
  }

  @Test
  void withoutABaselineTheGuestSeesItsDiskWhenItsRootFileSystemReportsNinetyPercentOfIt() {
    var disk = fill(grown(40, "uid-old"));
    long enough = (long) Math.ceil(0.9 * 40 * GIB);
    var after = GROWN.plusSeconds(60).toString();
    assertThat(DiskGrowth.guestSees(disk, new GuestDiskStatus(enough, after, null))).isTrue();
    assertThat(DiskGrowth.guestSees(disk, new GuestDiskStatus(enough - 1, after, null)))
        .as("the old file system, not grown yet")
        .isFalse();
    assertThat(
            DiskGrowth.guestSees(
                disk, new GuestDiskStatus(enough, GROWN.minusSeconds(1).toString(), null)))
        .as("a reading from before the growth")
        .isFalse();
    assertThat(DiskGrowth.guestSees(disk, null)).isFalse();
    assertThat(DiskGrowth.awaitingGuest(disk, "40Gi", null)).isTrue();
    assertThat(DiskGrowth.awaitingGuest(disk, "40Gi", new GuestDiskStatus(enough, after, null)))
        .isFalse();
    assertThat(
            DiskGrowth.next(
                disk,
                "40Gi",
                Optional.empty(),
                new GuestDiskStatus(enough, after, null),
                running("uid-old", true)))
        .as("seen: nothing more, not even a restart")
        .isEqualTo(Action.NONE);
  }

  @Test
  void withTheAgentsReadingBeforeTheGrowthEvenASmallGrowthIsToldFromTheOldFileSystem() {
    // 100 GiB -> 101 GiB; the agent reported 93.6 % of the old disk (ext4's reserved blocks are
    // not in its totalBytes), so a fixed share of the new disk cannot tell the two apart
    long oldRoot = (long) (0.936 * 100 * GIB);
    var claim =
        claim(
            101,
            200,
            Map.of(
                DiskClaimDesign.GROWN,
                GROWN.toString(),
                DiskClaimDesign.GROWN_FROM,
                (100 * GIB) + "/" + oldRoot));
    var disk = fill(claim);
    var after = GROWN.plusSeconds(60).toString();
    assertThat(DiskGrowth.guestSees(disk, new GuestDiskStatus(oldRoot, after, null)))
        .as("the old file system, read again after the restart")
        .isFalse();
    long grown = (long) (0.936 * 101 * GIB);
    assertThat(DiskGrowth.guestSees(disk, new GuestDiskStatus(grown, after, null))).isTrue();
    assertThat(DiskGrowth.expectedRootBytes(claim))
        .isGreaterThan(oldRoot)
        .isLessThanOrEqualTo(grown);
    // the node's figures: 10 GiB -> 14 GiB, the agent's 14,062,505,984 after
    var node =
        claim(
            14,
            100,
            Map.of(
                DiskClaimDesign.GROWN,
                GROWN.toString(),
                DiskClaimDesign.GROWN_FROM,
                (10 * GIB) + "/" + (long) (0.936 * 10 * GIB)));
    assertThat(DiskGrowth.guestSees(fill(node), new GuestDiskStatus(14_062_505_984L, after, null)))
        .isTrue();
  }

  @Test
  void aBaselineThatIsNotOneIsIgnored() {
    var claim =
        claim(
            40,
            100,
            Map.of(DiskClaimDesign.GROWN, GROWN.toString(), DiskClaimDesign.GROWN_FROM, "10/0"));
    assertThat(DiskGrowth.expectedRootBytes(claim)).isEqualTo((long) Math.ceil(0.9 * 40 * GIB));
    claim.getMetadata().getAnnotations().put(DiskClaimDesign.GROWN_FROM, "garbage");
    assertThat(DiskGrowth.expectedRootBytes(claim)).isEqualTo((long) Math.ceil(0.9 * 40 * GIB));
  }

  @Test
  void aProblemKeepsTheLastReadingAndIsClearedWithoutLosingIt() {
    var reading = DiskGrowth.seen(123L, GROWN);
    var problem = DiskGrowth.problem(reading, "too small");
    assertThat(problem).isEqualTo(new GuestDiskStatus(123L, GROWN.toString(), "too small"));
    assertThat(DiskGrowth.cleared(problem)).isEqualTo(reading);
    assertThat(DiskGrowth.problem(null, "x")).isEqualTo(new GuestDiskStatus(null, null, "x"));
    assertThat(DiskGrowth.cleared(null)).isNull();
  }
}
