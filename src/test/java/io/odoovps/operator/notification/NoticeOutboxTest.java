package io.odoovps.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.NoticeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NoticeOutboxTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration LONGEST = Duration.ofHours(1);

  private final List<Notice> sent = new ArrayList<>();

  private List<NoticeStatus> pass(List<NoticeStatus> previous, Instant now, boolean serverUp) {
    var outbox = new NoticeOutbox(previous, now, LONGEST);
    outbox.enqueue("SUSPENDED@" + T0, Notice.SUSPENDED, Map.of("reason", "spam"));
    outbox.deliver(
        NoticeStatus::values,
        (notice, values) -> {
          if (!serverUp) {
            return Optional.of("connection refused");
          }
          sent.add(notice);
          return Optional.empty();
        });
    return outbox.build();
  }

  @Test
  void aNoticeIsRetriedWithDoublingWaitsUntilDeliveredThenNeverSentAgain() {
    var state = pass(null, T0, false);
    assertThat(state)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.attempts()).isEqualTo(1);
              assertThat(n.nextAttemptAt()).isEqualTo("2026-03-01T10:01:00Z");
              assertThat(n.lastError()).isEqualTo("connection refused");
            });
    // not due yet: no attempt
    state = pass(state, T0.plusSeconds(30), false);
    assertThat(state.get(0).attempts()).isEqualTo(1);
    state = pass(state, T0.plusSeconds(60), false);
    assertThat(state.get(0).nextAttemptAt()).isEqualTo("2026-03-01T10:03:00Z");
    state = pass(state, T0.plusSeconds(180), true);
    assertThat(state.get(0).sentAt()).isEqualTo("2026-03-01T10:03:00Z");
    assertThat(sent).containsExactly(Notice.SUSPENDED);
    // the same event again, later passes: nothing more is sent
    state = pass(state, T0.plusSeconds(3600), true);
    state = pass(state, T0.plusSeconds(7200), true);
    assertThat(sent).hasSize(1);
  }

  @Test
  void theWaitDoublesUpToTheLongest() {
    var outbox = new NoticeOutbox(null, T0, LONGEST);
    assertThat(outbox.wait(1)).isEqualTo(Duration.ofMinutes(1));
    assertThat(outbox.wait(2)).isEqualTo(Duration.ofMinutes(2));
    assertThat(outbox.wait(6)).isEqualTo(Duration.ofMinutes(32));
    assertThat(outbox.wait(7)).isEqualTo(LONGEST);
    assertThat(outbox.wait(50)).isEqualTo(LONGEST);
  }

  @Test
  void deliveredNoticesAreRememberedThirtyDaysAndAtMostTwenty() {
    var outbox = new NoticeOutbox(null, T0, LONGEST);
    for (int i = 0; i < 25; i++) {
      outbox.enqueue("RESUMED@" + i, Notice.RESUMED, Map.of());
    }
    outbox.deliver(NoticeStatus::values, (n, v) -> Optional.empty());
    var kept = outbox.build();
    assertThat(kept).hasSize(NoticeOutbox.KEPT_SENT);
    var later = new NoticeOutbox(kept, T0.plus(Duration.ofDays(31)), LONGEST);
    assertThat(later.build()).isNull();
    assertThat(later.nextAttempt()).isEmpty();
  }

  @Test
  void anUndeliveredNoticeIsNeverForgottenAndTellsItsNextAttempt() {
    var outbox = new NoticeOutbox(null, T0, LONGEST);
    outbox.enqueue("TERMINATED@x", Notice.TERMINATED, Map.of());
    outbox.deliver(NoticeStatus::values, (n, v) -> Optional.of("451 try later"));
    var later = new NoticeOutbox(outbox.build(), T0.plus(Duration.ofDays(60)), LONGEST);
    assertThat(later.build()).singleElement().satisfies(n -> assertThat(n.sentAt()).isNull());
    assertThat(later.nextAttempt()).contains(T0.plus(Duration.ofMinutes(1)));
  }

  @Test
  void aNoticeAnEarlierReleaseSentIsRememberedNotSent() {
    var outbox = new NoticeOutbox(null, T0, LONGEST);
    outbox.remember("IDENTITY_REQUESTED@x", Notice.IDENTITY_REQUESTED, T0.minusSeconds(60));
    outbox.enqueue("IDENTITY_REQUESTED@x", Notice.IDENTITY_REQUESTED, Map.of("requestedAt", "x"));
    outbox.deliver(
        NoticeStatus::values,
        (n, v) -> {
          sent.add(n);
          return Optional.empty();
        });
    assertThat(sent).isEmpty();
    assertThat(outbox.sentAt("IDENTITY_REQUESTED@x")).contains(T0.minusSeconds(60));
  }
}
