package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Pod;
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
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.AvailabilityStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.BillingStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.MaintenanceStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.SupportStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TrafficStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.config.OperatorConfig.SuspensionMode;
import io.odoovps.operator.config.OperatorShutdown;
import io.odoovps.operator.contract.Availability;
import io.odoovps.operator.contract.BillingCycle;
import io.odoovps.operator.contract.FixedTermEnd;
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
import io.odoovps.operator.notification.NoticeOutbox;
import io.odoovps.operator.record.ContractRecords;
import io.odoovps.operator.record.VpsRecord;
import io.odoovps.operator.restore.OdooVpsRestoreReconciler;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.support.SupportMinutes;
import io.odoovps.operator.traffic.FilterRules;
import io.odoovps.operator.traffic.PortRange;
import io.odoovps.operator.traffic.PrometheusTraffic;
import io.odoovps.operator.traffic.TrafficMeter;
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
  static final String MITIGATION_EVENT_SOURCE = "mitigations";
  static final String POD_EVENT_SOURCE = "vm-pods";
  static final String TRAFFIC_EVENT_SOURCE = "traffic";
  static final String POLICY_EVENT_SOURCE = "backup-policies";

  private final OperatorConfig config;
  private final Clock clock;
  private final VirtualMachineDesign vmDesign;
  private final GuestDesign guestDesign;
  private final NetworkDesign networkDesign;
  private final OdooVpsValidator validator;
  private final OdooVpsStatusBuilder statusBuilder;
  private final IPv4Allocator allocator;
  private final CustomerNotices notices;
  private final NoticeDelivery delivery;

  private final VpsMetrics metrics;
  private final AlertRuleDesign alertRuleDesign;
  private final VpsEnding ending;
  private final VpsGuest guest;
  private final VpsTraffic traffic;
  private final TrafficMeter meter;
  private final List<PortRange> deniedTcp;
  private final List<PortRange> allowedUdpEgress;
  private final List<PortRange> allowedUdpIngress;
  private final Map<String, String> liveAnnotations;

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
    this.delivery = new NoticeDelivery(notices, config.deadlines().noticeRetryMax());
    this.ending = new VpsEnding(clock, statusBuilder, delivery);
    this.guest = new VpsGuest(notices);
    var trafficConfig = config.traffic();
    this.traffic = new VpsTraffic(trafficConfig, notices);
    this.meter =
        trafficConfig
            .prometheus()
            .url()
            .map(
                url ->
                    new TrafficMeter(
                        new PrometheusTraffic(
                            java.net.URI.create(url),
                            trafficConfig.prometheus().timeout(),
                            trafficConfig.prometheus().bearerToken())))
            .orElse(null);
    this.deniedTcp = PortRange.parseList(trafficConfig.filter().deniedTcpPorts());
    this.allowedUdpEgress = PortRange.parseList(trafficConfig.filter().allowedUdpEgressPorts());
    this.allowedUdpIngress =
        PortRange.parseList(trafficConfig.filter().allowedUdpIngressPorts().orElse(List.of()));
    this.liveAnnotations = new java.util.TreeMap<>(trafficConfig.liveAnnotations());
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
    var mitigations =
        InformerEventSourceConfiguration.from(MitigationState.class, OdooVps.class)
            .withName(MITIGATION_EVENT_SOURCE)
            .withSecondaryToPrimaryMapper(
                m -> Set.of(new ResourceID(m.getSpec().getVps(), m.getMetadata().getNamespace())))
            .build();
    // BackedUp: which policy's status holds the VPS (the policies of its namespace)
    var policies =
        InformerEventSourceConfiguration.from(BackupPolicy.class, OdooVps.class)
            .withName(POLICY_EVENT_SOURCE)
            .withSecondaryToPrimaryMapper(
                p ->
                    p.getStatus() == null || p.getStatus().vps() == null
                        ? Set.of()
                        : p.getStatus().vps().stream()
                            .map(e -> new ResourceID(e.name(), p.getMetadata().getNamespace()))
                            .collect(java.util.stream.Collectors.toSet()))
            .build();
    var sources = new ArrayList<EventSource<?, OdooVps>>();
    sources.add(source);
    sources.add(new InformerEventSource<>(policies, context));
    sources.add(new InformerEventSource<>(restores, context));
    sources.add(new InformerEventSource<>(tickets, context));
    sources.add(new InformerEventSource<>(mitigations, context));
    if (!liveAnnotations.isEmpty()) {
      // the VM's virt-launcher pods carry the template's labels, the VPS label among them, and
      // KubeVirt's own; the operator patches no other pod (a backup pod of an older release
      // carried the VPS label too)
      var pods =
          InformerEventSourceConfiguration.from(Pod.class, OdooVps.class)
              .withName(POD_EVENT_SOURCE)
              .withLabelSelector(VpsLabels.VPS + ",kubevirt.io=virt-launcher")
              .withSecondaryToPrimaryMapper(
                  p ->
                      Set.of(
                          new ResourceID(
                              p.getMetadata().getLabels().get(VpsLabels.VPS),
                              p.getMetadata().getNamespace())))
              .build();
      sources.add(new InformerEventSource<>(pods, context));
    }
    if (meter != null) {
      sources.add(
          new PollingEventSource<>(
              PrometheusTraffic.Reading.class,
              new PollingConfiguration<PrometheusTraffic.Reading, String>(
                  TRAFFIC_EVENT_SOURCE,
                  meter,
                  config.traffic().prometheus().interval(),
                  r -> "transmit")));
    }
    return sources;
  }

  /** The VPS's MitigationState, if it has one. */
  @SuppressWarnings("unchecked")
  private static Optional<MitigationState> mitigation(OdooVps vps, Context<OdooVps> context) {
    var source =
        (InformerEventSource<MitigationState, OdooVps>)
            context
                .eventSourceRetriever()
                .getEventSourceFor(MitigationState.class, MITIGATION_EVENT_SOURCE);
    return source
        .list(
            vps.getMetadata().getNamespace(),
            m -> vps.getMetadata().getName().equals(m.getSpec().getVps()))
        .findFirst();
  }

  /**
   * A spam or attack alert fires on a VPS that has no MitigationState yet: create it (owned by the
   * VPS), for the mitigation reconciler to act on. It is never deleted but with the VPS.
   */
  @SuppressWarnings("unchecked")
  private void ensureMitigationState(
      OdooVps vps, Context<OdooVps> context, boolean present, EventRecorder events) {
    if (present) {
      return;
    }
    var abuse = new java.util.HashSet<String>(config.traffic().smtp().spamAlerts());
    abuse.addAll(config.traffic().mitigation().attackAlerts());
    var tickets =
        (InformerEventSource<SupportTicket, OdooVps>)
            context
                .eventSourceRetriever()
                .getEventSourceFor(SupportTicket.class, TICKET_EVENT_SOURCE);
    var alert =
        tickets
            .list(
                vps.getMetadata().getNamespace(),
                t ->
                    vps.getMetadata().getName().equals(t.getSpec().getVps())
                        && t.getSpec().getAlert() != null
                        && abuse.contains(t.getSpec().getAlert().name())
                        && t.getStatus() != null
                        && t.getStatus().phase()
                            == io.odoovps.operator.api.v1alpha1.ticket.SupportTicketStatus.Phase
                                .Open)
            .findFirst();
    if (alert.isEmpty()) {
      return;
    }
    var state = new MitigationState();
    state.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(vps.getMetadata().getName())
            .withNamespace(vps.getMetadata().getNamespace())
            .withLabels(VpsLabels.of(vps))
            .withOwnerReferences(
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                    .withApiVersion(vps.getApiVersion())
                    .withKind(vps.getKind())
                    .withName(vps.getMetadata().getName())
                    .withUid(vps.getMetadata().getUid())
                    .build())
            .build());
    var spec = new io.odoovps.operator.api.v1alpha1.mitigation.MitigationStateSpec();
    spec.setVps(vps.getMetadata().getName());
    state.setSpec(spec);
    try {
      context.getClient().resource(state).create();
      events.warning(
          vps,
          "MitigationStateCreated",
          "Alert " + alert.get().getSpec().getAlert().name() + " fires: MitigationState created");
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /**
   * Live bandwidth: the configured annotations, which the CNI applies on the running pod, patched
   * onto the VM's virt-launcher pods when they differ (a merge patch of those keys only).
   */
  @SuppressWarnings("unchecked")
  private void applyLiveBandwidth(OdooVps vps, Context<OdooVps> context, int mbps) {
    if (liveAnnotations.isEmpty()) {
      return;
    }
    var desired = new java.util.TreeMap<String, String>();
    liveAnnotations.forEach((k, v) -> desired.put(k, v.replace("{mbps}", Integer.toString(mbps))));
    var pods =
        (InformerEventSource<Pod, OdooVps>)
            context.eventSourceRetriever().getEventSourceFor(Pod.class, POD_EVENT_SOURCE);
    pods.list(
            vps.getMetadata().getNamespace(),
            p -> vps.getMetadata().getName().equals(p.getMetadata().getLabels().get(VpsLabels.VPS)))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p -> {
              var current = p.getMetadata().getAnnotations();
              return desired.entrySet().stream()
                  .anyMatch(e -> current == null || !e.getValue().equals(current.get(e.getKey())));
            })
        .forEach(
            p -> {
              try {
                context
                    .getClient()
                    .pods()
                    .inNamespace(p.getMetadata().getNamespace())
                    .withName(p.getMetadata().getName())
                    .patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        io.fabric8.kubernetes.client.utils.Serialization.asJson(
                            Map.of("metadata", Map.of("annotations", desired))));
              } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 404) {
                  throw e;
                }
              }
            });
  }

  /** The VM's counter reading, from the polling source. */
  private Optional<PrometheusTraffic.Reading> reading(Context<OdooVps> context) {
    return context.getSecondaryResource(PrometheusTraffic.Reading.class, TRAFFIC_EVENT_SOURCE);
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

  /** The BackupPolicies of the VPS's namespace, from the cache. */
  @SuppressWarnings("unchecked")
  static List<BackupPolicy> policies(OdooVps vps, Context<OdooVps> context) {
    var source =
        (InformerEventSource<BackupPolicy, OdooVps>)
            context
                .eventSourceRetriever()
                .getEventSourceFor(BackupPolicy.class, POLICY_EVENT_SOURCE);
    return source.list(vps.getMetadata().getNamespace()).toList();
  }

  @SuppressWarnings("unchecked")
  private InformerEventSource<IPv4Allocation, OdooVps> allocations(Context<OdooVps> context) {
    return (InformerEventSource<IPv4Allocation, OdooVps>)
        context.eventSourceRetriever().getEventSourceFor(IPv4Allocation.class, IPV4_EVENT_SOURCE);
  }

  @Override
  public UpdateControl<OdooVps> reconcile(OdooVps primary, Context<OdooVps> context) {
    return pass(withRecord(primary, context), context);
  }

  /**
   * The VPS as this pass starts from it: when its status lost the contract state (new, recreated,
   * or wiped), a copy whose status is seeded from the contract record, if there is one.
   */
  private OdooVps withRecord(OdooVps vps, Context<OdooVps> context) {
    if (!VpsRecord.lost(vps.getStatus())) {
      return vps;
    }
    var kept =
        records(context)
            .read(
                context.getClient(),
                vps.getMetadata().getNamespace(),
                vps.getMetadata().getName(),
                ContractRecords.VPS_KEY,
                VpsRecord.class);
    if (kept.isEmpty()) {
      return vps;
    }
    new EventRecorder(context.getClient(), clock)
        .normal(
            vps,
            "ContractStateRestored",
            "The status held no contract state: suspensions, traffic and downtime restored from"
                + " the contract record");
    return StatusPatches.withSeed(vps, kept.get().seed());
  }

  private UpdateControl<OdooVps> pass(OdooVps vps, Context<OdooVps> context) {
    var now = clock.instant();
    var events = new EventRecorder(context.getClient(), clock);
    var outbox = delivery.outbox(vps, now);
    var termination = ending.cause(vps, now);
    if (termination.isPresent()
        || (vps.getStatus() != null && vps.getStatus().getTermination() != null)) {
      var observation =
          ending.terminate(
              vps, context.getClient(), termination.orElse("Requested"), records(context));
      metrics.retire(vps.getMetadata().getUid());
      traffic.forget(vps.getMetadata().getUid());
      return finish(
          vps,
          observation,
          events,
          observation.termination().completedAt() == null ? Duration.ofSeconds(5) : null,
          outbox,
          Sections.KEPT);
    }

    var errors = validator.validate(vps);
    if (!errors.isEmpty()) {
      return finish(
          vps,
          VpsObservation.invalid(vps, errors, context.getSecondaryResource(VirtualMachine.class)),
          events,
          null,
          outbox,
          Sections.KEPT);
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
      return finish(vps, observation, events, Duration.ofMinutes(1), outbox, Sections.KEPT);
    }

    var records = records(context);
    var previous = vps.getStatus() == null ? new OdooVpsStatus() : vps.getStatus();
    var contractEnd =
        FixedTermEnd.next(
            vps.getSpec().getBilling(),
            previous.getContractEnd(),
            now,
            config.deadlines().fixedTermGrace());
    // the 72 hours count from when the customer was emailed (the notice is retried until it is)
    var identityDue =
        IdentityCheckDeadline.pending(
            vps.getSpec().getIdentityCheck(),
            NoticeDelivery.identityNoticeSentAt(vps, outbox).orElse(null));
    var suspension =
        SuspensionPolicy.decide(
            vps.getSpec(), previous.getSuspension(), now, identityDue, contractEnd != null);
    boolean suspended = suspension != null && Boolean.TRUE.equals(suspension.active());
    var mode = config.suspension().mode();
    boolean restoring = restoring(vps, context);
    boolean halted = (suspended && mode == SuspensionMode.halt) || restoring;
    boolean isolated =
        vps.getSpec().getIsolation() != null || (suspended && mode == SuspensionMode.isolate);
    var period = BillingCycle.current(vps.getSpec().getBilling(), now);
    var trafficStatus =
        meter == null
            ? traffic.unmetered(period)
            : traffic.next(
                vps, previous.getTraffic(), reading(context), meter.problem(), period, now, events);
    var mitigationState = mitigation(vps, context);
    var mitigationStatus = mitigationState.map(MitigationState::getStatus);
    boolean smtpBlocked =
        mitigationStatus
            .map(MitigationStateStatus::smtp)
            .filter(smtp -> Boolean.TRUE.equals(smtp.blocked()) && smtp.blockedUntil() != null)
            .map(smtp -> now.isBefore(Instant.parse(smtp.blockedUntil())))
            .orElse(false);
    int mitigationLevel =
        mitigationStatus
            .map(MitigationStateStatus::ddos)
            .filter(d -> Boolean.TRUE.equals(d.active()) && d.level() != null)
            .map(MitigationStateStatus.DdosStatus::level)
            .orElse(0);
    var trafficConfig = config.traffic();
    var filter =
        new FilterRules(
            NetworkDesign.podSelector(vps),
            config.provider().adminCidrs(),
            deniedTcp,
            allowedUdpEgress,
            allowedUdpIngress,
            smtpBlocked,
            trafficConfig.smtp().port(),
            mitigationLevel,
            config.service().ports(),
            trafficConfig.mitigation().scrubbingCidrs().orElse(List.of()));
    new Enforcement(
            allocated.address(),
            halted,
            isolated,
            vmDesign,
            guestDesign,
            networkDesign,
            alertRuleDesign,
            filter,
            trafficStatus.bandwidthMbps(),
            mitigationLevel > 0
                ? new java.util.TreeMap<>(trafficConfig.mitigation().serviceAnnotations())
                : Map.of())
        .putInto(context);
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    applyLiveBandwidth(vps, context, trafficStatus.bandwidthMbps());
    ensureMitigationState(vps, context, mitigationState.isPresent(), events);

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
    var billing =
        new BillingStatus(
            Timestamps.format(period.start()), Timestamps.format(period.end()), period.renewals());
    var identityDeadline = identityDue.map(Timestamps::format).orElse(null);

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
            null,
            allocated.caution());
    var wake =
        Stream.of(
                Optional.ofNullable(planChange.nextCheck()),
                identityDue,
                Optional.ofNullable(contractEnd).map(e -> Timestamps.parse(e.deleteAt())),
                Optional.of(period.end()),
                Optional.ofNullable(accessCodesProblem).map(p -> now.plus(Duration.ofMinutes(5))),
                Optional.ofNullable(maintenance)
                    .filter(m -> !m.done())
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
    metrics.traffic(
        vps.getMetadata().getUid(),
        vps.getMetadata().getNamespace(),
        vps.getMetadata().getName(),
        trafficStatus,
        traffic.bytesUsed(vps.getMetadata().getUid()));
    metrics.availability(
        vps.getMetadata().getUid(),
        vps.getMetadata().getNamespace(),
        vps.getMetadata().getName(),
        availability,
        !(meantToRun && !vmReady));
    var backup =
        BackupCoverage.of(
            vps.getMetadata().getName(),
            Timestamps.parse(vps.getMetadata().getCreationTimestamp()),
            policies(vps, context),
            previous.getBackup(),
            now,
            config.backup().staleAfter());
    metrics.backup(
        vps.getMetadata().getUid(),
        vps.getMetadata().getNamespace(),
        vps.getMetadata().getName(),
        backup.withoutBackupSince());
    var control =
        finish(
            vps,
            observation,
            events,
            wake,
            outbox,
            new Sections(
                true,
                restoring && !suspended,
                support(vps, context, period),
                availability,
                maintenance,
                trafficStatus,
                contractEnd,
                backup));
    keepRecord(vps, control, records, context.getClient());
    return control;
  }

  /** The contract record follows the status it mirrors: written when that part changed. */
  private static void keepRecord(
      OdooVps vps,
      UpdateControl<OdooVps> control,
      ContractRecords records,
      io.fabric8.kubernetes.client.KubernetesClient client) {
    if (!control.isPatchStatus()) {
      return;
    }
    var next = VpsRecord.of(control.getResource().orElseThrow().getStatus());
    if (next != null && !next.sameAs(VpsRecord.of(vps.getStatus()))) {
      records.write(
          client,
          vps.getMetadata().getNamespace(),
          vps.getMetadata().getName(),
          ContractRecords.VPS_KEY,
          next);
    }
  }

  private ContractRecords records(Context<OdooVps> context) {
    return new ContractRecords(
        io.odoovps.operator.config.OperatorNamespace.of(config, context.getClient()));
  }

  /**
   * The status sections a pass measured, beside the observation. {@link #KEPT} on the paths that do
   * not measure them (invalid spec, no address, termination): they keep their last values.
   */
  record Sections(
      boolean measured,
      boolean restoring,
      SupportStatus support,
      AvailabilityStatus availability,
      MaintenanceStatus maintenance,
      TrafficStatus traffic,
      io.odoovps.operator.api.v1alpha1.odoovps.ContractEndStatus contractEnd,
      BackupCoverage.Outcome backup) {
    static final Sections KEPT = new Sections(false, false, null, null, null, null, null, null);
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
          if (!problem.get().equals(status.noticeProblem())) {
            events.warning(
                vps,
                "MaintenanceNoticeFailed",
                "spec.maintenance: the reboot waits for the customer's notice (contract article 3),"
                    + " which could not be sent: "
                    + problem.get()
                    + " (retried)");
          }
          return new MaintenanceStatus(status.requestedAt(), null, null, null, problem.get(), null);
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
            status.requestedAt(),
            Timestamps.format(now),
            Timestamps.format(rebootAt),
            null,
            null,
            null);
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
            rebooted ? Timestamps.format(now) : null,
            null,
            Timestamps.format(now));
      }
      default -> {
        return status;
      }
    }
  }

  private UpdateControl<OdooVps> finish(
      OdooVps vps,
      VpsObservation observation,
      EventRecorder events,
      Duration wake,
      NoticeOutbox outbox,
      Sections sections) {
    var status = statusBuilder.build(observation);
    if (sections.restoring()) {
      status.setPhase(VpsPhase.Restoring);
    }
    // paths that do not measure them (invalid spec, no address, termination) keep the last values
    var before = vps.getStatus();
    status.setSupport(
        sections.support() != null || before == null ? sections.support() : before.getSupport());
    status.setAvailability(
        sections.availability() != null || before == null
            ? sections.availability()
            : before.getAvailability());
    status.setMaintenance(
        sections.maintenance() != null || before == null
            ? sections.maintenance()
            : before.getMaintenance());
    status.setTraffic(
        sections.traffic() != null || before == null ? sections.traffic() : before.getTraffic());
    ContractSections.apply(vps, status, sections, clock.instant());
    new VpsTransitions(events, outbox).record(vps, status);
    boolean delivered = delivery.deliver(vps, outbox, events, clock.instant());
    status.setNotices(outbox.build());
    ContractSections.notices(vps, status, clock.instant());
    metrics.reconciled(vps.getMetadata().getUid(), status.getPhase());
    var resync = config.deadlines().resync();
    var now = clock.instant();
    // a delivered identity notice starts its 72 hours: the next pass shows the deadline
    var retry =
        delivered
            ? Optional.of(Duration.ofSeconds(1))
            : outbox.nextAttempt().map(t -> Duration.between(now, t).plusSeconds(1));
    var next = Stream.of(Optional.ofNullable(wake), retry).flatMap(Optional::stream);
    var after =
        Stream.concat(next, Stream.of(resync))
            .filter(d -> !d.isNegative())
            .min(Duration::compareTo)
            .orElse(resync);
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
            policies(vps, context),
            records(context));
    if (control.isRemoveFinalizer()) {
      metrics.forget(vps.getMetadata().getUid());
      traffic.forget(vps.getMetadata().getUid());
    }
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<OdooVps> updateErrorStatus(
      OdooVps vps, Context<OdooVps> context, Exception e) {
    if (OperatorShutdown.begun()) {
      // the failure comes from the shutdown (informers stopped under the reconcile), not from
      // the VPS: no error status, no Warning Event; the next leader reconciles it anyway
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
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
