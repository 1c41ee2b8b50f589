package io.odoovps.operator.vps;

import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
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
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.odoovps.AvailabilityStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.BillingStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.SupportStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.config.OperatorConfig.SuspensionMode;
import io.odoovps.operator.contract.Availability;
import io.odoovps.operator.contract.BillingCycle;
import io.odoovps.operator.contract.IdentityCheckDeadline;
import io.odoovps.operator.contract.MaintenanceWindow;
import io.odoovps.operator.contract.PlanChangeTracker;
import io.odoovps.operator.contract.SuspensionPolicy;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.ipv4.IPv4Allocator;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.monitoring.AlertRuleDesign;
import io.odoovps.operator.monitoring.MonitoringConfig;
import io.odoovps.operator.notification.CustomerMailer;
import io.odoovps.operator.notification.Notice;
import io.odoovps.operator.restore.OdooVpsRestoreReconciler;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.support.SupportMinutes;
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
 * Reconciles an OdooVps through its contract lifecycle. A pass: terminate if the contract ended;
 * else validate what CEL cannot; hold the fixed IPv4; decide suspension and isolation; reconcile
 * the owned objects (workflow); observe the VM; send the notices that are due; compute the status
 * and write it only if it changed; wake up at the next contract deadline. Nothing is deleted except
 * on the termination path.
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
          name = "cloud-init-secret",
          type = OdooVpsCloudInitSecretDependentResource.class,
          dependsOn = OdooVpsAdminSecretDependentResource.NAME),
      @Dependent(name = "service", type = OdooVpsServiceDependentResource.class),
      @Dependent(
          name = "isolation-network-policy",
          type = OdooVpsIsolationNetworkPolicyDependentResource.class,
          reconcilePrecondition = IsolationRequired.class),
      @Dependent(
          name = "prometheus-rule",
          type = OdooVpsPrometheusRuleDependentResource.class,
          activationCondition = CRDPresentActivationCondition.class),
      @Dependent(
          name = "virtual-machine",
          type = OdooVpsVirtualMachineDependentResource.class,
          dependsOn = {"cloud-init-secret", "provider-ssh-secret"})
    })
@ControllerConfiguration(name = OdooVpsReconciler.NAME)
public class OdooVpsReconciler implements Reconciler<OdooVps>, Cleaner<OdooVps> {

  public static final String NAME = "odoovps";
  static final String IPV4_EVENT_SOURCE = "ipv4-allocations";
  static final String RESTORE_EVENT_SOURCE = "restores";
  static final String TICKET_EVENT_SOURCE = "tickets";

  private final OperatorConfig config;
  private final Clock clock;
  private final VirtualMachineDesign vmDesign;
  private final GuestDesign guestDesign;
  private final NetworkDesign networkDesign;
  private final OdooVpsValidator validator;
  private final OdooVpsStatusBuilder statusBuilder;
  private final IPv4Allocator allocator;
  private final CustomerNotices notices;

  private final VpsMetrics metrics;
  private final AlertRuleDesign alertRuleDesign;
  private final VpsEnding ending;
  private final VpsGuest guest;

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
    this.alertRuleDesign = new AlertRuleDesign(monitoring);
    this.metrics = new VpsMetrics(registry, clock);
    this.config = config;
    this.clock = clock;
    this.vmDesign = new VirtualMachineDesign(config);
    this.guestDesign = new GuestDesign(config);
    this.networkDesign = new NetworkDesign(config);
    this.allocator = new IPv4Allocator(config);
    this.validator = new OdooVpsValidator(config, allocator.locations());
    this.statusBuilder = new OdooVpsStatusBuilder(clock);
    this.notices = new CustomerNotices(mailer);
    this.ending = new VpsEnding(clock, statusBuilder, notices);
    this.guest = new VpsGuest(notices);
  }

  @Override
  public List<EventSource<?, OdooVps>> prepareEventSources(EventSourceContext<OdooVps> context) {
    var configuration =
        InformerEventSourceConfiguration.from(IPv4Allocation.class, OdooVps.class)
            .withName(IPV4_EVENT_SOURCE)
            .withWatchAllNamespaces()
            .withLabelSelector(VpsLabels.MANAGED_BY_SELECTOR)
            .withSecondaryToPrimaryMapper(
                a ->
                    Set.of(
                        new ResourceID(
                            a.getSpec().getVps().name(), a.getSpec().getVps().namespace())))
            .build();
    var source = new InformerEventSource<>(configuration, context);
    source.addIndexers(IPv4Allocator.indexers());
    var restores =
        InformerEventSourceConfiguration.from(OdooVpsRestore.class, OdooVps.class)
            .withName(RESTORE_EVENT_SOURCE)
            .withSecondaryToPrimaryMapper(
                r -> Set.of(new ResourceID(r.getSpec().getVps(), r.getMetadata().getNamespace())))
            .build();
    var tickets =
        InformerEventSourceConfiguration.from(SupportTicket.class, OdooVps.class)
            .withName(TICKET_EVENT_SOURCE)
            .withSecondaryToPrimaryMapper(
                t -> Set.of(new ResourceID(t.getSpec().getVps(), t.getMetadata().getNamespace())))
            .build();
    return List.of(
        source,
        new InformerEventSource<>(restores, context),
        new InformerEventSource<>(tickets, context));
  }

  /** Support minutes of the billing cycle, from the VPS's tickets. */
  @SuppressWarnings("unchecked")
  private static SupportStatus support(
      OdooVps vps, Context<OdooVps> context, BillingCycle.Period period) {
    var tickets =
        ((InformerEventSource<SupportTicket, OdooVps>)
                context
                    .eventSourceRetriever()
                    .getEventSourceFor(SupportTicket.class, TICKET_EVENT_SOURCE))
            .list(
                vps.getMetadata().getNamespace(),
                t -> vps.getMetadata().getName().equals(t.getSpec().getVps()))
            .toList();
    return SupportMinutes.of(tickets, period.start(), period.end());
  }

  /** Whether a restore holds the VM of {@code vps} stopped (it streams a backup onto the disk). */
  @SuppressWarnings("unchecked")
  private static boolean restoring(OdooVps vps, Context<OdooVps> context) {
    var restores =
        (InformerEventSource<OdooVpsRestore, OdooVps>)
            context
                .eventSourceRetriever()
                .getEventSourceFor(OdooVpsRestore.class, RESTORE_EVENT_SOURCE);
    return restores
        .list(
            vps.getMetadata().getNamespace(),
            r -> OdooVpsRestoreReconciler.holdsVm(r, vps.getMetadata().getName()))
        .findAny()
        .isPresent();
  }

  @SuppressWarnings("unchecked")
  private InformerEventSource<IPv4Allocation, OdooVps> allocations(Context<OdooVps> context) {
    return (InformerEventSource<IPv4Allocation, OdooVps>)
        context.eventSourceRetriever().getEventSourceFor(IPv4Allocation.class, IPV4_EVENT_SOURCE);
  }

  @Override
  public UpdateControl<OdooVps> reconcile(OdooVps vps, Context<OdooVps> context) {
    var now = clock.instant();
    var events = new EventRecorder(context.getClient(), clock);
    var termination = ending.cause(vps, now);
    if (termination.isPresent()
        || (vps.getStatus() != null && vps.getStatus().getTermination() != null)) {
      var observation = ending.terminate(vps, context.getClient(), termination.orElse("Requested"));
      return finish(
          vps,
          observation,
          events,
          observation.termination().completedAt() == null ? Duration.ofSeconds(5) : null);
    }

    var errors = validator.validate(vps);
    if (!errors.isEmpty()) {
      return finish(
          vps,
          VpsObservation.invalid(vps, errors, context.getSecondaryResource(VirtualMachine.class)),
          events,
          null);
    }

    var allocation = allocator.allocate(vps, context.getClient(), allocations(context));
    if (!(allocation instanceof IPv4Allocator.Result.Allocated allocated)) {
      String problem;
      if (allocation instanceof IPv4Allocator.Result.Exhausted e) {
        problem =
            "The IPv4 pool of "
                + e.location()
                + " is exhausted ("
                + e.size()
                + " addresses, all held); nothing was created";
      } else if (allocation instanceof IPv4Allocator.Result.NoPool p) {
        problem = "Location " + p.location() + ": " + p.why();
      } else {
        problem = "IPv4 allocation failed";
      }
      var observation =
          new VpsObservation(
              vps,
              List.of(),
              null,
              problem,
              Optional.empty(),
              null,
              false,
              null,
              null,
              null,
              null,
              null,
              null);
      return finish(vps, observation, events, Duration.ofMinutes(1));
    }

    var previous = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    var suspension = SuspensionPolicy.decide(vps.getSpec(), previous.getSuspension(), now);
    boolean suspended = suspension != null && Boolean.TRUE.equals(suspension.active());
    var mode = config.suspension().mode();
    boolean restoring = restoring(vps, context);
    boolean halted = (suspended && mode == SuspensionMode.halt) || restoring;
    boolean isolated =
        vps.getSpec().getIsolation() != null || (suspended && mode == SuspensionMode.isolate);
    new Enforcement(
            allocated.address(),
            halted,
            isolated,
            vmDesign,
            guestDesign,
            networkDesign,
            alertRuleDesign)
        .putInto(context);
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();

    var vm = context.getSecondaryResource(VirtualMachine.class);
    var vmRunsPlan = vm.map(v -> VpsGuest.runsPlan(v, vps)).orElse(false);
    if (vm.isPresent()
        && vm.get().getStatus() != null
        && vm.get().getStatus().restartRequired()
        && !halted) {
      guest.restart(vps, context.getClient(), events);
    }
    var planChange =
        PlanChangeTracker.next(
            previous.getPlanChange(),
            vps.getSpec().getPlan(),
            vmRunsPlan,
            now,
            config.deadlines().planChangeWarning());
    var period = BillingCycle.current(vps.getSpec().getBilling(), now);
    var billing =
        new BillingStatus(
            Timestamps.format(period.start()), Timestamps.format(period.end()), period.renewals());
    var identityDeadline =
        IdentityCheckDeadline.pending(vps.getSpec().getIdentityCheck())
            .map(Timestamps::format)
            .orElse(null);

    String accessCodesSentAt = previous.getAccessCodesSentAt();
    String accessCodesProblem = null;
    boolean vmReady =
        vm.map(v -> v.getStatus() != null && Boolean.TRUE.equals(v.getStatus().ready()))
            .orElse(false);
    if (accessCodesSentAt == null && vmReady) {
      var problem = guest.sendAccessCodes(vps, context, allocated.address());
      if (problem.isEmpty()) {
        accessCodesSentAt = Timestamps.format(now);
        events.normal(
            vps,
            "AccessCodesSent",
            "Odoo access codes emailed to " + vps.getSpec().getCustomer().getEmail());
      } else {
        accessCodesProblem = problem.get();
      }
    }

    var maintenance = maintain(vps, previous, halted, context, events, now);

    var observation =
        new VpsObservation(
            vps,
            List.of(),
            allocated.address(),
            null,
            vm,
            suspension,
            isolated,
            planChange,
            billing,
            identityDeadline,
            accessCodesSentAt,
            accessCodesProblem,
            null);
    var wake =
        Stream.of(
                Optional.ofNullable(planChange.nextCheck()),
                IdentityCheckDeadline.pending(vps.getSpec().getIdentityCheck()),
                Optional.of(period.end()),
                Optional.ofNullable(accessCodesProblem).map(p -> now.plus(Duration.ofMinutes(5))),
                Optional.ofNullable(maintenance)
                    .filter(m -> m.rebootedAt() == null)
                    .map(
                        m ->
                            m.scheduledFor() == null
                                ? now.plus(Duration.ofMinutes(5))
                                : Instant.parse(m.scheduledFor())))
            .flatMap(Optional::stream)
            .filter(t -> t.isAfter(now))
            .min(Instant::compareTo)
            .map(t -> Duration.between(now, t).plusSeconds(1))
            .orElse(null);
    // down while meant to run: ready once, not suspended, isolated, being restored, or within
    // the grace of an announced maintenance reboot
    boolean rebooting =
        maintenance != null
            && maintenance.rebootedAt() != null
            && now.isBefore(
                Instant.parse(maintenance.rebootedAt())
                    .plus(config.deadlines().maintenanceGrace()));
    boolean meantToRun =
        accessCodesSentAt != null && !suspended && !isolated && !restoring && !rebooting;
    var availability = Availability.next(previous.getAvailability(), meantToRun && !vmReady, now);
    metrics.availability(
        vps.getMetadata().getUid(),
        vps.getMetadata().getNamespace(),
        vps.getMetadata().getName(),
        availability,
        !(meantToRun && !vmReady));
    return finish(
        vps,
        observation,
        events,
        wake,
        restoring && !suspended,
        support(vps, context, period),
        availability,
        maintenance);
  }

  /**
   * A maintenance reboot: the customer is emailed first; the VM restarts once the notice period has
   * passed (not while it is halted: it then has nothing to reboot).
   */
  private MaintenanceStatus maintain(
      OdooVps vps,
      OdooVpsStatus previous,
      boolean halted,
      Context<OdooVps> context,
      EventRecorder events,
      Instant now) {
    var request = vps.getSpec().getMaintenance();
    var notice = config.deadlines().maintenanceNotice();
    var step = MaintenanceWindow.next(request, previous.getMaintenance(), now, notice);
    var status = step.status();
    switch (step.action()) {
      case SEND_NOTICE -> {
        var rebootAt = MaintenanceWindow.rebootTime(request, now, notice);
        var problem =
            notices.send(
                vps,
                Notice.MAINTENANCE_SCHEDULED,
                Map.of(
                    "vpsName", vps.getMetadata().getName(),
                    "rebootTime", Timestamps.format(rebootAt)));
        if (problem.isPresent()) {
          return new MaintenanceStatus(status.requestedAt(), null, null, null, problem.get());
        }
        events.normal(
            vps,
            "MaintenanceScheduled",
            "Customer emailed: reboot at "
                + Timestamps.format(rebootAt)
                + " ("
                + request.getReason()
                + ")");
        return new MaintenanceStatus(
            status.requestedAt(), Timestamps.format(now), Timestamps.format(rebootAt), null, null);
      }
      case REBOOT -> {
        var rebooted = !halted && guest.reboot(vps, context.getClient());
        events.normal(
            vps,
            "MaintenanceDone",
            rebooted
                ? "VM rebooted for maintenance (" + request.getReason() + ")"
                : "Maintenance due; the VM was not running, nothing to reboot");
        return new MaintenanceStatus(
            status.requestedAt(),
            status.noticeSentAt(),
            status.scheduledFor(),
            Timestamps.format(now),
            null);
      }
      default -> {
        return status;
      }
    }
  }

  private UpdateControl<OdooVps> finish(
      OdooVps vps, VpsObservation observation, EventRecorder events, Duration wake) {
    return finish(vps, observation, events, wake, false, null, null, null);
  }

  private UpdateControl<OdooVps> finish(
      OdooVps vps,
      VpsObservation observation,
      EventRecorder events,
      Duration wake,
      boolean restoring,
      SupportStatus support,
      AvailabilityStatus availability,
      MaintenanceStatus maintenance) {
    var status = statusBuilder.build(observation);
    if (restoring) {
      status.setPhase(VpsPhase.Restoring);
    }
    // paths that do not measure them (invalid spec, no address, termination) keep the last values
    var before = vps.getStatus();
    status.setSupport(support != null || before == null ? support : before.getSupport());
    status.setAvailability(
        availability != null || before == null ? availability : before.getAvailability());
    status.setMaintenance(
        maintenance != null || before == null ? maintenance : before.getMaintenance());
    new VpsTransitions(events, notices).record(vps, status);
    metrics.reconciled(vps.getMetadata().getUid(), status.getPhase());
    var resync = config.deadlines().resync();
    var after = wake == null || wake.compareTo(resync) > 0 ? resync : wake;
    if (Objects.equals(status, vps.getStatus())) {
      return UpdateControl.<OdooVps>noUpdate().rescheduleAfter(after);
    }
    return UpdateControl.patchStatus(StatusPatches.withStatus(vps, status)).rescheduleAfter(after);
  }

  @Override
  public DeleteControl cleanup(OdooVps vps, Context<OdooVps> context) {
    var control =
        ending.onDelete(vps, context.getClient(), new EventRecorder(context.getClient(), clock));
    if (control.isRemoveFinalizer()) {
      metrics.forget(vps.getMetadata().getUid());
    }
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<OdooVps> updateErrorStatus(
      OdooVps vps, Context<OdooVps> context, Exception e) {
    metrics.failed();
    var previous = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    var message = "Reconcile failed: " + rootMessage(e);
    var unchanged =
        ConditionList.find(previous.getConditions(), OdooVpsConditions.READY)
            .map(c -> message.equals(c.getMessage()))
            .orElse(false);
    if (unchanged) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    new EventRecorder(context.getClient(), clock).warning(vps, "ReconcileError", message);
    var conditions =
        new ArrayList<>(
            new ConditionList(
                    previous.getConditions(), vps.getMetadata().getGeneration(), clock.instant())
                .set(OdooVpsConditions.READY, false, "ReconcileError", message)
                .build());
    previous.getConditions().stream()
        .filter(c -> !OdooVpsConditions.READY.equals(c.getType()))
        .forEach(conditions::add);
    // A copy: the status in hand belongs to the informer's cache.
    var next = StatusPatches.copyOf(previous);
    next.setConditions(conditions);
    return ErrorStatusUpdateControl.patchStatus(StatusPatches.withStatus(vps, next));
  }

  private static String rootMessage(Throwable e) {
    var cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
