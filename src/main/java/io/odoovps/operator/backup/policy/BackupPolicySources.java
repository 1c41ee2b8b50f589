package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.cache.NamespaceMappers;
import io.odoovps.operator.naming.VpsLabels;
import java.util.List;
import java.util.Set;

/**
 * The caches a BackupPolicy reconcile reads: every OdooVps of the namespace (any of them may join a
 * policy), and the policy's own CronJobs, Jobs, pods and export token Secrets, found by the
 * managed-by and policy labels, and the BackupRecords of the namespace (each policy's, which
 * another policy reads to learn whether it backs a departed VPS up now).
 */
final class BackupPolicySources {

  static final String VPS_SOURCE = "vps";
  static final String CRONJOB_SOURCE = "cronjobs";
  static final String JOB_SOURCE = "jobs";
  static final String POD_SOURCE = "pods";
  static final String TOKEN_SOURCE = "export-tokens";
  static final String RECORD_SOURCE = "records";

  private BackupPolicySources() {}

  /** The informers: OdooVpss map to every policy of their namespace, the rest by policy label. */
  static List<EventSource<?, BackupPolicy>> eventSources(EventSourceContext<BackupPolicy> context) {
    var vps =
        InformerEventSourceConfiguration.from(OdooVps.class, BackupPolicy.class)
            .withName(VPS_SOURCE)
            // every OdooVps of the namespace, read only here: the few fields a policy reads
            .withItemStore(new TransformingItemStore<>(BackupPolicySources::lean))
            // a VPS's status changes often; a policy cares only for what it reads of it
            .withOnUpdateFilter((next, before) -> !read(next).equals(read(before)))
            .withSecondaryToPrimaryMapper(NamespaceMappers.everyPrimaryOfItsNamespace(context))
            .build();
    var selector = VpsLabels.MANAGED_BY_SELECTOR + "," + BackupJobDesign.COMPONENT + "=backup";
    var tokens =
        VpsLabels.MANAGED_BY_SELECTOR
            + ","
            + BackupJobDesign.COMPONENT
            + "="
            + BackupJobDesign.EXPORT_TOKEN;
    var records =
        VpsLabels.MANAGED_BY_SELECTOR
            + ","
            + BackupJobDesign.COMPONENT
            + "="
            + BackupRecords.COMPONENT_VALUE;
    var recordSource = byPolicyLabel(BackupRecord.class, RECORD_SOURCE, records);
    return List.of(
        new InformerEventSource<>(vps, context),
        new InformerEventSource<>(recordSource, context),
        new InformerEventSource<>(byPolicyLabel(CronJob.class, CRONJOB_SOURCE, selector), context),
        new InformerEventSource<>(byPolicyLabel(Job.class, JOB_SOURCE, selector), context),
        new InformerEventSource<>(byPolicyLabel(Pod.class, POD_SOURCE, selector), context),
        new InformerEventSource<>(byPolicyLabel(Secret.class, TOKEN_SOURCE, tokens), context));
  }

  /**
   * The OdooVps as a policy reads it: its name, labels, identity (for Events) and creation; its
   * location and requested termination; the termination of its status. The OdooVps controller
   * caches the whole object; this second cache of every VPS keeps a few hundred bytes of each.
   */
  static OdooVps lean(OdooVps vps) {
    var meta = vps.getMetadata();
    var lean = new OdooVps();
    lean.setMetadata(
        new ObjectMetaBuilder()
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .withGeneration(meta.getGeneration())
            .withCreationTimestamp(meta.getCreationTimestamp())
            .withDeletionTimestamp(meta.getDeletionTimestamp())
            .withLabels(meta.getLabels())
            .build());
    if (vps.getSpec() != null) {
      var spec = new OdooVpsSpec();
      spec.setLocation(vps.getSpec().getLocation());
      spec.setTermination(vps.getSpec().getTermination());
      lean.setSpec(spec);
    }
    if (vps.getStatus() != null && vps.getStatus().getTermination() != null) {
      var status = new OdooVpsStatus();
      status.setTermination(vps.getStatus().getTermination());
      lean.setStatus(status);
    }
    return lean;
  }

  /** What a policy reads of a VPS, to compare: an update that changes none of it is not its. */
  static List<Object> read(OdooVps vps) {
    var spec = vps.getSpec();
    var status = vps.getStatus();
    return java.util.Arrays.asList(
        vps.getMetadata().getLabels(),
        vps.getMetadata().getDeletionTimestamp(),
        spec == null ? null : spec.getLocation(),
        spec == null || spec.getTermination() == null
            ? null
            : "confirm=" + spec.getTermination().getConfirm(),
        status == null ? null : status.getTermination());
  }

  private static <R extends HasMetadata> InformerEventSourceConfiguration<R> byPolicyLabel(
      Class<R> type, String name, String selector) {
    return InformerEventSourceConfiguration.from(type, BackupPolicy.class)
        .withName(name)
        .withLabelSelector(selector)
        .withSecondaryToPrimaryMapper(
            r -> {
              var policy = r.getMetadata().getLabels().get(BackupJobDesign.POLICY_LABEL);
              return policy == null
                  ? Set.of()
                  : Set.of(new ResourceID(policy, r.getMetadata().getNamespace()));
            })
        .build();
  }

  /** Every cached BackupRecord of the policy's namespace (its own and the other policies'). */
  @SuppressWarnings("unchecked")
  static List<BackupRecord> records(Context<BackupPolicy> context, BackupPolicy policy) {
    var es =
        (InformerEventSource<BackupRecord, BackupPolicy>)
            context.eventSourceRetriever().getEventSourceFor(BackupRecord.class, RECORD_SOURCE);
    return es.list(policy.getMetadata().getNamespace()).toList();
  }

  /** The cached objects of {@code type} of the policy (every OdooVps of its namespace). */
  @SuppressWarnings("unchecked")
  static <R extends HasMetadata> List<R> cached(
      Context<BackupPolicy> context, Class<R> type, String source, BackupPolicy policy) {
    var es =
        (InformerEventSource<R, BackupPolicy>)
            context.eventSourceRetriever().getEventSourceFor(type, source);
    var name = policy.getMetadata().getName();
    return es.list(
            policy.getMetadata().getNamespace(),
            r ->
                type == OdooVps.class
                    || name.equals(r.getMetadata().getLabels().get(BackupJobDesign.POLICY_LABEL)))
        .toList();
  }
}
