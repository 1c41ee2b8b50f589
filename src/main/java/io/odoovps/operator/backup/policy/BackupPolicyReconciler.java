package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.cache.RecentWrites;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.config.OperatorShutdown;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.status.ReconcileErrors;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reconciles a BackupPolicy in three steps. Gather: one {@link BackupPolicyObservation} from the
 * caches (the policy, the namespace's OdooVpss and policies, the policy's CronJobs, Jobs, pods and
 * tokens) and the credentials Secret. Decide: {@link BackupPolicyRules}, pure, says which VPSs are
 * covered, the CronJob and token of each, the bucket Jobs of departed VPSs, the status and the
 * Events. Act: apply the children (the ServiceAccount of the backup pods and its RoleBinding to the
 * chart's backup ClusterRole, one CronJob and one export token Secret per covered VPS), delete the
 * CronJobs of VPSs no longer covered (never a backup), apply each VPS's BackupRecord whose entry
 * changed and delete those whose entry went, run and clear the bucket Jobs, emit the Events, and
 * patch the status only when it changed.
 */
@ControllerConfiguration(name = BackupPolicyReconciler.NAME)
public class BackupPolicyReconciler implements Reconciler<BackupPolicy>, Cleaner<BackupPolicy> {

  public static final String NAME = "backuppolicy";

  private final Clock clock;
  private final BackupPolicyRules rules;
  private final BackupMetrics metrics;
  private final BackupLeftoverSweep sweep;
  private final RecentWrites<BackupRecord> recentRecords;

  public BackupPolicyReconciler(OperatorConfig config, Clock clock) {
    this(config, clock, new SimpleMeterRegistry());
  }

  @Inject
  public BackupPolicyReconciler(OperatorConfig config, Clock clock, MeterRegistry registry) {
    this.clock = clock;
    this.rules = new BackupPolicyRules(config);
    this.metrics = new BackupMetrics(registry);
    this.sweep = new BackupLeftoverSweep(config.backup().runDeadline());
    this.recentRecords = new RecentWrites<>(clock);
  }

  public BackupMetrics metrics() {
    return metrics;
  }

  @Override
  public List<EventSource<?, BackupPolicy>> prepareEventSources(
      EventSourceContext<BackupPolicy> context) {
    return BackupPolicySources.eventSources(context);
  }

  @Override
  public UpdateControl<BackupPolicy> reconcile(BackupPolicy policy, Context<BackupPolicy> context) {
    var seen = gather(policy, context);
    var decision = rules.decide(seen);
    act(seen, decision, context);
    metrics.observe(
        policy.getMetadata().getNamespace(),
        policy.getMetadata().getName(),
        decision.failing(),
        decision.stale());
    if (!decision.statusChanged(policy.getStatus())) {
      return UpdateControl.<BackupPolicy>noUpdate().rescheduleAfter(decision.wake());
    }
    return UpdateControl.patchStatus(withStatus(policy, decision.status()))
        .rescheduleAfter(decision.wake());
  }

  /** Everything the decision reads: the caches, and the credentials Secret from the API server. */
  private BackupPolicyObservation gather(BackupPolicy policy, Context<BackupPolicy> context) {
    var now = clock.instant();
    var namespace = policy.getMetadata().getNamespace();
    var credentials =
        context
            .getClient()
            .secrets()
            .inNamespace(namespace)
            .withName(policy.getSpec().getTarget().getCredentialsSecret())
            .get();
    var others =
        context
            .getPrimaryCache()
            .list(namespace)
            .filter(p -> !p.getMetadata().getName().equals(policy.getMetadata().getName()))
            .toList();
    var tokens =
        BackupPolicySources.cached(context, Secret.class, BackupPolicySources.TOKEN_SOURCE, policy)
            .stream()
            .map(t -> t.getMetadata().getName())
            .collect(Collectors.toSet());
    return new BackupPolicyObservation(
        policy,
        now,
        BackupPolicySources.cached(context, OdooVps.class, BackupPolicySources.VPS_SOURCE, policy),
        others,
        credentials,
        BackupPolicySources.cached(
            context, CronJob.class, BackupPolicySources.CRONJOB_SOURCE, policy),
        BackupPolicySources.cached(context, Job.class, BackupPolicySources.JOB_SOURCE, policy),
        BackupPolicySources.cached(context, Pod.class, BackupPolicySources.POD_SOURCE, policy),
        tokens,
        recentRecords.over(BackupPolicySources.records(context, policy), namespace));
  }

  /** Writes what was decided, the least that can be written, then emits its Events. */
  private void act(
      BackupPolicyObservation seen, BackupPolicyDecision decision, Context<BackupPolicy> context) {
    var policy = seen.policy();
    var client = context.getClient();
    var writes = new BackupPolicyWrites(client);
    var events = new EventRecorder(client, clock);
    if (decision.usable()) {
      writes.applyIfChanged(decision.serviceAccount(), ServiceAccount.class);
      writes.bindBackupRole(decision.roleBinding());
      var stored = new HashMap<String, CronJob>();
      seen.cronJobs().forEach(c -> stored.put(c.getMetadata().getName(), c));
      var applied = new HashMap<String, CronJob>();
      for (var cronJob : decision.cronJobs()) {
        var name = cronJob.getMetadata().getName();
        applied.put(name, writes.apply(cronJob, stored.get(name)));
      }
      for (var vps : decision.lackingTokens()) {
        var owner = applied.get(BackupJobDesign.cronJobName(policy.getMetadata().getName(), vps));
        writes.createOnce(
            BackupJobDesign.exportTokenSecret(policy, vps, owner, BackupPodRights.newToken()));
      }
      decision.obsoleteCronJobs().forEach(writes::delete);
    }
    // the entries, before the status that sums them up: a failed write leaves the status as it was
    for (var record : decision.records().write()) {
      recentRecords.wrote(writes.applyRecord(record));
    }
    for (var record : decision.records().delete()) {
      writes.delete(record);
      recentRecords.deleted(record);
    }
    sweep.sweep(client, policy, seen.now(), events);
    var plan = decision.plan();
    plan.jobsToDelete().forEach(writes::deleteInBackground);
    plan.jobsToCreate().forEach(writes::createOnce);
    for (var notice : plan.notices()) {
      if (notice.warning()) {
        events.warning(notice.on(), notice.reason(), notice.message());
      } else {
        events.normal(notice.on(), notice.reason(), notice.message());
      }
    }
    for (int i = 0; i < plan.succeeded(); i++) {
      metrics.succeeded();
    }
    for (int i = 0; i < plan.failed(); i++) {
      metrics.failed();
    }
  }

  /** A deleted policy's gauges go with it (its CronJobs go by garbage collection). */
  @Override
  public DeleteControl cleanup(BackupPolicy policy, Context<BackupPolicy> context) {
    metrics.forget(policy.getMetadata().getNamespace(), policy.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  /**
   * A reconcile that threw: Ready=False with reason ReconcileError and the cause, the other
   * conditions and fields kept, and one Warning; nothing when Ready says so already.
   */
  @Override
  public ErrorStatusUpdateControl<BackupPolicy> updateErrorStatus(
      BackupPolicy policy, Context<BackupPolicy> context, Exception e) {
    if (OperatorShutdown.begun()) {
      // the informers stopped under the reconcile: the next leader reconciles it anyway
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    var message = ReconcileErrors.message(e);
    var status = new BackupPolicyStatusBuilder(policy, clock.instant()).error(message);
    if (status.isEmpty()) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    new EventRecorder(context.getClient(), clock)
        .warning(policy, BackupPolicyConditions.REASON_RECONCILE_ERROR, message);
    return ErrorStatusUpdateControl.patchStatus(withStatus(policy, status.get()));
  }

  /** A fresh object carrying only name, namespace and status: the status patch writes no more. */
  private static BackupPolicy withStatus(BackupPolicy policy, BackupPolicyStatus status) {
    var fresh = new BackupPolicy();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(policy.getMetadata().getName())
            .withNamespace(policy.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }
}
