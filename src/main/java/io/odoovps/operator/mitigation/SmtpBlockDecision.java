package io.odoovps.operator.mitigation;

import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.SmtpStatus;
import io.odoovps.operator.contract.SmtpBlockLadder;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.PlannedEvent;
import io.odoovps.operator.mitigation.MitigationObservation.Alert;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port 25 as contract article 7 applies it ({@link SmtpBlockLadder}): a spam detection newer than
 * the one behind the last block blocks again, for longer; an unblock request is answered once,
 * granted or refused by the ladder; the customer is told of each block. Pure: no client.
 */
final class SmtpBlockDecision {

  private static final SmtpStatus NEVER_BLOCKED =
      new SmtpStatus(false, 0, null, null, null, null, null, null, null, null);
  private static final String REFUSED = "Refused: ";

  private final SmtpBlockLadder ladder;
  private final int port;

  SmtpBlockDecision(SmtpBlockLadder ladder, int port) {
    this.ladder = ladder;
    this.port = port;
  }

  /**
   * Port 25 after this pass, before the customer notice ({@link #noticed}). A refused unblock
   * request is added to {@code refusals} while the block lasts; Events to {@code events}.
   */
  SmtpStatus decide(
      SmtpStatus previous,
      String unblockRequest,
      List<Alert> spam,
      Instant now,
      List<String> refusals,
      List<PlannedEvent> events) {
    var port25 = new Port25(previous == null ? NEVER_BLOCKED : previous);
    blockOnNewSpam(port25, spam, now, events);
    answer(port25, unblockRequest, now, events);
    if (port25.answer != null
        && port25.answer.startsWith("Refused")
        && unblockRequest != null
        && unblockRequest.equals(port25.answered)
        && port25.ladder.blocked(now)) {
      refusals.add(
          "spec.smtp.unblockRequest refused: " + port25.answer.substring(REFUSED.length()));
    }
    return port25.status(now);
  }

  /** Whether the customer is still to be told of the current block. */
  static boolean noticeDue(SmtpStatus smtp) {
    return Boolean.TRUE.equals(smtp.blocked()) && smtp.noticeSentAt() == null;
  }

  /** Port 25 once the due notice went ({@code problem} empty) or failed (retried). */
  static SmtpStatus noticed(SmtpStatus smtp, Optional<String> problem, Instant now) {
    return new SmtpStatus(
        smtp.blocked(),
        smtp.blocks(),
        smtp.blockedAt(),
        smtp.blockedUntil(),
        smtp.detectionStartedAt(),
        smtp.unblockRequestAnswered(),
        smtp.unblockAnswer(),
        smtp.unblockedAt(),
        problem.isEmpty() ? Timestamps.format(now) : null,
        problem.orElse(null));
  }

  /** The notice problem when the MitigationState names no OdooVps. */
  static String nobodyToEmail(String vps) {
    return "OdooVps " + vps + " not found: nobody to email";
  }

  /** A detection newer than the one behind the last block, while port 25 is open: block again. */
  private void blockOnNewSpam(Port25 p, List<Alert> spam, Instant now, List<PlannedEvent> events) {
    var latest = spam.stream().map(Alert::since).max(Instant::compareTo);
    if (latest.isEmpty()
        || p.ladder.blocked(now)
        || (p.detection != null && !latest.get().isAfter(Instant.parse(p.detection)))) {
      return;
    }
    p.ladder = ladder.block(p.ladder.blocks() == 0 ? null : p.ladder, now);
    p.blockedAt = Timestamps.format(now);
    p.detection = Timestamps.format(latest.get());
    p.noticeSentAt = null;
    p.noticeProblem = null;
    events.add(
        PlannedEvent.warning(
            "SmtpBlocked",
            "Spam detected ("
                + spam.get(0).name()
                + "): outbound port "
                + port
                + " blocked until "
                + Timestamps.format(p.ladder.blockedUntil())
                + " (block "
                + p.ladder.blocks()
                + ")"));
  }

  /** A new unblock request is answered once: granted (port 25 opens now) or refused. */
  private void answer(Port25 p, String request, Instant now, List<PlannedEvent> events) {
    if (request == null || request.equals(p.answered)) {
      return;
    }
    var refusal = ladder.unblockRefusal(p.ladder, now);
    p.answered = request;
    if (refusal.isPresent()) {
      p.answer = REFUSED + refusal.get();
      return;
    }
    p.ladder = ladder.unblock(p.ladder, now);
    p.answer = "Granted";
    p.unblockedAt = Timestamps.format(now);
    events.add(
        PlannedEvent.normal(
            "SmtpUnblocked",
            "Unblock request '" + request + "' granted: outbound port 25 is open again"));
  }

  /** Port 25 while a pass works on it. */
  private static final class Port25 {
    SmtpBlockLadder.State ladder;
    String blockedAt;
    String detection;
    String answered;
    String answer;
    String unblockedAt;
    String noticeSentAt;
    String noticeProblem;

    Port25(SmtpStatus s) {
      ladder =
          new SmtpBlockLadder.State(
              s.blocks() == null ? 0 : s.blocks(),
              s.blockedUntil() == null ? null : Instant.parse(s.blockedUntil()));
      blockedAt = s.blockedAt();
      detection = s.detectionStartedAt();
      answered = s.unblockRequestAnswered();
      answer = s.unblockAnswer();
      unblockedAt = s.unblockedAt();
      noticeSentAt = s.noticeSentAt();
      noticeProblem = s.noticeProblem();
    }

    SmtpStatus status(Instant now) {
      return new SmtpStatus(
          ladder.blocked(now),
          ladder.blocks(),
          blockedAt,
          ladder.blockedUntil() == null ? null : Timestamps.format(ladder.blockedUntil()),
          detection,
          answered,
          answer,
          unblockedAt,
          noticeSentAt,
          noticeProblem);
    }
  }
}
