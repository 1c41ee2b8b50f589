package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingEventSource;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.ipv4.IPv4Allocation;
import io.odoovps.operator.api.v1alpha1.mitigation.MitigationState;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.ticket.SupportTicket;
import io.odoovps.operator.backup.policy.BackupRecords;
import io.odoovps.operator.cache.LeanItemStores;
import io.odoovps.operator.cache.NamespaceMappers;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.ipv4.IPv4Allocator;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.traffic.PrometheusTraffic;
import io.odoovps.operator.traffic.TrafficMeter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The gather step of {@link OdooVpsReconciler}: the event sources of the VPS's secondaries, and the
 * one read of them per pass into {@link VpsFacts}. Reads the caches only, never the API server.
 */
final class VpsGatherer {

  static final String IPV4_EVENT_SOURCE = "ipv4-allocations";
  static final String RESTORE_EVENT_SOURCE = "restores";
  static final String TICKET_EVENT_SOURCE = "tickets";
  static final String MITIGATION_EVENT_SOURCE = "mitigations";
  static final String POD_EVENT_SOURCE = "vm-pods";
  static final String TRAFFIC_EVENT_SOURCE = "traffic";
  static final String POLICY_EVENT_SOURCE = "backup-policies";
  static final String BACKUP_RECORD_EVENT_SOURCE = "backup-records";
  static final String COMMAND_JOB_EVENT_SOURCE = "guest-command-jobs";
  static final String NETWORK_POLICY_EVENT_SOURCE = "network-policies";
  static final String FILL_JOB_EVENT_SOURCE = "disk-fill-job";

  private final boolean livePods;
  private final TrafficMeter meter;
  private final Duration meterInterval;
  private final boolean operatorMakesDisk;

  /**
   * @param livePods whether live bandwidth annotations are configured (the pods are watched)
   * @param meter the traffic meter, {@code null} when no Prometheus is configured
   */
  VpsGatherer(boolean livePods, TrafficMeter meter, OperatorConfig config) {
    this.livePods = livePods;
    this.meter = meter;
    this.meterInterval = config.traffic().prometheus().interval();
    this.operatorMakesDisk =
        config.vm().diskProvisioning() == OperatorConfig.DiskProvisioning.PersistentVolumeClaim;
  }

  List<EventSource<?, OdooVps>> eventSources(EventSourceContext<OdooVps> context) {
    var allocations =
        InformerEventSourceConfiguration.from(IPv4Allocation.class, OdooVps.class)
            .withName(IPV4_EVENT_SOURCE)
            .withItemStore(LeanItemStores.withoutManagedFields())
            .withWatchAllNamespaces()
            .withLabelSelector(VpsLabels.MANAGED_BY_SELECTOR)
            .withSecondaryToPrimaryMapper(
                a ->
                    Set.of(
                        new ResourceID(
                            a.getSpec().getVps().name(), a.getSpec().getVps().namespace())))
            .build();
    var ipv4 = new InformerEventSource<>(allocations, context);
    ipv4.addIndexers(IPv4Allocator.indexers());
    // BackedUp: which policy's record of the VPS holds a schedule, or which policy refuses it (the
    // policies of its namespace). Its records speak for a covered VPS; a refusal follows from the
    // spec, so a policy concerns every VPS of its namespace when it comes, goes or its spec
    // changes, and none when only its status does (once per backup run).
    var policies =
        InformerEventSourceConfiguration.from(BackupPolicy.class, OdooVps.class)
            .withName(POLICY_EVENT_SOURCE)
            .withItemStore(LeanItemStores.withoutManagedFields())
            .withOnUpdateFilter(
                (next, before) ->
                    !java.util.Objects.equals(
                        next.getMetadata().getGeneration(), before.getMetadata().getGeneration()))
            .withSecondaryToPrimaryMapper(NamespaceMappers.everyPrimaryOfItsNamespace(context))
            .build();
    var records =
        InformerEventSourceConfiguration.from(BackupRecord.class, OdooVps.class)
            .withName(BACKUP_RECORD_EVENT_SOURCE)
            .withLabelSelector(
                VpsLabels.MANAGED_BY_SELECTOR
                    + ","
                    + VpsLabels.COMPONENT
                    + "="
                    + BackupRecords.COMPONENT_VALUE)
            .withItemStore(LeanItemStores.withoutManagedFields())
            .withSecondaryToPrimaryMapper(
                r ->
                    BackupRecords.vpsOf(r) == null
                        ? Set.of()
                        : Set.of(
                            new ResourceID(BackupRecords.vpsOf(r), r.getMetadata().getNamespace())))
            .build();
    var sources = new ArrayList<EventSource<?, OdooVps>>();
    sources.add(ipv4);
    sources.add(new InformerEventSource<>(policies, context));
    sources.add(new InformerEventSource<>(records, context));
    sources.add(
        byVps(context, OdooVpsRestore.class, RESTORE_EVENT_SOURCE, r -> r.getSpec().getVps()));
    sources.add(
        byVps(context, SupportTicket.class, TICKET_EVENT_SOURCE, t -> t.getSpec().getVps()));
    sources.add(
        byVps(context, MitigationState.class, MITIGATION_EVENT_SOURCE, m -> m.getSpec().getVps()));
    // one informer for both NetworkPolicy dependents (the traffic filter and the isolation),
    // which would otherwise each cache every policy of the operator
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(NetworkPolicy.class, OdooVps.class)
                .withName(NETWORK_POLICY_EVENT_SOURCE)
                .withLabelSelector(VpsLabels.MANAGED_BY_SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(OdooVps.class, false))
                .build(),
            context));
    // the guest-command Jobs and the disk growth Jobs, owned by their VPS
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, OdooVps.class)
                .withName(COMMAND_JOB_EVENT_SOURCE)
                .withLabelSelector(
                    VpsLabels.MANAGED_BY_SELECTOR
                        + ","
                        + VpsLabels.COMPONENT
                        + " in ("
                        + GuestCommandJobDesign.COMPONENT
                        + ","
                        + DiskClaimDesign.GROW_COMPONENT
                        + ")")
                .build(),
            context));
    if (livePods) {
      sources.add(pods(context));
    }
    if (meter != null) {
      sources.add(
          new PollingEventSource<>(
              PrometheusTraffic.Reading.class,
              new PollingConfiguration<PrometheusTraffic.Reading, String>(
                  TRAFFIC_EVENT_SOURCE, meter, meterInterval, r -> "transmit")));
    }
    return sources;
  }

  /** The VM's virt-launcher pods, for live bandwidth. */
  private static InformerEventSource<Pod, OdooVps> pods(EventSourceContext<OdooVps> context) {
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
    return new InformerEventSource<>(pods, context);
  }

  /** An informer of a kind that names its VPS in the same namespace. */
  private static <R extends HasMetadata> InformerEventSource<R, OdooVps> byVps(
      EventSourceContext<OdooVps> context, Class<R> type, String name, Function<R, String> vps) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, OdooVps.class)
            .withName(name)
            .withItemStore(LeanItemStores.withoutManagedFields())
            .withSecondaryToPrimaryMapper(
                r -> Set.of(new ResourceID(vps.apply(r), r.getMetadata().getNamespace())))
            .build(),
        context);
  }

  /** What the caches hold about {@code vps} now. */
  VpsFacts gather(OdooVps vps, Context<OdooVps> context, Instant now) {
    var name = vps.getMetadata().getName();
    return new VpsFacts(
        vps,
        now,
        context.getSecondaryResource(VirtualMachine.class),
        ofVps(context, vps, MitigationState.class, MITIGATION_EVENT_SOURCE).stream().findFirst(),
        List.copyOf(ofVps(context, vps, SupportTicket.class, TICKET_EVENT_SOURCE)),
        ofVps(context, vps, OdooVpsRestore.class, RESTORE_EVENT_SOURCE).stream()
            .anyMatch(r -> r.holdsVm(name)),
        policies(vps, context),
        backupRecords(vps, context),
        meter == null
            ? Optional.empty()
            : context.getSecondaryResource(PrometheusTraffic.Reading.class, TRAFFIC_EVENT_SOURCE),
        livePods ? List.copyOf(ofVps(context, vps, Pod.class, POD_EVENT_SOURCE)) : List.of(),
        operatorMakesDisk
            ? new DiskFill(
                true,
                context.getSecondaryResource(PersistentVolumeClaim.class),
                context.getSecondaryResource(Job.class, FILL_JOB_EVENT_SOURCE))
            : DiskFill.BY_CDI,
        List.copyOf(
            context
                .eventSourceRetriever()
                .getEventSourceFor(Job.class, COMMAND_JOB_EVENT_SOURCE)
                .getSecondaryResources(vps)));
  }

  /** The BackupPolicies of the VPS's namespace. */
  static List<BackupPolicy> policies(OdooVps vps, Context<OdooVps> context) {
    return list(context, vps, BackupPolicy.class, POLICY_EVENT_SOURCE, p -> true).toList();
  }

  /** The BackupRecords of the VPS: one per policy that holds or held its backups. */
  static List<BackupRecord> backupRecords(OdooVps vps, Context<OdooVps> context) {
    return List.copyOf(ofVps(context, vps, BackupRecord.class, BACKUP_RECORD_EVENT_SOURCE));
  }

  @SuppressWarnings("unchecked")
  static InformerEventSource<IPv4Allocation, OdooVps> allocations(Context<OdooVps> context) {
    return (InformerEventSource<IPv4Allocation, OdooVps>)
        context.eventSourceRetriever().getEventSourceFor(IPv4Allocation.class, IPV4_EVENT_SOURCE);
  }

  /**
   * The cached objects of a source that map to the VPS, from the source's primary-to-secondary
   * index (kept by JOSDK from the secondary-to-primary mapper, which names the VPS): a lookup, not
   * a scan of the namespace, whatever the number of VPSs.
   */
  private static <R extends HasMetadata> java.util.Set<R> ofVps(
      Context<OdooVps> context, OdooVps vps, Class<R> type, String source) {
    return context
        .eventSourceRetriever()
        .getEventSourceFor(type, source)
        .getSecondaryResources(vps);
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> Stream<R> list(
      Context<OdooVps> context, OdooVps vps, Class<R> type, String source, Predicate<R> filter) {
    var informer =
        (InformerEventSource<R, OdooVps>)
            context.eventSourceRetriever().getEventSourceFor(type, source);
    return informer.list(vps.getMetadata().getNamespace(), filter);
  }
}
