package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The gating of a maintenance reboot: notice first, reboot after it, never while halted. */
class MaintenanceRebootTest {

  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  private static final String REQUESTED = "2026-03-10T08:00:00Z";

  private static MaintenanceStatus requested() {
    return new MaintenanceStatus(REQUESTED, null, null, null, null, null);
  }

  @Test
  void aHaltedVmIsNeverRebooted() {
    assertThat(MaintenanceReboot.mayReboot(true)).isFalse();
    assertThat(MaintenanceReboot.mayReboot(false)).isTrue();
  }

  @Test
  void aSentNoticeSchedulesTheRebootAndClearsTheProblem() {
    var failed = MaintenanceReboot.noticeFailed(requested(), "SMTP down");
    assertThat(failed)
        .isEqualTo(new MaintenanceStatus(REQUESTED, null, null, null, "SMTP down", null));
    var sent = MaintenanceReboot.noticeSent(failed, NOW, Instant.parse("2026-03-11T12:00:00Z"));
    assertThat(sent)
        .isEqualTo(
            new MaintenanceStatus(
                REQUESTED, "2026-03-10T12:00:00Z", "2026-03-11T12:00:00Z", null, null, null));
  }

  @Test
  void aFailedNoticeWarnsOncePerProblem() {
    var failed = MaintenanceReboot.noticeFailed(requested(), "SMTP down");
    assertThat(MaintenanceReboot.newProblem(requested(), "SMTP down")).isTrue();
    assertThat(MaintenanceReboot.newProblem(failed, "SMTP down")).isFalse();
    assertThat(MaintenanceReboot.newProblem(failed, "mailbox full")).isTrue();
  }

  static Stream<Arguments> done() {
    var scheduled =
        new MaintenanceStatus(
            REQUESTED, "2026-03-09T12:00:00Z", "2026-03-10T12:00:00Z", null, null, null);
    return Stream.of(
        Arguments.of(
            scheduled,
            true,
            new MaintenanceStatus(
                REQUESTED,
                "2026-03-09T12:00:00Z",
                "2026-03-10T12:00:00Z",
                "2026-03-10T12:00:00Z",
                null,
                "2026-03-10T12:00:00Z")),
        Arguments.of(
            scheduled,
            false,
            new MaintenanceStatus(
                REQUESTED,
                "2026-03-09T12:00:00Z",
                "2026-03-10T12:00:00Z",
                null,
                null,
                "2026-03-10T12:00:00Z")));
  }

  @ParameterizedTest
  @MethodSource
  void done(MaintenanceStatus before, boolean rebooted, MaintenanceStatus after) {
    var status = MaintenanceReboot.done(before, rebooted, NOW);
    assertThat(status).isEqualTo(after);
    assertThat(status.done()).isTrue();
  }

  static Stream<Arguments> wake() {
    return Stream.of(
        Arguments.of(null, Optional.empty()),
        Arguments.of(requested(), Optional.of(NOW.plus(MaintenanceReboot.NOTICE_RETRY))),
        Arguments.of(
            new MaintenanceStatus(
                REQUESTED, "2026-03-10T09:00:00Z", "2026-03-11T09:00:00Z", null, null, null),
            Optional.of(Instant.parse("2026-03-11T09:00:00Z"))),
        // past due and not done: it waits for the guest's updates, looked at again soon
        Arguments.of(
            new MaintenanceStatus(
                REQUESTED, "2026-03-09T09:00:00Z", "2026-03-10T09:00:00Z", null, null, null),
            Optional.of(NOW.plus(MaintenanceReboot.UPDATES_RECHECK))),
        Arguments.of(
            new MaintenanceStatus(
                REQUESTED,
                "2026-03-09T09:00:00Z",
                "2026-03-10T09:00:00Z",
                "2026-03-10T09:00:00Z",
                null,
                null),
            Optional.empty()),
        Arguments.of(
            new MaintenanceStatus(
                REQUESTED,
                "2026-03-09T09:00:00Z",
                "2026-03-10T09:00:00Z",
                null,
                null,
                "2026-03-10T09:00:00Z"),
            Optional.empty()));
  }

  @ParameterizedTest
  @MethodSource
  void wake(MaintenanceStatus status, Optional<Instant> expected) {
    assertThat(MaintenanceReboot.wake(status, NOW)).isEqualTo(expected);
  }
}
