package io.odoovps.operator.vps;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.ipv4.IPv4Allocator;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.monitoring.MonitoringConfig;
import io.odoovps.operator.notification.CustomerMailer;
import io.odoovps.operator.notification.CustomerNotices;
import io.odoovps.operator.notification.NoticeOutbox;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Reconciles an OdooVps through its contract lifecycle: <b>gather</b> the VPS and its secondaries
 * from the caches ({@link VpsGatherer}); <b>decide</b> purely ({@link VpsDecision}): termination,
 * validation, suspension, confinement, network rules, then the status, its Events and the next
 * deadline; <b>act</b> ({@link VpsActions}): the fixed IPv4, the owned objects, the guest, the due
 * notices, the status only if it changed. Nothing is deleted except on the termination path.
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(
          name = OdooVpsAdminSecretDependentResource.NAME,
          type = OdooVpsAdminSecretDependentResource.class),
      @Dependent(
          name = "provider-ssh-secret",
          type = OdooVpsProviderSshSecretDependentResource.class),
      @Dependent(
          name = OdooVpsCommandKeySecretDependentResource.NAME,
          type = OdooVpsCommandKeySecretDependentResource.class),
      @Dependent(
          name = "cloud-init-secret",
          type = OdooVpsCloudInitSecretDependentResource.class,
          dependsOn = {
            OdooVpsAdminSecretDependentResource.NAME,
            OdooVpsCommandKeySecretDependentResource.NAME
          }),
      @Dependent(name = "service", type = OdooVpsServiceDependentResource.class),
      @Dependent(
          name = "isolation-network-policy",
          type = OdooVpsIsolationNetworkPolicyDependentResource.class,
          reconcilePrecondition = IsolationRequired.class),
      @Dependent(
          name = "traffic-network-policy",
          type = OdooVpsTrafficNetworkPolicyDependentResource.class,
          reconcilePrecondition = FilterRequired.class),
      @Dependent(
          name = "cilium-policy",
          type = OdooVpsCiliumPolicyDependentResource.class,
          activationCondition = CiliumPresent.class,
          reconcilePrecondition = CiliumFilterRequired.class),
      @Dependent(
          name = "prometheus-rule",
          type = OdooVpsPrometheusRuleDependentResource.class,
          activationCondition = CRDPresentActivationCondition.class),
      @Dependent(
          name = "disk-claim",
          type = OdooVpsDiskClaimDependentResource.class,
          reconcilePrecondition = OperatorMakesDisk.class),
      @Dependent(
          name = "disk-fill-job",
          type = OdooVpsDiskFillJobDependentResource.class,
          dependsOn = "disk-claim",
          reconcilePrecondition = DiskFillRequired.class),
      @Dependent(
          name = "virtual-machine",
          type = OdooVpsVirtualMachineDependentResource.class,
          dependsOn = {"cloud-init-secret", "provider-ssh-secret"})
    })
@ControllerConfiguration(name = OdooVpsReconciler.NAME)
public class OdooVpsReconciler implements Reconciler<OdooVps>, Cleaner<OdooVps> {

  public static final String NAME = "odoovps";

  private final Duration resync;
  private final Clock clock;
  private final OdooVpsValidator validator;
  private final OdooVpsStatusBuilder statusBuilder;
  private final IPv4Allocator allocator;
  private final NoticeDelivery delivery;
  private final VpsMetrics metrics;
  private final VpsEnding ending;
  private final VpsTraffic traffic;
  private final VpsGatherer gatherer;
  private final VpsDecision decision;
  private final VpsActions actions;
  private final VpsFailure failure;

  /** Without metrics, for tests that do not read them. */
  public OdooVpsReconciler(OperatorConfig config, Clock clock, CustomerMailer mailer) {
    this(config, clock, mailer, new SimpleMeterRegistry());
  }

  public OdooVpsReconciler(
      OperatorConfig config, Clock clock, CustomerMailer mailer, MeterRegistry registry) {
    this(config, MonitoringConfig.withDefaults(), clock, mailer, registry);
  }

  @Inject
  public OdooVpsReconciler(
      OperatorConfig config,
      MonitoringConfig monitoring,
      Clock clock,
      CustomerMailer mailer,
      MeterRegistry registry) {
    this.resync = config.deadlines().resync();
    this.clock = clock;
    this.metrics = new VpsMetrics(registry, clock);
    this.allocator = new IPv4Allocator(config);
    this.validator = new OdooVpsValidator(config, allocator.locations());
    this.statusBuilder = new OdooVpsStatusBuilder(clock);
    var notices = new CustomerNotices(mailer);
    this.delivery = new NoticeDelivery(notices, config.deadlines().noticeRetryMax());
    this.ending = new VpsEnding(clock, statusBuilder, delivery);
    this.traffic = new VpsTraffic(config.traffic(), notices);
    this.actions = new VpsActions(config, monitoring, clock, notices);
    this.gatherer = new VpsGatherer(actions.livePods(), traffic.meter(), config);
    this.decision = new VpsDecision(config, statusBuilder, clock);
    this.failure = new VpsFailure(statusBuilder, metrics, clock);
  }

  @Override
  public List<EventSource<?, OdooVps>> prepareEventSources(EventSourceContext<OdooVps> context) {
    return gatherer.eventSources(context);
  }

  @Override
  public UpdateControl<OdooVps> reconcile(OdooVps primary, Context<OdooVps> context) {
    var client = context.getClient();
    var facts = gatherer.gather(actions.seeded(primary, client), context, clock.instant());
    var events = new EventRecorder(client, clock);
    var outbox = delivery.outbox(facts.vps(), facts.now());
    var pass = pass(facts, context, events, outbox);
    var control = conclude(facts.vps(), pass, events, outbox);
    if (pass.sections().measured()) {
      actions.keepRecord(facts.vps(), control, client);
    }
    return control;
  }

  /** Decide and act up to the status: the termination, an invalid spec, no address, or a run. */
  private VpsDecision.Pass pass(
      VpsFacts facts, Context<OdooVps> context, EventRecorder events, NoticeOutbox outbox) {
    var vps = facts.vps();
    var ended =
        ending.terminateIfEnded(
            vps, context.getClient(), actions.records(context.getClient()), facts.now());
    if (ended.isPresent()) {
      metrics.retire(vps.getMetadata().getUid());
      traffic.forget(vps.getMetadata().getUid());
      return VpsDecision.terminating(ended.get());
    }
    var errors = validator.validate(vps);
    if (!errors.isEmpty()) {
      return VpsDecision.invalid(vps, errors, facts.vm());
    }
    var allocation = allocator.allocate(vps, context.getClient(), VpsGatherer.allocations(context));
    if (!(allocation instanceof IPv4Allocator.Result.Allocated allocated)) {
      return VpsDecision.unallocated(vps, allocation);
    }
    return run(facts, allocated, context, events, outbox);
  }

  /** A VPS that holds its address: enforce the plan, act on the guest, measure the sections. */
  private VpsDecision.Pass run(
      VpsFacts facts,
      IPv4Allocator.Result.Allocated allocated,
      Context<OdooVps> context,
      EventRecorder events,
      NoticeOutbox outbox) {
    var vps = facts.vps();
    var now = facts.now();
    var client = context.getClient();
    var plan = decision.plan(facts, outbox);
    var trafficStatus =
        traffic.measure(facts, plan.period(), events).withApplied(ShaperReport.of(facts.pods()));
    actions.enforce(
        context, allocated.address(), plan, trafficStatus.bandwidthMbps(), facts, events);
    actions.liveBandwidth(client, facts.pods(), trafficStatus.bandwidthMbps());
    plan.mitigationAlert()
        .ifPresent(alert -> actions.createMitigationState(vps, client, alert, events));
    // the VM as the workflow left it
    var observed = facts.withVm(context.getSecondaryResource(VirtualMachine.class));
    var acts =
        actions.onGuest(
            observed, plan, decision.maintenance(facts), allocated, trafficStatus, context, events);
    var pass = decision.measured(observed, plan, acts);
    metrics.measured(vps, pass, traffic.bytesUsed(vps.getMetadata().getUid()));
    return pass;
  }

  /** Decide the status and its Events, deliver the notices due, write the status if it changed. */
  private UpdateControl<OdooVps> conclude(
      OdooVps vps, VpsDecision.Pass pass, EventRecorder events, NoticeOutbox outbox) {
    var verdict = decision.status(pass, outbox, clock.instant());
    verdict.events().emitTo(events);
    boolean delivered = delivery.deliver(vps, outbox, events, clock.instant());
    var status = verdict.status();
    VpsDecision.settle(vps, status, outbox, clock.instant());
    metrics.reconciled(vps.getMetadata().getUid(), status.getPhase());
    var after = WakeUp.after(pass.wake(), delivered, outbox, resync, clock.instant());
    if (Objects.equals(status, vps.getStatus())) {
      return UpdateControl.<OdooVps>noUpdate().rescheduleAfter(after);
    }
    return UpdateControl.patchStatus(StatusPatches.withStatus(vps, status)).rescheduleAfter(after);
  }

  @Override
  public DeleteControl cleanup(OdooVps vps, Context<OdooVps> context) {
    var control =
        ending.onDelete(
            vps,
            context.getClient(),
            new EventRecorder(context.getClient(), clock),
            VpsGatherer.backupRecords(vps, context),
            actions.records(context.getClient()));
    if (control.isRemoveFinalizer()) {
      metrics.forget(vps.getMetadata().getUid());
      traffic.forget(vps.getMetadata().getUid());
    }
    return control;
  }

  /** A failed pass: Ready False with the root cause, and a Warning ({@link VpsFailure}). */
  @Override
  public ErrorStatusUpdateControl<OdooVps> updateErrorStatus(
      OdooVps vps, Context<OdooVps> context, Exception e) {
    return failure.report(vps, () -> context.getClient(), e);
  }
}
