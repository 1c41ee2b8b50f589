package io.odoovps.operator.notification;

import io.odoovps.operator.api.v1alpha1.odoovps.NoticeStatus;
import io.odoovps.operator.contract.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The contract notices of one VPS, kept in its status so that they survive operator restarts: each
 * is queued once per event (its key), delivered at least once, retried after 1, 2, 4... minutes up
 * to a longest wait while the mail server refuses, and never sent again once delivered. Delivered
 * notices are kept 30 days (at most {@link #KEPT_SENT}), so that an event seen again is recognised.
 * Pure: the sending is a function handed to {@link #deliver}.
 */
public final class NoticeOutbox {

  /** How long a delivered notice is remembered. */
  static final Duration REMEMBERED = Duration.ofDays(30);

  /** How many delivered notices are remembered at most. */
  static final int KEPT_SENT = 20;

  private static final Duration FIRST_RETRY = Duration.ofMinutes(1);

  private final Map<String, NoticeStatus> entries = new LinkedHashMap<>();
  private final Instant now;
  private final Duration longestWait;

  public NoticeOutbox(List<NoticeStatus> previous, Instant now, Duration longestWait) {
    if (previous != null) {
      previous.forEach(n -> entries.put(n.key(), n));
    }
    this.now = now;
    this.longestWait = longestWait;
  }

  /** Queues a notice for the event {@code key}, unless that event was queued already. */
  public void enqueue(String key, Notice notice, Map<String, String> values) {
    entries.computeIfAbsent(
        key,
        k ->
            new NoticeStatus(
                k,
                notice.name(),
                Map.copyOf(values),
                Timestamps.format(now),
                0,
                Timestamps.format(now),
                null,
                null));
  }

  /**
   * Records the event {@code key} as delivered at {@code sentAt} without sending anything: a notice
   * an earlier release sent before notices were kept in status.
   */
  public void remember(String key, Notice notice, Instant sentAt) {
    entries.computeIfAbsent(
        key,
        k ->
            new NoticeStatus(
                k,
                notice.name(),
                Map.of(),
                Timestamps.format(sentAt),
                0,
                null,
                Timestamps.format(sentAt),
                null));
  }

  /** Whether the event {@code key} was queued (delivered or not). */
  public boolean knows(String key) {
    return entries.containsKey(key);
  }

  /** When the event {@code key}'s notice was delivered, if it was. */
  public Optional<Instant> sentAt(String key) {
    return Optional.ofNullable(entries.get(key)).map(NoticeStatus::sentAt).map(Timestamps::parse);
  }

  /**
   * Attempts every notice that is due, with {@code send} (the values it is given may be completed
   * by {@code complete}, e.g. a deadline that counts from the delivery); {@code send} returns the
   * reason of a failure, empty on success.
   *
   * @return the notices that failed in this pass, with their reason
   */
  public List<NoticeStatus> deliver(
      Function<NoticeStatus, Map<String, String>> complete,
      java.util.function.BiFunction<Notice, Map<String, String>, Optional<String>> send) {
    var failed = new ArrayList<NoticeStatus>();
    for (var entry : List.copyOf(entries.values())) {
      if (entry.sentAt() != null || now.isBefore(Timestamps.parse(entry.nextAttemptAt()))) {
        continue;
      }
      var values = complete.apply(entry);
      var problem = send.apply(Notice.valueOf(entry.notice()), values);
      int attempts = (entry.attempts() == null ? 0 : entry.attempts()) + 1;
      if (problem.isEmpty()) {
        entries.put(
            entry.key(),
            new NoticeStatus(
                entry.key(),
                entry.notice(),
                values,
                entry.queuedAt(),
                attempts,
                null,
                Timestamps.format(now),
                null));
      } else {
        var next =
            new NoticeStatus(
                entry.key(),
                entry.notice(),
                entry.values(),
                entry.queuedAt(),
                attempts,
                Timestamps.format(now.plus(wait(attempts))),
                null,
                problem.get());
        entries.put(entry.key(), next);
        failed.add(next);
      }
    }
    return failed;
  }

  /** 1, 2, 4... minutes after the attempt number {@code attempts}, at most the longest wait. */
  Duration wait(int attempts) {
    var wait = FIRST_RETRY;
    for (int i = 1; i < attempts && wait.compareTo(longestWait) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(longestWait) > 0 ? longestWait : wait;
  }

  /** When the next attempt is due, if a notice is waiting. */
  public Optional<Instant> nextAttempt() {
    return entries.values().stream()
        .filter(n -> n.sentAt() == null)
        .map(n -> Timestamps.parse(n.nextAttemptAt()))
        .min(Comparator.naturalOrder());
  }

  /**
   * The notices to keep in status: every one not delivered yet, and the delivered ones of the last
   * 30 days (at most {@link #KEPT_SENT}, the newest); null when there are none.
   */
  public List<NoticeStatus> build() {
    var pending = entries.values().stream().filter(n -> n.sentAt() == null).toList();
    var sent =
        entries.values().stream()
            .filter(n -> n.sentAt() != null)
            .filter(n -> now.isBefore(Timestamps.parse(n.sentAt()).plus(REMEMBERED)))
            .sorted(Comparator.comparing(NoticeStatus::sentAt))
            .toList();
    var kept = new ArrayList<NoticeStatus>();
    kept.addAll(sent.subList(Math.max(0, sent.size() - KEPT_SENT), sent.size()));
    kept.addAll(pending);
    kept.sort(Comparator.comparing(NoticeStatus::queuedAt).thenComparing(NoticeStatus::key));
    return kept.isEmpty() ? null : List.copyOf(kept);
  }
}
