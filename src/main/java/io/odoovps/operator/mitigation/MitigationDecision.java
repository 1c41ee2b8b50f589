package io.odoovps.operator.mitigation;

import io.fabric8.kubernetes.api.model.Condition;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.DdosStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.SmtpStatus;
import io.odoovps.operator.contract.SmtpBlockLadder;
import io.odoovps.operator.event.PlannedEvent;
import io.odoovps.operator.status.ConditionList;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a MitigationState should become, from one {@link MitigationObservation}: port 25 by the
 * escalating block ladder ({@link SmtpBlockDecision}, contract article 7), DDoS mitigation by its
 * 26-hour hold ({@link DdosHoldDecision}, article 9), the conditions, the Events and the next
 * wake-up. Pure: no client. It decides in two halves around the one side effect, the customer's
 * notice of a block: {@link #decide} says whether it is due, {@link #settle} takes how it went.
 */
public final class MitigationDecision {

  /** A failed notice is retried this soon. */
  static final Duration NOTICE_RETRY = Duration.ofMinutes(5);

  private final SmtpBlockDecision smtp;
  private final DdosHoldDecision ddos;
  private final int port;
  private final Duration resync;

  /**
   * @param scrubbing scrubbing CIDRs are configured, so DDoS level 3 is possible
   * @param resync the longest wait before the next pass
   */
  public MitigationDecision(SmtpBlockLadder ladder, int port, boolean scrubbing, Duration resync) {
    this.smtp = new SmtpBlockDecision(ladder, port);
    this.ddos = new DdosHoldDecision(scrubbing);
    this.port = port;
    this.resync = resync;
  }

  /**
   * The first half of a pass: port 25 and DDoS mitigation, the refused requests and the Events so
   * far, and whether the customer is to be told of a block ({@code noticeDue}).
   */
  public record Plan(
      SmtpStatus smtp,
      DdosStatus ddos,
      List<String> refusals,
      List<PlannedEvent> events,
      boolean noticeDue) {}

  /** What a pass leaves: the status to hold, the Events to record and when to look again. */
  public record Verdict(MitigationStateStatus status, List<PlannedEvent> events, Duration after) {}

  public Plan decide(MitigationObservation seen) {
    var previous = seen.previous();
    var refusals = new ArrayList<String>();
    var events = new ArrayList<PlannedEvent>();
    if (seen.restored()) {
      events.add(
          PlannedEvent.normal(
              "ContractStateRestored",
              "The status held no contract state: port-25 blocks and the DDoS window restored"
                  + " from the contract record"));
    }
    var spec = seen.spec();
    var port25 =
        smtp.decide(
            previous == null ? null : previous.smtp(),
            spec.getSmtp() == null ? null : spec.getSmtp().unblockRequest(),
            seen.spam(),
            seen.now(),
            refusals,
            events);
    var mitigation =
        ddos.decide(
            previous == null ? null : previous.ddos(),
            spec.getDdos(),
            seen.attacks(),
            seen.now(),
            refusals,
            events);
    return new Plan(port25, mitigation, refusals, events, SmtpBlockDecision.noticeDue(port25));
  }

  /**
   * The second half: the status once the due notice went ({@code noticeProblem} empty) or failed, a
   * Warning for a refusal not reported yet, and the wake-up.
   */
  public Verdict settle(MitigationObservation seen, Plan plan, Optional<String> noticeProblem) {
    var now = seen.now();
    var port25 =
        plan.noticeDue() ? SmtpBlockDecision.noticed(plan.smtp(), noticeProblem, now) : plan.smtp();
    var previous = seen.previous();
    var status =
        new MitigationStateStatus(
            plan.ddos(),
            port25,
            conditions(previous, seen.generation(), plan.ddos(), port25, plan.refusals(), now),
            seen.generation());
    var events = new ArrayList<>(plan.events());
    var refusal = plan.refusals().isEmpty() ? null : String.join("; ", plan.refusals());
    if (refusal != null && !refusal.equals(refusalShown(previous))) {
      events.add(PlannedEvent.warning("RequestRefused", refusal));
    }
    return new Verdict(status, events, after(plan.ddos(), port25, now));
  }

  private List<Condition> conditions(
      MitigationStateStatus previous,
      Long generation,
      DdosStatus ddos,
      SmtpStatus smtp,
      List<String> refusals,
      Instant now) {
    boolean mitigated = Boolean.TRUE.equals(ddos.active());
    boolean blocked = Boolean.TRUE.equals(smtp.blocked());
    return new ConditionList(previous == null ? null : previous.conditions(), generation, now)
        .set(
            MitigationConditions.DDOS,
            mitigated,
            mitigated ? "Active" : "Inactive",
            mitigated
                ? "DDoS mitigation at level "
                    + ddos.level()
                    + " since "
                    + ddos.activatedAt()
                    + "; it cannot end before "
                    + ddos.earliestEnd()
                : "No DDoS mitigation")
        .set(
            MitigationConditions.SMTP_BLOCKED,
            blocked,
            blocked ? "Blocked" : "Open",
            blocked
                ? "Outbound port "
                    + port
                    + " blocked until "
                    + smtp.blockedUntil()
                    + " (block "
                    + smtp.blocks()
                    + ")"
                : "Outbound port " + port + " open")
        .set(
            MitigationConditions.REQUESTS,
            refusals.isEmpty(),
            refusals.isEmpty() ? "Honoured" : "Refused",
            refusals.isEmpty() ? "Every request in spec is honoured" : String.join("; ", refusals))
        .build();
  }

  /** The refusal the previous status reported, if any. */
  private static String refusalShown(MitigationStateStatus previous) {
    return previous == null
        ? null
        : ConditionList.find(previous.conditions(), MitigationConditions.REQUESTS)
            .filter(c -> "False".equals(c.getStatus()))
            .map(Condition::getMessage)
            .orElse(null);
  }

  /**
   * The next pass: just after the block or the 26-hour hold ends, or when a failed notice is
   * retried; at the latest after the resync interval.
   */
  private Duration after(DdosStatus ddos, SmtpStatus smtp, Instant now) {
    var wake =
        Stream.of(
                Optional.ofNullable(smtp.blockedUntil()).map(Instant::parse),
                Optional.ofNullable(ddos.earliestEnd())
                    .filter(e -> Boolean.TRUE.equals(ddos.active()))
                    .map(Instant::parse),
                Optional.ofNullable(smtp.noticeProblem()).map(p -> now.plus(NOTICE_RETRY)))
            .flatMap(Optional::stream)
            .filter(t -> t.isAfter(now))
            .min(Instant::compareTo)
            .map(t -> Duration.between(now, t).plusSeconds(1))
            .orElse(null);
    return wake == null || wake.compareTo(resync) > 0 ? resync : wake;
  }
}
