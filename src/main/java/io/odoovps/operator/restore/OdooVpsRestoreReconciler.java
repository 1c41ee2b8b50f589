package io.odoovps.operator.restore;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.backup.policy.BackupRuns;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.contract.RestoreAllowance;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.kubevirt.VirtualMachine;
import io.odoovps.operator.kubevirt.VirtualMachineInstance;
import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.vps.VirtualMachineDesign;
import io.odoovps.operator.vps.VpsLabels;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries out an OdooVpsRestore: checks the backup is one a BackupPolicy keeps and that the
 * customer has a restore left this calendar month (at most two, contract article 3); then holds the
 * VM stopped (the OdooVps reconciler halts it while a restore is Stopping or Restoring), runs the
 * restore Job once the VM is down, and reports the verified checksum. A rejected request changes
 * nothing.
 */
@ControllerConfiguration(name = OdooVpsRestoreReconciler.NAME)
public class OdooVpsRestoreReconciler implements Reconciler<OdooVpsRestore> {

  public static final String NAME = "odoovpsrestore";
  static final String JOB_SOURCE = "restore-jobs";
  static final String POD_SOURCE = "restore-pods";

  private final Clock clock;
  private final BackupJobDesign design;
  private final Optional<String> configuredLedgerNamespace;

  /** One acceptance decision at a time in this process; the ledger's lock covers the rest. */
  private final Object acceptLock = new Object();

  /** The restore that holds each VPS (namespace/name), as accepted here. */
  private final Map<String, String> holding = new ConcurrentHashMap<>();

  @Inject
  public OdooVpsRestoreReconciler(OperatorConfig config, Clock clock) {
    this.clock = clock;
    this.design = new BackupJobDesign(config);
    this.configuredLedgerNamespace = config.restore().ledgerNamespace();
  }

  /**
   * The namespace of the restore ledger: the configured one, else the operator's own (its client's
   * namespace: in a pod, its ServiceAccount's), else `default`.
   */
  String ledgerNamespace(KubernetesClient client) {
    return configuredLedgerNamespace
        .filter(n -> !n.isBlank())
        .or(() -> Optional.ofNullable(client.getNamespace()).filter(n -> !n.isBlank()))
        .orElse("default");
  }

  @Override
  public List<EventSource<?, OdooVpsRestore>> prepareEventSources(
      EventSourceContext<OdooVpsRestore> context) {
    var selector = VpsLabels.MANAGED_BY_SELECTOR + "," + BackupJobDesign.COMPONENT + "=restore";
    return List.of(
        new InformerEventSource<>(byRestoreLabel(Job.class, JOB_SOURCE, selector), context),
        new InformerEventSource<>(byRestoreLabel(Pod.class, POD_SOURCE, selector), context));
  }

  private static <R extends HasMetadata> InformerEventSourceConfiguration<R> byRestoreLabel(
      Class<R> type, String name, String selector) {
    return InformerEventSourceConfiguration.from(type, OdooVpsRestore.class)
        .withName(name)
        .withLabelSelector(selector)
        .withSecondaryToPrimaryMapper(
            r -> {
              var restore = r.getMetadata().getLabels().get(BackupJobDesign.RESTORE_LABEL);
              return restore == null
                  ? Set.of()
                  : Set.of(new ResourceID(restore, r.getMetadata().getNamespace()));
            })
        .build();
  }

  @Override
  public UpdateControl<OdooVpsRestore> reconcile(
      OdooVpsRestore restore, Context<OdooVpsRestore> context) {
    var status = restore.getStatus();
    var phase = status == null || status.phase() == null ? Phase.Pending : status.phase();
    if (phase.isFinal()) {
      return UpdateControl.noUpdate();
    }
    var now = clock.instant();
    var client = context.getClient();
    var events = new EventRecorder(client, clock);
    var spec = restore.getSpec();
    var namespace = restore.getMetadata().getNamespace();
    var vps = client.resources(OdooVps.class).inNamespace(namespace).withName(spec.getVps()).get();
    if (vps == null
        || vps.getSpec().getTermination() != null
        || (vps.getStatus() != null && vps.getStatus().getTermination() != null)) {
      var why =
          vps == null
              ? "spec.vps: OdooVps " + spec.getVps() + " does not exist in namespace " + namespace
              : "spec.vps: OdooVps " + spec.getVps() + " is terminated";
      if (phase == Phase.Pending) {
        return reject(restore, status, why, events);
      }
      return fail(client, restore, status, why, events, vps);
    }
    return switch (phase) {
      case Pending -> accept(restore, status, vps, context, events, now);
      case Stopping -> stopThenRun(restore, status, vps, context, events, now);
      case Restoring -> watchJob(restore, status, vps, context, events, now);
      default -> UpdateControl.noUpdate();
    };
  }

  private UpdateControl<OdooVpsRestore> accept(
      OdooVpsRestore restore,
      OdooVpsRestoreStatus status,
      OdooVps vps,
      Context<OdooVpsRestore> context,
      EventRecorder events,
      Instant now) {
    var spec = restore.getSpec();
    var client = context.getClient();
    var namespace = restore.getMetadata().getNamespace();
    var policies =
        client.resources(BackupPolicy.class).inNamespace(namespace).list().getItems().stream()
            .filter(
                p -> spec.getPolicy() == null || spec.getPolicy().equals(p.getMetadata().getName()))
            .toList();
    if (spec.getPolicy() != null && policies.isEmpty()) {
      return reject(
          restore,
          status,
          "spec.policy: BackupPolicy " + spec.getPolicy() + " does not exist in " + namespace,
          events);
    }
    var holder =
        policies.stream().filter(p -> keeps(p, spec.getVps(), spec.getBackupId())).findFirst();
    if (holder.isEmpty()) {
      var kept =
          policies.stream()
              .flatMap(p -> keptIds(p, spec.getVps()).stream())
              .sorted()
              .distinct()
              .toList();
      return reject(
          restore,
          status,
          "spec.backupId: "
              + spec.getBackupId()
              + " is not a backup of "
              + spec.getVps()
              + " kept by "
              + (spec.getPolicy() == null ? "any BackupPolicy of " + namespace : spec.getPolicy())
              + (kept.isEmpty()
                  ? " (none is kept yet)"
                  : " (kept: "
                      + String.join(", ", kept.subList(Math.max(0, kept.size() - 5), kept.size()))
                      + unlisted(policies, spec.getVps())
                      + ")"),
          events);
    }
    var restoreCustomer = RestoreCustomer.of(vps.getSpec().getCustomer());
    var customer = restoreCustomer.key();
    synchronized (acceptLock) {
      // one restore of a VPS at a time: the cache, and acceptances the cache may not show yet
      var holder0 = holding.get(namespace + "/" + spec.getVps());
      if (holder0 != null
          && !holder0.equals(restore.getMetadata().getUid())
          && context
              .getPrimaryCache()
              .list(namespace)
              .anyMatch(
                  r ->
                      r.getMetadata().getUid().equals(holder0)
                          && (r.getStatus() == null
                              || r.getStatus().phase() == null
                              || !r.getStatus().phase().isFinal()))) {
        return write(
            restore,
            status,
            withPhase(status, Phase.Pending, "waiting for another restore of this VPS to finish"),
            Duration.ofSeconds(10));
      }
      var busy =
          context
              .getPrimaryCache()
              .list(namespace)
              .filter(r -> !r.getMetadata().getName().equals(restore.getMetadata().getName()))
              .filter(r -> spec.getVps().equals(r.getSpec().getVps()))
              .filter(
                  r ->
                      r.getStatus() != null
                          && r.getStatus().phase() != null
                          && r.getStatus().phase().holdsVm())
              .findFirst();
      if (busy.isPresent()) {
        var waiting =
            "waiting for restore " + busy.get().getMetadata().getName() + " of this VPS to finish";
        return write(
            restore, status, withPhase(status, Phase.Pending, waiting), Duration.ofSeconds(10));
      }
      var carriedOut = new ArrayList<Instant>();
      context
          .getPrimaryCache()
          .list()
          .filter(r -> !r.getMetadata().getUid().equals(restore.getMetadata().getUid()))
          .filter(
              r ->
                  r.getStatus() != null
                      && restoreCustomer.keys().contains(r.getStatus().customer()))
          .filter(r -> r.getStatus().acceptedAt() != null)
          .filter(
              r -> r.getStatus().phase() != Phase.Failed && r.getStatus().phase() != Phase.Rejected)
          .forEach(r -> carriedOut.add(Instant.parse(r.getStatus().acceptedAt())));
      // the ledger also remembers restores whose objects were deleted, across restarts
      var ledgerNamespace = ledgerNamespace(client);
      var ledger = RestoreLedger.read(client, ledgerNamespace, namespace);
      var seen = new java.util.HashSet<String>();
      context
          .getPrimaryCache()
          .list()
          .filter(r -> r.getStatus() != null && r.getStatus().acceptedAt() != null)
          .forEach(r -> seen.add(r.getMetadata().getUid()));
      for (var entry : ledger.entries(restoreCustomer.keys())) {
        if (!entry.uid().equals(restore.getMetadata().getUid()) && !seen.contains(entry.uid())) {
          carriedOut.add(entry.acceptedAt());
        }
      }
      var refusal = RestoreAllowance.refusal(carriedOut, now);
      if (refusal.isPresent()) {
        var rejected =
            new OdooVpsRestoreStatus(
                Phase.Rejected,
                refusal.get(),
                customer,
                holder.get().getMetadata().getName(),
                null,
                0,
                null,
                null,
                Timestamps.format(now),
                null,
                null);
        events.warning(restore, "RestoreRejected", refusal.get());
        return write(restore, status, rejected, null);
      }
      if (!RestoreLedger.write(
          client, ledgerNamespace, ledger, customer, restore.getMetadata().getUid(), now, true)) {
        // another acceptance changed the ledger meanwhile: decide again with it
        return UpdateControl.<OdooVpsRestore>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
      }
      holding.put(namespace + "/" + spec.getVps(), restore.getMetadata().getUid());
      var left = RestoreAllowance.left(carriedOut, now) - 1;
      var next =
          new OdooVpsRestoreStatus(
              Phase.Stopping,
              "stopping the VM of " + spec.getVps() + " before its disk is restored",
              customer,
              holder.get().getMetadata().getName(),
              Timestamps.format(now),
              left,
              null,
              null,
              null,
              null,
              null);
      var message =
          "Restore of "
              + spec.getVps()
              + " from backup "
              + spec.getBackupId()
              + " accepted; "
              + left
              + " restore(s) left this month for the customer";
      events.normal(restore, "RestoreAccepted", message);
      events.normal(vps, "RestoreAccepted", message);
      return write(restore, status, next, Duration.ofSeconds(2));
    }
  }

  private UpdateControl<OdooVpsRestore> stopThenRun(
      OdooVpsRestore restore,
      OdooVpsRestoreStatus status,
      OdooVps vps,
      Context<OdooVpsRestore> context,
      EventRecorder events,
      Instant now) {
    var client = context.getClient();
    var namespace = restore.getMetadata().getNamespace();
    var name = vps.getMetadata().getName();
    var vm = client.resources(VirtualMachine.class).inNamespace(namespace).withName(name).get();
    var vmi =
        client.resources(VirtualMachineInstance.class).inNamespace(namespace).withName(name).get();
    boolean halted =
        vm != null
            && vm.getSpec() != null
            && VirtualMachineSpec.RUN_HALTED.equals(vm.getSpec().runStrategy());
    if (!halted || vmi != null) {
      return UpdateControl.<OdooVpsRestore>noUpdate().rescheduleAfter(Duration.ofSeconds(2));
    }
    var policy =
        client.resources(BackupPolicy.class).inNamespace(namespace).withName(status.policy()).get();
    if (policy == null) {
      return fail(
          client, restore, status, "BackupPolicy " + status.policy() + " was deleted", events, vps);
    }
    var job =
        design.restoreJob(
            restore,
            policy,
            name,
            restore.getSpec().getBackupId(),
            VirtualMachineDesign.diskName(vps),
            new Quantity(vps.getSpec().getPlan().getDisk()));
    var existing =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withName(job.getMetadata().getName())
            .get();
    if (existing == null) {
      client.resource(job).create();
    }
    var next =
        status.started(
            "Job "
                + job.getMetadata().getName()
                + " streams backup "
                + restore.getSpec().getBackupId()
                + " back",
            job.getMetadata().getName(),
            Timestamps.format(now));
    events.normal(restore, "RestoreStarted", next.message());
    return write(restore, status, next, null);
  }

  private UpdateControl<OdooVpsRestore> watchJob(
      OdooVpsRestore restore,
      OdooVpsRestoreStatus status,
      OdooVps vps,
      Context<OdooVpsRestore> context,
      EventRecorder events,
      Instant now) {
    var jobs = context.getSecondaryResources(Job.class).stream().toList();
    var pods = context.getSecondaryResources(Pod.class).stream().toList();
    var run =
        BackupRuns.finished(jobs, pods).stream()
            .filter(r -> r.job().getMetadata().getName().equals(status.job()))
            .reduce((a, b) -> b);
    if (run.isEmpty()) {
      var present =
          jobs.stream().anyMatch(j -> j.getMetadata().getName().equals(status.job()))
              || context
                      .getClient()
                      .batch()
                      .v1()
                      .jobs()
                      .inNamespace(restore.getMetadata().getNamespace())
                      .withName(status.job())
                      .get()
                  != null;
      if (!present) {
        return fail(
            context.getClient(),
            restore,
            status,
            "the restore Job " + status.job() + " disappeared",
            events,
            vps);
      }
      return UpdateControl.<OdooVpsRestore>noUpdate().rescheduleAfter(Duration.ofMinutes(1));
    }
    if (!run.get().succeeded()) {
      return fail(
          context.getClient(),
          restore,
          status,
          "the restore Job failed: " + run.get().failure().reason(),
          events,
          vps);
    }
    var restored = run.get().report().restored();
    var next =
        status.ended(
            Phase.Succeeded,
            "backup "
                + restore.getSpec().getBackupId()
                + " restored onto the disk of "
                + vps.getMetadata().getName()
                + " (SHA-256 verified); the VM starts again",
            Timestamps.format(now),
            restored == null ? null : restored.sizeBytes(),
            restored == null ? null : restored.sha256());
    events.normal(restore, "RestoreSucceeded", next.message());
    events.normal(vps, "RestoreSucceeded", next.message());
    return write(restore, status, next, null);
  }

  private UpdateControl<OdooVpsRestore> reject(
      OdooVpsRestore restore, OdooVpsRestoreStatus status, String why, EventRecorder events) {
    events.warning(restore, "RestoreRejected", why);
    return write(
        restore,
        status,
        new OdooVpsRestoreStatus(
            Phase.Rejected,
            why,
            null,
            null,
            null,
            null,
            null,
            null,
            Timestamps.format(clock.instant()),
            null,
            null),
        null);
  }

  private UpdateControl<OdooVpsRestore> fail(
      KubernetesClient client,
      OdooVpsRestore restore,
      OdooVpsRestoreStatus status,
      String why,
      EventRecorder events,
      OdooVps vps) {
    // the Events follow the ledger write: when it throws, the retry must not send them again
    if (status != null && status.customer() != null && status.acceptedAt() != null) {
      // a failed restore was not carried out: it does not count against the month
      var namespace = restore.getMetadata().getNamespace();
      var ledgerNamespace = ledgerNamespace(client);
      boolean removed = false;
      for (int attempt = 0; attempt < 5 && !removed; attempt++) {
        removed =
            RestoreLedger.write(
                client,
                ledgerNamespace,
                RestoreLedger.read(client, ledgerNamespace, namespace),
                status.customer(),
                restore.getMetadata().getUid(),
                clock.instant(),
                false);
      }
      if (!removed) {
        throw new IllegalStateException(
            "the restore ledger in " + ledgerNamespace + " kept changing; retrying");
      }
    }
    events.warning(restore, "RestoreFailed", why);
    if (vps != null) {
      events.warning(
          vps,
          "RestoreFailed",
          why
              + "; a backup whose checksum did not match never reaches the disk, but a run that"
              + " failed while copying a verified backup leaves it partly written: check the"
              + " Job's log before relying on the disk");
    }
    var at = Timestamps.format(clock.instant());
    var failed =
        status == null
            ? new OdooVpsRestoreStatus(
                Phase.Failed, why, null, null, null, null, null, null, at, null, null)
            : status.ended(Phase.Failed, why, at, null, null);
    return write(restore, status, failed, null);
  }

  private static OdooVpsRestoreStatus withPhase(
      OdooVpsRestoreStatus status, Phase phase, String message) {
    return status == null
        ? new OdooVpsRestoreStatus(
            phase, message, null, null, null, null, null, null, null, null, null)
        : status.moved(phase, message);
  }

  private static UpdateControl<OdooVpsRestore> write(
      OdooVpsRestore restore,
      OdooVpsRestoreStatus before,
      OdooVpsRestoreStatus next,
      Duration after) {
    if (Objects.equals(before, next)) {
      return after == null
          ? UpdateControl.noUpdate()
          : UpdateControl.<OdooVpsRestore>noUpdate().rescheduleAfter(after);
    }
    var fresh = new OdooVpsRestore();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(restore.getMetadata().getName())
            .withNamespace(restore.getMetadata().getNamespace())
            .build());
    fresh.setStatus(next);
    var control = UpdateControl.patchStatus(fresh);
    return after == null ? control : control.rescheduleAfter(after);
  }

  static boolean keeps(BackupPolicy policy, String vps, String backupId) {
    return entry(policy, vps)
        .filter(
            e ->
                RestorableBackups.keeps(
                    e,
                    Optional.ofNullable(policy.getSpec().getRetentionDays()).orElse(15),
                    backupId))
        .isPresent();
  }

  private static Optional<VpsBackups> entry(BackupPolicy policy, String vps) {
    if (policy.getStatus() == null || policy.getStatus().vps() == null) {
      return Optional.empty();
    }
    return policy.getStatus().vps().stream().filter(v -> vps.equals(v.name())).findFirst();
  }

  static List<String> keptIds(BackupPolicy policy, String vps) {
    return entry(policy, vps).stream()
        .flatMap(v -> Optional.ofNullable(v.kept()).stream().flatMap(List::stream))
        .map(b -> b.backupId())
        .toList();
  }

  /** What the policies say of the backups kept beyond their lists, for a rejection message. */
  private static String unlisted(List<BackupPolicy> policies, String vps) {
    return policies.stream()
        .flatMap(p -> entry(p, vps).stream())
        .filter(RestorableBackups::cut)
        .map(
            e ->
                "; "
                    + e.keptCount()
                    + " are kept in all"
                    + (e.keptOldest() == null ? "" : ", the oldest from " + e.keptOldest())
                    + ", the older ones not listed")
        .findFirst()
        .orElse("");
  }

  /** Whether a restore of {@code vps} holds its VM stopped now. */
  public static boolean holdsVm(OdooVpsRestore restore, String vps) {
    return vps.equals(restore.getSpec().getVps())
        && restore.getStatus() != null
        && restore.getStatus().phase() != null
        && restore.getStatus().phase().holdsVm();
  }
}
