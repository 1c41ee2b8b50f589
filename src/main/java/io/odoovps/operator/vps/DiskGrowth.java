package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.odoovps.operator.api.v1alpha1.odoovps.GuestDiskStatus;
import io.odoovps.operator.contract.Timestamps;
import java.time.Instant;
import java.util.Optional;

/**
 * A bigger plan's disk, when the operator makes the disk (no CDI): `disk.img` is grown on its claim
 * by a Job ({@link DiskClaimDesign#growJob}), the VM's instance restarts so that QEMU opens the
 * bigger file (the instance that ran while it grew is recorded on the claim: uids, not clocks, say
 * whether the running one started before), the guest's cloud-init grows its partition and file
 * system at that boot, and the plan's disk counts as applied once the guest agent reports a root
 * file system of that size. The decisions, pure.
 */
final class DiskGrowth {

  /**
   * What share of the disk's growth the guest's root file system must show, when the guest agent
   * was read before the growth: the reading after must exceed that baseline by this share of the
   * growth, scaled by the baseline's own ratio to the old disk (partition table, ext4's metadata,
   * and the 5 % of blocks ext4 reserves for root, which the agent's {@code totalBytes} leaves out:
   * 14,062,505,984 bytes on a 14 GiB disk, 0.936, seen on the node).
   */
  static final double GROWTH_SHARE = 0.9;

  /**
   * Without a baseline (no agent answered before the growth): the share of the new disk the root
   * file system must report (0.936 seen, see {@link #GROWTH_SHARE}).
   */
  static final double SEEN_SHARE = 0.9;

  /** How soon a pass asks the guest again while it does not report its grown disk yet. */
  static final java.time.Duration RECHECK = java.time.Duration.ofSeconds(30);

  enum Action {
    /** Nothing to grow (CDI makes the disk, it is not filled yet, or it has the plan's size). */
    NONE,
    /** The claim's volume holds less than the plan's disk: it must be expanded first. */
    TOO_SMALL,
    /** Create the growth Job. */
    GROW,
    /** The growth Job runs. */
    WAIT,
    /** The growth Job succeeded: record the new size on the claim. */
    MARK_GROWN,
    /** The growth Job failed; it is retried when deleted. */
    FAILED,
    /** The VM's instance started before the growth: restart it so that QEMU opens the new size. */
    RESTART,
    /** Ask the guest agent what the guest sees. */
    READ_GUEST,
    /** The disk grew; the guest has not said it sees it (no instance, or no agent yet). */
    AWAIT_GUEST
  }

  /** What the VM's running instance tells, when one runs (read only when a decision needs it). */
  record Instance(String uid, boolean agentConnected) {}

  private DiskGrowth() {}

  static Action next(
      DiskFill disk,
      String planDisk,
      Optional<Job> growJob,
      GuestDiskStatus seen,
      java.util.function.Supplier<Optional<Instance>> instance) {
    if (!disk.byOperator() || disk.pending() || disk.claim().isEmpty()) {
      return Action.NONE;
    }
    var claim = disk.claim().get();
    long plan = DiskClaimDesign.bytes(planDisk);
    if (DiskClaimDesign.diskBytes(claim) < plan) {
      if (DiskClaimDesign.capacityBytes(claim) < plan) {
        return Action.TOO_SMALL;
      }
      return switch (growJob.map(GuestCommands::state).orElse(GuestCommands.JobState.ABSENT)) {
        case ABSENT -> Action.GROW;
        case RUNNING -> Action.WAIT;
        case SUCCEEDED -> Action.MARK_GROWN;
        case FAILED -> Action.FAILED;
      };
    }
    var grownAt = DiskClaimDesign.grownAt(claim);
    if (grownAt.isEmpty() || guestSees(disk, seen)) {
      return Action.NONE;
    }
    var running = instance.get();
    if (running.isEmpty()) {
      return Action.AWAIT_GUEST;
    }
    if (DiskClaimDesign.grownUnder(claim).filter(running.get().uid()::equals).isPresent()) {
      return Action.RESTART;
    }
    return running.get().agentConnected() ? Action.READ_GUEST : Action.AWAIT_GUEST;
  }

  /**
   * Whether the guest sees its disk: it was never grown (made at its size, grown by cloud-init at
   * the first boot), or the guest agent reported, after the last growth, a root file system that
   * shows it: {@link #GROWTH_SHARE} of the growth above the reading before it, else {@link
   * #SEEN_SHARE} of the disk.
   */
  static boolean guestSees(DiskFill disk, GuestDiskStatus seen) {
    if (!disk.byOperator() || disk.claim().isEmpty()) {
      return true;
    }
    var claim = disk.claim().get();
    var grownAt = DiskClaimDesign.grownAt(claim);
    if (grownAt.isEmpty()) {
      return true;
    }
    if (seen == null || seen.seenAt() == null || seen.rootFileSystemBytes() == null) {
      return false;
    }
    if (Timestamps.parse(seen.seenAt()).isBefore(grownAt.get())) {
      return false;
    }
    return seen.rootFileSystemBytes() >= expectedRootBytes(claim);
  }

  /** The root file system's size, as the guest agent reports it, that shows the growth. */
  static long expectedRootBytes(io.fabric8.kubernetes.api.model.PersistentVolumeClaim claim) {
    long now = DiskClaimDesign.diskBytes(claim);
    var before = DiskClaimDesign.grownFrom(claim);
    if (before.isPresent() && before.get().rootBytes() > 0 && before.get().diskBytes() > 0) {
      long baseline = before.get().rootBytes();
      double ratio = baseline / (double) before.get().diskBytes();
      return (long) Math.ceil(baseline + GROWTH_SHARE * (now - before.get().diskBytes()) * ratio);
    }
    return (long) Math.ceil(SEEN_SHARE * now);
  }

  /**
   * Whether the disk grew to the plan's and the guest has not said yet that it sees it: the pass
   * comes back to ask again ({@link #RECHECK}).
   */
  static boolean awaitingGuest(DiskFill disk, String planDisk, GuestDiskStatus seen) {
    if (!disk.byOperator() || disk.claim().isEmpty()) {
      return false;
    }
    var claim = disk.claim().get();
    return DiskClaimDesign.grownAt(claim).isPresent()
        && DiskClaimDesign.diskBytes(claim) >= DiskClaimDesign.bytes(planDisk)
        && !guestSees(disk, seen);
  }

  /** The guest's disk section after a read of its root file system. */
  static GuestDiskStatus seen(long rootBytes, Instant now) {
    return new GuestDiskStatus(rootBytes, Timestamps.format(now), null);
  }

  /** The guest's disk section with a problem, the last reading kept. */
  static GuestDiskStatus problem(GuestDiskStatus previous, String problem) {
    return previous == null
        ? new GuestDiskStatus(null, null, problem)
        : new GuestDiskStatus(previous.rootFileSystemBytes(), previous.seenAt(), problem);
  }

  /** The guest's disk section without a problem. */
  static GuestDiskStatus cleared(GuestDiskStatus previous) {
    return previous == null || previous.problem() == null
        ? previous
        : new GuestDiskStatus(previous.rootFileSystemBytes(), previous.seenAt(), null);
  }
}
