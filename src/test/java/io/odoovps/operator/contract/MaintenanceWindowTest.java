package io.odoovps.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import io.odoovps.operator.contract.MaintenanceWindow.Action;
import io.odoovps.operator.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Contract article 3 on a moving clock: the customer is told first, the reboot waits the notice
 * period after that email (or a later {@code notBefore}), and a request is carried out once.
 */
class MaintenanceWindowTest {

  private static final Duration NOTICE = Duration.ofHours(24);

  private final MovableClock clock = MovableClock.at("2026-03-01T10:00:00Z");

  private static MaintenanceSpec request(String requestedAt, String notBefore) {
    return new MaintenanceSpec(requestedAt, notBefore, "kernel security update");
  }

  /** The status the reconciler writes once the notice went out at {@code sentAt}. */
  private static MaintenanceStatus noticed(MaintenanceSpec request, Instant sentAt) {
    return new MaintenanceStatus(
        request.getRequestedAt(),
        Timestamps.format(sentAt),
        Timestamps.format(MaintenanceWindow.rebootTime(request, sentAt, NOTICE)),
        null,
        null,
        null);
  }

  @Test
  void noRequestNoAction() {
    assertThat(MaintenanceWindow.next(null, null, clock.instant(), NOTICE).action())
        .isEqualTo(Action.NONE);
  }

  @Test
  void theNoticeGoesFirstAndTheRebootWaitsTheNoticePeriodAfterIt() {
    var request = request("2026-03-01T09:00:00Z", null);
    assertThat(MaintenanceWindow.next(request, null, clock.instant(), NOTICE).action())
        .isEqualTo(Action.SEND_NOTICE);

    // the email left an hour after the request: the notice period counts from the email
    clock.advance(Duration.ofHours(1));
    var sent = noticed(request, clock.instant());
    assertThat(sent.scheduledFor()).isEqualTo("2026-03-02T11:00:00Z");

    clock.advance(NOTICE.minusSeconds(1));
    assertThat(MaintenanceWindow.next(request, sent, clock.instant(), NOTICE).action())
        .as("one second before the end of the notice period")
        .isEqualTo(Action.NONE);
    clock.advance(Duration.ofSeconds(1));
    assertThat(MaintenanceWindow.next(request, sent, clock.instant(), NOTICE).action())
        .isEqualTo(Action.REBOOT);
  }

  @Test
  void aLaterNotBeforeWinsOverTheNoticePeriod() {
    var request = request("2026-03-01T10:00:00Z", "2026-03-05T02:00:00+01:00");
    assertThat(MaintenanceWindow.rebootTime(request, clock.instant(), NOTICE))
        .isEqualTo(Instant.parse("2026-03-05T01:00:00Z"));
    var early = request("2026-03-01T10:00:00Z", "2026-03-01T12:00:00Z");
    assertThat(MaintenanceWindow.rebootTime(early, clock.instant(), NOTICE))
        .as("notBefore never shortens the notice")
        .isEqualTo(Instant.parse("2026-03-02T10:00:00Z"));
  }

  @Test
  void aRequestIsCarriedOutOnceWhetherTheVmRebootedOrWasNotRunning() {
    var request = request("2026-03-01T10:00:00Z", null);
    var sent = noticed(request, clock.instant());
    clock.advance(NOTICE.plusHours(2));
    var now = Timestamps.format(clock.instant());
    var rebooted =
        new MaintenanceStatus(
            sent.requestedAt(), sent.noticeSentAt(), sent.scheduledFor(), now, null, now);
    var notRunning =
        new MaintenanceStatus(
            sent.requestedAt(), sent.noticeSentAt(), sent.scheduledFor(), null, null, now);
    // written before doneAt existed: rebootedAt alone
    var older =
        new MaintenanceStatus(
            sent.requestedAt(), sent.noticeSentAt(), sent.scheduledFor(), now, null, null);
    for (var status : new MaintenanceStatus[] {rebooted, notRunning, older}) {
      clock.advance(Duration.ofDays(3));
      var step = MaintenanceWindow.next(request, status, clock.instant(), NOTICE);
      assertThat(step.action()).isEqualTo(Action.NONE);
      assertThat(step.status()).isSameAs(status);
    }
  }

  @Test
  void aNewRequestedAtIsANewRequestThatIsAnnouncedAgain() {
    var first = request("2026-03-01T10:00:00Z", null);
    var sent = noticed(first, clock.instant());
    clock.advance(Duration.ofDays(10));
    var second = request("2026-03-11T10:00:00Z", null);
    var step = MaintenanceWindow.next(second, sent, clock.instant(), NOTICE);
    assertThat(step.action()).isEqualTo(Action.SEND_NOTICE);
    assertThat(step.status().requestedAt()).isEqualTo("2026-03-11T10:00:00Z");
    assertThat(step.status().noticeSentAt()).isNull();
  }

  @Test
  void aFailedNoticeIsRetriedAndNothingReboots() {
    var request = request("2026-03-01T10:00:00Z", null);
    var failed =
        new MaintenanceStatus(
            request.getRequestedAt(), null, null, null, "SMTP relay refused the message", null);
    clock.advance(Duration.ofDays(2));
    assertThat(MaintenanceWindow.next(request, failed, clock.instant(), NOTICE).action())
        .isEqualTo(Action.SEND_NOTICE);
  }
}
