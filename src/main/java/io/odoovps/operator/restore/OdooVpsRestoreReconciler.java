package io.odoovps.operator.restore;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.config.OperatorShutdown;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.status.ReconcileErrors;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Carries out an OdooVpsRestore: {@link RestoreAcceptance} checks the backup is one a BackupPolicy
 * keeps and that the customer has a restore left this calendar month (at most two, contract article
 * 3); then {@link RestoreExecution} holds the VM stopped (the OdooVps reconciler halts it while the
 * restore {@link Phase#holdsVm holds it}), runs the restore Job once the VM is down (it verifies
 * the whole backup, keeps the previous disk in a safety copy, then writes the disk), puts the
 * previous disk back when that Job fails, and releases the safety copy once the VM was ready on the
 * restored disk. A rejected request changes nothing. A finalizer makes a deletion wait, carrying
 * the restore on, until the disk is whole and the VM no longer held.
 */
@ControllerConfiguration(name = OdooVpsRestoreReconciler.NAME)
public class OdooVpsRestoreReconciler
    implements Reconciler<OdooVpsRestore>, Cleaner<OdooVpsRestore> {

  public static final String NAME = "odoovpsrestore";
  static final String JOB_SOURCE = "restore-jobs";
  static final String POD_SOURCE = "restore-pods";

  /** How a failed pass shows in the message ({@link #updateErrorStatus}), after the phase's own. */
  private static final String FAILED_PASS = " [" + ReconcileErrors.PREFIX;

  private final Clock clock;
  private final Optional<String> configuredLedgerNamespace;
  private final RestoreAcceptance acceptance;
  private final RestoreExecution execution;
  private final RestoreFailure failure;

  @Inject
  public OdooVpsRestoreReconciler(OperatorConfig config, Clock clock) {
    this.clock = clock;
    this.configuredLedgerNamespace = config.restore().ledgerNamespace();
    this.acceptance = new RestoreAcceptance(this::ledgerNamespace);
    this.failure = new RestoreFailure(clock, this::ledgerNamespace);
    this.execution = new RestoreExecution(config, clock, failure);
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
    var change = observed(restore, next(restore, context, false)).against(restore.getStatus());
    // a pass that succeeds after a failed one takes the failure out of the message
    var next =
        change.next() != null
            ? change.next()
            : RestoreConditions.observed(
                restore, withoutFailure(restore.getStatus()), clock.instant());
    var control =
        next == null
            ? UpdateControl.<OdooVpsRestore>noUpdate()
            : UpdateControl.patchStatus(fresh(restore, next));
    return change.recheck() == null ? control : control.rescheduleAfter(change.recheck());
  }

  /**
   * A deletion waits until the disk is whole and the VM no longer held: the restore is carried on
   * (its status still written) until then, and its finalizer goes only after.
   */
  @Override
  public DeleteControl cleanup(OdooVpsRestore restore, Context<OdooVpsRestore> context) {
    var change = observed(restore, next(restore, context, true)).against(restore.getStatus());
    if (change.next() != null) {
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
          restore, fresh(restore, change.next()), context);
    }
    if (change.forget()) {
      return DeleteControl.defaultDelete();
    }
    // a status written here may not come back as an event: look again soon
    var after =
        change.next() != null || change.recheck() == null
            ? Duration.ofSeconds(1)
            : change.recheck();
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(after);
  }

  private StatusChange next(
      OdooVpsRestore restore, Context<OdooVpsRestore> context, boolean deleting) {
    var status = restore.getStatus();
    var phase = status == null || status.phase() == null ? Phase.Pending : status.phase();
    if (phase.isFinal() || (deleting && phase == Phase.Pending)) {
      // nothing of it holds the VM or the disk
      return deleting ? StatusChange.forgetting(null) : StatusChange.recheck(null);
    }
    var client = context.getClient();
    var events = new EventRecorder(client, clock);
    var spec = restore.getSpec();
    var namespace = restore.getMetadata().getNamespace();
    var vps = client.resources(OdooVps.class).inNamespace(namespace).withName(spec.getVps()).get();
    if (vps == null
        || vps.getSpec().getTermination() != null
        || (vps.getStatus() != null && vps.getStatus().getTermination() != null)) {
      // the disk and any safety copy go with the VPS (VpsTermination)
      var why =
          vps == null
              ? "spec.vps: OdooVps " + spec.getVps() + " does not exist in namespace " + namespace
              : "spec.vps: OdooVps " + spec.getVps() + " is terminated";
      var change =
          phase == Phase.Pending
              ? acceptance.reject(restore, why, events, clock.instant())
              : failure.fail(client, restore, why, events, vps, null, status.safetyCopy());
      return new StatusChange(change.next(), change.recheck(), deleting);
    }
    return phase == Phase.Pending
        ? acceptance.decide(restore, vps, context, events, clock.instant())
        : execution.step(restore, vps, context, events, deleting);
  }

  /**
   * A failed pass keeps the phase and adds the failure to its message, with a Warning Event, once
   * per failure message; a restore that has ended is left alone.
   */
  @Override
  public ErrorStatusUpdateControl<OdooVpsRestore> updateErrorStatus(
      OdooVpsRestore restore, Context<OdooVpsRestore> context, Exception e) {
    var status = restore.getStatus();
    var phase = status == null || status.phase() == null ? Phase.Pending : status.phase();
    if (OperatorShutdown.begun() || phase.isFinal()) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    var failure = ReconcileErrors.message(e);
    var own = status == null ? null : ownMessage(status.message());
    var message = own == null ? failure : own + " [" + failure + "]";
    if (status != null && message.equals(status.message())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    new EventRecorder(context.getClient(), clock).warning(restore, ReconcileErrors.REASON, message);
    var next =
        RestoreConditions.observed(
            restore,
            status == null
                ? OdooVpsRestoreStatus.of(phase, message, null)
                : status.moved(phase, message),
            clock.instant());
    return ErrorStatusUpdateControl.patchStatus(fresh(restore, next));
  }

  /** The change with its status's generation and conditions (see {@link RestoreConditions}). */
  private StatusChange observed(OdooVpsRestore restore, StatusChange change) {
    return new StatusChange(
        RestoreConditions.observed(restore, change.next(), clock.instant()),
        change.recheck(),
        change.forget());
  }

  /** A message without the failure a failed pass added; null when it was only that failure. */
  private static String ownMessage(String message) {
    if (message == null || message.startsWith(ReconcileErrors.PREFIX)) {
      return null;
    }
    int at = message.indexOf(FAILED_PASS);
    return at < 0 ? message : message.substring(0, at);
  }

  /** The status without a failed pass's mark in its message; null when it has none. */
  private static OdooVpsRestoreStatus withoutFailure(OdooVpsRestoreStatus status) {
    if (status == null || status.message() == null) {
      return null;
    }
    var own = ownMessage(status.message());
    return status.message().equals(own) ? null : status.moved(status.phase(), own);
  }

  /** A fresh object carrying only the name, namespace and the status to write. */
  private static OdooVpsRestore fresh(OdooVpsRestore restore, OdooVpsRestoreStatus status) {
    var fresh = new OdooVpsRestore();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(restore.getMetadata().getName())
            .withNamespace(restore.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }
}
