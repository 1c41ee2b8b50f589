package io.odoovps.operator.mitigation;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.config.OperatorNamespace;
import io.odoovps.operator.config.OperatorShutdown;
import io.odoovps.operator.contract.SmtpBlockLadder;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.mitigation.MitigationObservation.Alert;
import io.odoovps.operator.notification.CustomerMailer;
import io.odoovps.operator.notification.CustomerNotices;
import io.odoovps.operator.notification.Notice;
import io.odoovps.operator.record.ContractRecords;
import io.odoovps.operator.record.MitigationRecord;
import io.odoovps.operator.status.ReconcileErrors;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps a VPS's {@link MitigationState}: port-25 blocks from spam alerts (contract article 7) and
 * DDoS mitigation from attack alerts (contract article 9), both seen as the VPS's open {@link
 * SupportTicket}s, plus the requests support staff put in the spec. Refused requests become the
 * RequestsHonoured condition and a Warning Event naming the rule. The network effects are the VPS
 * reconciler's: it reads this status.
 *
 * <p>Each pass gathers a {@link MitigationObservation} (the resource, its alert tickets from the
 * cache, the contract record when the status lost it), lets {@link MitigationDecision} decide, and
 * acts: the customer's notice of a block, the contract record, the Events, the status when it
 * changed.
 */
@ControllerConfiguration(name = MitigationStateReconciler.NAME)
public class MitigationStateReconciler implements Reconciler<MitigationState> {

  public static final String NAME = "mitigationstate";
  public static final String DDOS = MitigationConditions.DDOS;
  public static final String SMTP_BLOCKED = MitigationConditions.SMTP_BLOCKED;
  public static final String REQUESTS = MitigationConditions.REQUESTS;
  static final String TICKETS = "abuse-tickets";

  private final OperatorConfig config;
  private final Clock clock;
  private final CustomerNotices notices;
  private final MitigationDecision decision;

  @Inject
  public MitigationStateReconciler(OperatorConfig config, Clock clock, CustomerMailer mailer) {
    this.config = config;
    this.clock = clock;
    this.notices = new CustomerNotices(mailer);
    this.decision =
        new MitigationDecision(
            new SmtpBlockLadder(config.traffic().smtp().blockLadder()),
            config.traffic().smtp().port(),
            !config.traffic().mitigation().scrubbingCidrs().map(List::isEmpty).orElse(true),
            config.deadlines().resync());
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

  @Override
  public UpdateControl<MitigationState> reconcile(
      MitigationState state, Context<MitigationState> context) {
    var records = new ContractRecords(OperatorNamespace.of(config, context.getClient()));
    var seen = gather(state, context, records);
    var plan = decision.decide(seen);
    var verdict =
        decision.settle(
            seen, plan, plan.noticeDue() ? notify(state, plan, context) : Optional.empty());
    var events = new EventRecorder(context.getClient(), clock);
    verdict.events().forEach(e -> e.record(events, state));
    var status = verdict.status();
    if (Objects.equals(status, state.getStatus())) {
      return UpdateControl.<MitigationState>noUpdate().rescheduleAfter(verdict.after());
    }
    var record = MitigationRecord.of(status);
    if (record != null && !record.equals(MitigationRecord.of(seen.previous()))) {
      records.write(
          context.getClient(),
          state.getMetadata().getNamespace(),
          state.getSpec().getVps(),
          ContractRecords.MITIGATION_KEY,
          record);
    }
    return UpdateControl.patchStatus(fresh(state, status)).rescheduleAfter(verdict.after());
  }

  /**
   * The observation: the status to start from (the contract record's when the status lost it: new,
   * recreated, or wiped) and the spam and attack alerts firing now.
   */
  private MitigationObservation gather(
      MitigationState state, Context<MitigationState> context, ContractRecords records) {
    var previous = state.getStatus();
    boolean restored = false;
    if (MitigationRecord.lost(previous)) {
      var kept =
          records.read(
              context.getClient(),
              state.getMetadata().getNamespace(),
              state.getSpec().getVps(),
              ContractRecords.MITIGATION_KEY,
              MitigationRecord.class);
      if (kept.isPresent()) {
        previous = kept.get().seed();
        restored = true;
      }
    }
    return new MitigationObservation(
        state.getSpec().getVps(),
        state.getMetadata().getGeneration(),
        state.getSpec(),
        state.getStatus(),
        previous,
        restored,
        firing(state, context, config.traffic().smtp().spamAlerts()),
        firing(state, context, config.traffic().mitigation().attackAlerts()),
        clock.instant());
  }

  /** Alerts of a kind that fire now on the VPS: open tickets of those alert names. */
  @SuppressWarnings("unchecked")
  private static List<Alert> firing(
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
        .map(Alert::of)
        .toList();
  }

  /** Emails the customer of the block: empty when it went, else why not (retried). */
  private Optional<String> notify(
      MitigationState state, MitigationDecision.Plan plan, Context<MitigationState> context) {
    var vps =
        context
            .getClient()
            .resources(OdooVps.class)
            .inNamespace(state.getMetadata().getNamespace())
            .withName(state.getSpec().getVps())
            .get();
    if (vps == null) {
      return Optional.of(SmtpBlockDecision.nobodyToEmail(state.getSpec().getVps()));
    }
    return notices.send(
        vps, Notice.SMTP_BLOCKED, Map.of("blockedUntil", plan.smtp().blockedUntil()));
  }

  /**
   * A failed pass becomes the Reconciled condition (False, the failure in its message) and a
   * Warning Event, once per failure message; the rest of the status stays as it was.
   */
  @Override
  public ErrorStatusUpdateControl<MitigationState> updateErrorStatus(
      MitigationState state, Context<MitigationState> context, Exception e) {
    if (OperatorShutdown.begun()) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    var previous = state.getStatus();
    var message = ReconcileErrors.message(e);
    var conditions =
        ReconcileErrors.conditions(
            previous == null ? null : previous.conditions(),
            MitigationConditions.RECONCILED,
            state.getMetadata().getGeneration(),
            clock.instant(),
            message);
    if (conditions.isEmpty()) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    new EventRecorder(context.getClient(), clock).warning(state, ReconcileErrors.REASON, message);
    var status =
        previous == null
            ? new MitigationStateStatus(null, null, conditions.get(), null)
            : new MitigationStateStatus(
                previous.ddos(), previous.smtp(), conditions.get(), previous.observedGeneration());
    return ErrorStatusUpdateControl.patchStatus(fresh(state, status));
  }

  /** A fresh object carrying only the name, namespace and the status to write. */
  private static MitigationState fresh(MitigationState state, MitigationStateStatus status) {
    var fresh = new MitigationState();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(state.getMetadata().getName())
            .withNamespace(state.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }
}
