package io.odoovps.operator.mitigation;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.DdosStatus;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus.SmtpStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.config.OperatorNamespace;
import io.odoovps.operator.contract.MitigationWindow;
import io.odoovps.operator.contract.SmtpBlockLadder;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.notification.CustomerMailer;
import io.odoovps.operator.notification.Notice;
import io.odoovps.operator.record.ContractRecords;
import io.odoovps.operator.record.MitigationRecord;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.vps.CustomerNotices;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keeps a VPS's {@link MitigationState}: port-25 blocks from spam alerts (contract article 7) and
 * DDoS mitigation from attack alerts (contract article 9), both seen as the VPS's open {@link
 * SupportTicket}s, plus the requests support staff put in the spec. Refused requests become the
 * RequestsHonoured condition and a Warning Event naming the rule. The network effects are the VPS
 * reconciler's: it reads this status.
 */
@ControllerConfiguration(name = MitigationStateReconciler.NAME)
public class MitigationStateReconciler implements Reconciler<MitigationState> {

  public static final String NAME = "mitigationstate";
  public static final String DDOS = "DdosMitigation";
  public static final String SMTP_BLOCKED = "SmtpBlocked";
  public static final String REQUESTS = "RequestsHonoured";
  static final String TICKETS = "abuse-tickets";

  private final OperatorConfig config;
  private final Clock clock;
  private final CustomerNotices notices;
  private final SmtpBlockLadder ladder;

  @Inject
  public MitigationStateReconciler(OperatorConfig config, Clock clock, CustomerMailer mailer) {
    this.config = config;
    this.clock = clock;
    this.notices = new CustomerNotices(mailer);
    this.ladder = new SmtpBlockLadder(config.traffic().smtp().blockLadder());
  }

  @Override
  public List<EventSource<?, MitigationState>> prepareEventSources(
      EventSourceContext<MitigationState> context) {
    var tickets =
        InformerEventSourceConfiguration.from(SupportTicket.class, MitigationState.class)
            .withName(TICKETS)
            .withSecondaryToPrimaryMapper(
                t -> Set.of(new ResourceID(t.getSpec().getVps(), t.getMetadata().getNamespace())))
            .build();
    return List.of(new InformerEventSource<>(tickets, context));
  }

  /** Alerts of a kind that fire now on the VPS: open tickets of those alert names. */
  @SuppressWarnings("unchecked")
  private static List<SupportTicket> firing(
      MitigationState state, Context<MitigationState> context, List<String> alertNames) {
    var source =
        (InformerEventSource<SupportTicket, MitigationState>)
            context.eventSourceRetriever().getEventSourceFor(SupportTicket.class, TICKETS);
    return source
        .list(
            state.getMetadata().getNamespace(),
            t ->
                state.getSpec().getVps().equals(t.getSpec().getVps())
                    && t.getSpec().getAlert() != null
                    && alertNames.contains(t.getSpec().getAlert().name())
                    && t.getStatus() != null
                    && t.getStatus().phase() == SupportTicketStatus.Phase.Open)
        .toList();
  }

  /** When a ticket's incident (last) started firing: its reopening, else its opening. */
  static Instant firingSince(SupportTicket ticket) {
    var s = ticket.getStatus();
    return Instant.parse(s.reopenedAt() != null ? s.reopenedAt() : s.openedAt());
  }

  @Override
  public UpdateControl<MitigationState> reconcile(
      MitigationState state, Context<MitigationState> context) {
    var now = clock.instant();
    var events = new EventRecorder(context.getClient(), clock);
    var records = new ContractRecords(OperatorNamespace.of(config, context.getClient()));
    var previous = state.getStatus();
    if (MitigationRecord.lost(previous)) {
      // new, recreated, or its status wiped: the blocks and the DDoS window come back
      var kept =
          records.read(
              context.getClient(),
              state.getMetadata().getNamespace(),
              state.getSpec().getVps(),
              ContractRecords.MITIGATION_KEY,
              MitigationRecord.class);
      if (kept.isPresent()) {
        previous = kept.get().seed();
        events.normal(
            state,
            "ContractStateRestored",
            "The status held no contract state: port-25 blocks and the DDoS window restored from"
                + " the contract record");
      }
    }
    var refusals = new ArrayList<String>();

    var smtp =
        smtp(
            state,
            previous == null ? null : previous.smtp(),
            firing(state, context, config.traffic().smtp().spamAlerts()),
            context,
            events,
            refusals,
            now);
    var ddos =
        ddos(
            state,
            previous == null ? null : previous.ddos(),
            firing(state, context, config.traffic().mitigation().attackAlerts()),
            events,
            refusals,
            now);

    var conditions =
        new ConditionList(
                previous == null ? null : previous.conditions(),
                state.getMetadata().getGeneration(),
                now)
            .set(
                DDOS,
                Boolean.TRUE.equals(ddos.active()),
                Boolean.TRUE.equals(ddos.active()) ? "Active" : "Inactive",
                Boolean.TRUE.equals(ddos.active())
                    ? "DDoS mitigation at level "
                        + ddos.level()
                        + " since "
                        + ddos.activatedAt()
                        + "; it cannot end before "
                        + ddos.earliestEnd()
                    : "No DDoS mitigation")
            .set(
                SMTP_BLOCKED,
                Boolean.TRUE.equals(smtp.blocked()),
                Boolean.TRUE.equals(smtp.blocked()) ? "Blocked" : "Open",
                Boolean.TRUE.equals(smtp.blocked())
                    ? "Outbound port "
                        + config.traffic().smtp().port()
                        + " blocked until "
                        + smtp.blockedUntil()
                        + " (block "
                        + smtp.blocks()
                        + ")"
                    : "Outbound port " + config.traffic().smtp().port() + " open")
            .set(
                REQUESTS,
                refusals.isEmpty(),
                refusals.isEmpty() ? "Honoured" : "Refused",
                refusals.isEmpty()
                    ? "Every request in spec is honoured"
                    : String.join("; ", refusals))
            .build();
    var refusalMessage = refusals.isEmpty() ? null : String.join("; ", refusals);
    var previousRefusal =
        previous == null
            ? null
            : ConditionList.find(previous.conditions(), REQUESTS)
                .filter(c -> "False".equals(c.getStatus()))
                .map(io.fabric8.kubernetes.api.model.Condition::getMessage)
                .orElse(null);
    if (refusalMessage != null && !refusalMessage.equals(previousRefusal)) {
      events.warning(state, "RequestRefused", refusalMessage);
    }

    var status =
        new MitigationStateStatus(ddos, smtp, conditions, state.getMetadata().getGeneration());
    var wake =
        Stream.of(
                Optional.ofNullable(smtp.blockedUntil()).map(Instant::parse),
                Optional.ofNullable(ddos.earliestEnd())
                    .filter(e -> Boolean.TRUE.equals(ddos.active()))
                    .map(Instant::parse),
                Optional.ofNullable(smtp.noticeProblem()).map(p -> now.plus(Duration.ofMinutes(5))))
            .flatMap(Optional::stream)
            .filter(t -> t.isAfter(now))
            .min(Instant::compareTo)
            .map(t -> Duration.between(now, t).plusSeconds(1))
            .orElse(null);
    var resync = config.deadlines().resync();
    var after = wake == null || wake.compareTo(resync) > 0 ? resync : wake;
    if (Objects.equals(status, state.getStatus())) {
      return UpdateControl.<MitigationState>noUpdate().rescheduleAfter(after);
    }
    var record = MitigationRecord.of(status);
    if (record != null && !record.equals(MitigationRecord.of(previous))) {
      records.write(
          context.getClient(),
          state.getMetadata().getNamespace(),
          state.getSpec().getVps(),
          ContractRecords.MITIGATION_KEY,
          record);
    }
    var fresh = new MitigationState();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(state.getMetadata().getName())
            .withNamespace(state.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return UpdateControl.patchStatus(fresh).rescheduleAfter(after);
  }

  /** Port 25: block on a new spam detection, lift on request or when the block ends. */
  private SmtpStatus smtp(
      MitigationState state,
      SmtpStatus previous,
      List<SupportTicket> spam,
      Context<MitigationState> context,
      EventRecorder events,
      List<String> refusals,
      Instant now) {
    var p =
        previous == null
            ? new SmtpStatus(false, 0, null, null, null, null, null, null, null, null)
            : previous;
    var ladderState =
        new SmtpBlockLadder.State(
            p.blocks() == null ? 0 : p.blocks(),
            p.blockedUntil() == null ? null : Instant.parse(p.blockedUntil()));
    String blockedAt = p.blockedAt();
    String detection = p.detectionStartedAt();
    String answered = p.unblockRequestAnswered();
    String answer = p.unblockAnswer();
    String unblockedAt = p.unblockedAt();
    String noticeSentAt = p.noticeSentAt();
    String noticeProblem = p.noticeProblem();

    // a detection newer than the one behind the last block, while port 25 is open: block again
    var latest = spam.stream().map(MitigationStateReconciler::firingSince).max(Instant::compareTo);
    if (latest.isPresent()
        && !ladderState.blocked(now)
        && (detection == null || latest.get().isAfter(Instant.parse(detection)))) {
      ladderState = ladder.block(ladderState.blocks() == 0 ? null : ladderState, now);
      blockedAt = Timestamps.format(now);
      detection = Timestamps.format(latest.get());
      noticeSentAt = null;
      noticeProblem = null;
      events.warning(
          state,
          "SmtpBlocked",
          "Spam detected ("
              + spam.get(0).getSpec().getAlert().name()
              + "): outbound port "
              + config.traffic().smtp().port()
              + " blocked until "
              + Timestamps.format(ladderState.blockedUntil())
              + " (block "
              + ladderState.blocks()
              + ")");
    }

    var request =
        state.getSpec().getSmtp() == null ? null : state.getSpec().getSmtp().unblockRequest();
    if (request != null && !request.equals(answered)) {
      var refusal = ladder.unblockRefusal(ladderState, now);
      answered = request;
      if (refusal.isEmpty()) {
        ladderState = ladder.unblock(ladderState, now);
        answer = "Granted";
        unblockedAt = Timestamps.format(now);
        events.normal(
            state,
            "SmtpUnblocked",
            "Unblock request '" + request + "' granted: outbound port 25 is open again");
      } else {
        answer = "Refused: " + refusal.get();
      }
    }
    if (answer != null
        && answer.startsWith("Refused")
        && request != null
        && request.equals(answered)
        && ladderState.blocked(now)) {
      refusals.add("spec.smtp.unblockRequest refused: " + answer.substring("Refused: ".length()));
    }

    boolean blocked = ladderState.blocked(now);
    if (blocked && noticeSentAt == null) {
      var vps =
          context
              .getClient()
              .resources(OdooVps.class)
              .inNamespace(state.getMetadata().getNamespace())
              .withName(state.getSpec().getVps())
              .get();
      if (vps != null) {
        var problem =
            notices.send(
                vps,
                Notice.SMTP_BLOCKED,
                Map.of("blockedUntil", Timestamps.format(ladderState.blockedUntil())));
        if (problem.isEmpty()) {
          noticeSentAt = Timestamps.format(now);
          noticeProblem = null;
        } else {
          noticeProblem = problem.get();
        }
      } else {
        noticeProblem = "OdooVps " + state.getSpec().getVps() + " not found: nobody to email";
      }
    }
    return new SmtpStatus(
        blocked,
        ladderState.blocks(),
        blockedAt,
        ladderState.blockedUntil() == null ? null : Timestamps.format(ladderState.blockedUntil()),
        detection,
        answered,
        answer,
        unblockedAt,
        noticeSentAt,
        noticeProblem);
  }

  /** DDoS mitigation: on with an attack or by hand, level up only, off after 26 h. */
  private DdosStatus ddos(
      MitigationState state,
      DdosStatus previous,
      List<SupportTicket> attacks,
      EventRecorder events,
      List<String> refusals,
      Instant now) {
    var p =
        previous == null ? new DdosStatus(false, null, null, null, false, null, null, 0) : previous;
    var window =
        Boolean.TRUE.equals(p.active())
            ? new MitigationWindow.State(
                true, p.level(), Instant.parse(p.activatedAt()), Instant.parse(p.earliestEnd()))
            : null;
    var request =
        state.getSpec().getDdos() == null
            ? new MitigationStateSpec.Ddos(null, null)
            : state.getSpec().getDdos();
    boolean attackFiring = !attacks.isEmpty();
    String activatedBy = p.activatedBy();
    String endedAt = p.endedAt();
    int activations = p.activations() == null ? 0 : p.activations();
    boolean wasActive = window != null;
    int maxLevel =
        config.traffic().mitigation().scrubbingCidrs().map(List::isEmpty).orElse(true) ? 2 : 3;

    if (attackFiring) {
      int level = attacks.stream().mapToInt(MitigationStateReconciler::alertLevel).max().orElse(1);
      if (window == null) {
        activatedBy = "alert " + attacks.get(0).getSpec().getAlert().name();
      }
      window = MitigationWindow.activate(window, Math.min(level, maxLevel), now);
    }
    if (Boolean.TRUE.equals(request.active())) {
      if (window == null) {
        activatedBy = "spec.ddos.active";
      }
      window = MitigationWindow.activate(window, 1, now);
    }
    if (request.level() != null && window != null) {
      var refusal = MitigationWindow.levelRefusal(window, request.level());
      if (refusal.isPresent()) {
        refusals.add("spec.ddos.level=" + request.level() + " refused: " + refusal.get());
      } else if (request.level() > maxLevel) {
        refusals.add(
            "spec.ddos.level="
                + request.level()
                + " refused: level 3 routes inbound traffic through the scrubbing centre, and"
                + " odoovps.traffic.mitigation.scrubbing-cidrs is empty");
        window = MitigationWindow.activate(window, maxLevel, now);
      } else {
        window = MitigationWindow.activate(window, request.level(), now);
      }
    }
    if (window != null && Boolean.FALSE.equals(request.active())) {
      var refusal = MitigationWindow.endRefusal(window, now);
      if (refusal.isPresent()) {
        refusals.add("spec.ddos.active=false refused: " + refusal.get());
      } else if (attackFiring) {
        refusals.add(
            "spec.ddos.active=false refused: the attack alert "
                + attacks.get(0).getSpec().getAlert().name()
                + " still fires; mitigation ends once it clears");
      } else {
        window = null;
      }
    } else if (window != null
        && request.active() == null
        && MitigationWindow.endsByItself(window, !attackFiring, now)) {
      window = null;
    }

    if (window != null && !wasActive) {
      activations++;
      events.warning(
          state,
          "DdosMitigationOn",
          "DDoS mitigation on at level "
              + window.level()
              + " ("
              + activatedBy
              + "); it holds until at least "
              + Timestamps.format(window.earliestEnd()));
    } else if (window != null && window.level() > p.level()) {
      events.warning(
          state, "DdosMitigationRaised", "DDoS mitigation raised to level " + window.level());
    } else if (window == null && wasActive) {
      endedAt = Timestamps.format(now);
      events.normal(state, "DdosMitigationOff", "DDoS mitigation ended");
    }
    if (window == null) {
      return new DdosStatus(false, null, null, null, attackFiring, null, endedAt, activations);
    }
    return new DdosStatus(
        true,
        window.level(),
        Timestamps.format(window.activatedAt()),
        Timestamps.format(window.earliestEnd()),
        attackFiring,
        activatedBy,
        endedAt,
        activations);
  }

  /** The attack's level from the alert's {@code level} label: 1 to 3, 1 if absent or invalid. */
  static int alertLevel(SupportTicket ticket) {
    var labels = ticket.getSpec().getAlert().labels();
    var text = labels == null ? null : labels.get("level");
    try {
      return text == null ? 1 : Math.max(1, Math.min(3, Integer.parseInt(text.trim())));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
