package io.odoovps.operator.backup.policy;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Backup;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Failure;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.Refusal;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.backup.BackupReport;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import io.odoovps.operator.status.ConditionList;
import io.odoovps.operator.vps.VpsLabels;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles a BackupPolicy: decides which VPSs it covers (refusing those in the target's own
 * datacenter), writes one CronJob and one export token Secret per covered VPS, plus the
 * ServiceAccount of their pods and its RoleBinding to the chart's backup ClusterRole, deletes the
 * CronJobs of VPSs no longer covered (never a backup), and reads the finished runs' reports into
 * the status: last success, last failure, next run and backups kept, per VPS. A spec it cannot use
 * (a schedule that does not run daily, a missing credentials Secret) leaves the CronJobs as they
 * were and says why in a condition and an Event.
 */
@ControllerConfiguration(name = BackupPolicyReconciler.NAME)
public class BackupPolicyReconciler
    implements Reconciler<BackupPolicy>,
        io.javaoperatorsdk.operator.api.reconciler.Cleaner<BackupPolicy> {

  public static final String NAME = "backuppolicy";
  static final String HASH = "odoovps.io/applied-hash";
  private static final String FIELD_MANAGER = "odoovps-operator";
  static final String VPS_SOURCE = "vps";
  static final String CRONJOB_SOURCE = "cronjobs";
  static final String JOB_SOURCE = "jobs";
  static final String POD_SOURCE = "pods";
  static final String TOKEN_SOURCE = "export-tokens";

  private final OperatorConfig config;
  private final Clock clock;
  private final BackupJobDesign design;
  private final BackupMetrics metrics;
  private final Map<String, Instant> swept = new java.util.concurrent.ConcurrentHashMap<>();
  static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

  public BackupPolicyReconciler(OperatorConfig config, Clock clock) {
    this(config, clock, new SimpleMeterRegistry());
  }

  @Inject
  public BackupPolicyReconciler(OperatorConfig config, Clock clock, MeterRegistry registry) {
    this.config = config;
    this.clock = clock;
    this.design = new BackupJobDesign(config);
    this.metrics = new BackupMetrics(registry);
  }

  public BackupMetrics metrics() {
    return metrics;
  }

  @Override
  public List<EventSource<?, BackupPolicy>> prepareEventSources(
      EventSourceContext<BackupPolicy> context) {
    var vps =
        InformerEventSourceConfiguration.from(OdooVps.class, BackupPolicy.class)
            .withName(VPS_SOURCE)
            .withSecondaryToPrimaryMapper(
                v ->
                    context
                        .getPrimaryCache()
                        .list(v.getMetadata().getNamespace())
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    var selector = VpsLabels.MANAGED_BY_SELECTOR + "," + BackupJobDesign.COMPONENT + "=backup";
    var tokens =
        VpsLabels.MANAGED_BY_SELECTOR
            + ","
            + BackupJobDesign.COMPONENT
            + "="
            + BackupJobDesign.EXPORT_TOKEN;
    return List.of(
        new InformerEventSource<>(vps, context),
        new InformerEventSource<>(byPolicyLabel(CronJob.class, CRONJOB_SOURCE, selector), context),
        new InformerEventSource<>(byPolicyLabel(Job.class, JOB_SOURCE, selector), context),
        new InformerEventSource<>(byPolicyLabel(Pod.class, POD_SOURCE, selector), context),
        new InformerEventSource<>(byPolicyLabel(Secret.class, TOKEN_SOURCE, tokens), context));
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

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> List<R> cached(
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

  /** How long a failed purge or prune Job stays before a new one is run. */
  static final Duration BUCKET_JOB_RETRY = Duration.ofHours(1);

  @Override
  public UpdateControl<BackupPolicy> reconcile(BackupPolicy policy, Context<BackupPolicy> context) {
    var now = clock.instant();
    var spec = policy.getSpec();
    var client = context.getClient();
    var events = new EventRecorder(client, clock);
    var name = policy.getMetadata().getName();
    var namespace = policy.getMetadata().getNamespace();
    var previous = policy.getStatus();

    var scheduleProblem = DailySchedule.problem(spec.getSchedule(), spec.getTimeZone());
    var credentialsProblem = credentialsProblem(client, policy);

    var selected =
        cached(context, OdooVps.class, VPS_SOURCE, policy).stream()
            .filter(v -> v.getSpec() != null && v.getSpec().getTermination() == null)
            .filter(v -> v.getStatus() == null || v.getStatus().getTermination() == null)
            .filter(v -> matches(spec.getVpsSelector(), v.getMetadata().getLabels()))
            .filter(
                v ->
                    spec.getLocations() == null
                        || spec.getLocations().contains(v.getSpec().getLocation()))
            .sorted(Comparator.comparing(v -> v.getMetadata().getName()))
            .toList();
    var target = spec.getTarget().getLocation();
    var refused =
        selected.stream()
            .filter(v -> target.equals(v.getSpec().getLocation()))
            .map(
                v ->
                    new Refusal(
                        v.getMetadata().getName(),
                        "spec.target.location "
                            + target
                            + " is the VPS's own datacenter: the contract (article 3) keeps"
                            + " backups in another datacenter"))
            .toList();
    var covered = selected.stream().filter(v -> !target.equals(v.getSpec().getLocation())).toList();

    var cronJobs = cached(context, CronJob.class, CRONJOB_SOURCE, policy);
    var usable = scheduleProblem.isEmpty() && credentialsProblem.isEmpty();
    var zone = ZoneId.of(scheduleProblem.isEmpty() ? spec.getTimeZone() : "Etc/UTC");
    if (usable) {
      applyIfChanged(client, design.serviceAccount(policy), ServiceAccount.class);
      bindBackupRole(client, design.roleBinding(policy));
      var wanted = new HashMap<String, CronJob>();
      for (var vps : covered) {
        var cronJob =
            design.cronJob(
                policy,
                vps.getMetadata().getName(),
                DailySchedule.of(spec.getSchedule(), vps.getMetadata().getName()));
        wanted.put(cronJob.getMetadata().getName(), cronJob);
      }
      var actual =
          cronJobs.stream().collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c));
      var applied = new HashMap<String, CronJob>();
      wanted.forEach(
          (cronJobName, cronJob) ->
              applied.put(cronJobName, apply(client, cronJob, actual.get(cronJobName))));
      var tokens =
          cached(context, Secret.class, TOKEN_SOURCE, policy).stream()
              .map(t -> t.getMetadata().getName())
              .collect(Collectors.toSet());
      var backedUp = covered.stream().map(v -> v.getMetadata().getName()).toList();
      for (var vps : BackupPodRights.lackingToken(name, backedUp, tokens)) {
        var owner = applied.get(BackupJobDesign.cronJobName(name, vps));
        createOnce(
            context,
            BackupJobDesign.exportTokenSecret(policy, vps, owner, BackupPodRights.newToken()));
      }
      // CronJobs of VPSs no longer covered go; their backups stay in the bucket until retention.
      actual.keySet().stream()
          .filter(n -> !wanted.containsKey(n))
          .forEach(n -> client.resource(actual.get(n)).delete());
    }

    sweep(client, namespace, now, events, policy);

    var jobs = cached(context, Job.class, JOB_SOURCE, policy);
    // looked up per VPS below: indexed once, not scanned per VPS
    var jobsByName =
        jobs.stream()
            .collect(Collectors.toMap(j -> j.getMetadata().getName(), j -> j, (a, b) -> a));
    var runsByVps =
        jobs.stream()
            .filter(j -> !BackupJobDesign.isBucketJob(j))
            // the Jobs of releases before VPS_LABEL carry the VPS's own label instead
            .filter(j -> BackupJobDesign.vpsOf(j) != null)
            .collect(Collectors.groupingBy(BackupJobDesign::vpsOf));
    var pods = cached(context, Pod.class, POD_SOURCE, policy);
    var previousByVps = new HashMap<String, VpsBackups>();
    if (previous != null && previous.vps() != null) {
      previous.vps().forEach(v -> previousByVps.put(v.name(), v));
    }
    var entries = new ArrayList<VpsBackups>();
    for (var vps : covered) {
      var vpsName = vps.getMetadata().getName();
      // a prune Job of an earlier departure has no business once the VPS is back
      var pruneJob = jobsByName.get(BackupJobDesign.pruneJobName(name, vpsName));
      if (pruneJob != null) {
        client.resource(pruneJob).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      }
      var schedule =
          scheduleProblem.isEmpty() ? DailySchedule.of(spec.getSchedule(), vpsName) : null;
      var before = previousByVps.get(vpsName);
      var vpsJobs = runsByVps.getOrDefault(vpsName, List.of());
      var entry =
          observe(
              policy, vps, before, BackupRuns.finished(vpsJobs, pods), schedule, zone, now, events);
      entries.add(entry);
    }

    var coveredNames =
        covered.stream().map(v -> v.getMetadata().getName()).collect(Collectors.toSet());
    entries.addAll(
        retire(
            policy, context, previousByVps, coveredNames, jobsByName, pods, usable, now, events));

    var staleAfter = config.backup().staleAfter();
    // lastFailure stays after a later success (the most recent failed run); a VPS is failing
    // while its last failure is newer than its last success
    var failing = entries.stream().filter(BackupPolicyReconciler::failing).toList();
    // stale: the last success is too old, or there was none since the CronJob was made that long
    // ago; a VPS without a CronJob (terminated, or gone from the selector) is not expected to back
    // up
    var createdAt =
        cronJobs.stream()
            .filter(c -> c.getMetadata().getCreationTimestamp() != null)
            .collect(
                Collectors.toMap(
                    c -> c.getMetadata().getName(),
                    c -> Instant.parse(c.getMetadata().getCreationTimestamp())));
    var stale =
        entries.stream()
            .filter(
                e ->
                    e.cronJob() != null
                        && (e.lastSuccess() != null
                            ? Instant.parse(e.lastSuccess().time()).plus(staleAfter).isBefore(now)
                            : createdAt.containsKey(e.cronJob())
                                && createdAt.get(e.cronJob()).plus(staleAfter).isBefore(now)))
            .toList();
    metrics.observe(namespace, name, failing.size(), stale.size());

    var conditions =
        new ConditionList(
            previous == null ? null : previous.conditions(),
            policy.getMetadata().getGeneration(),
            now);
    conditions.set(
        "ScheduleValid",
        scheduleProblem.isEmpty(),
        scheduleProblem.isEmpty() ? "Daily" : "NotDaily",
        scheduleProblem.orElse(
            "Runs every day"
                + (spec.getSchedule() == null ? " at a time derived from each VPS's name" : "")));
    conditions.set(
        "CredentialsFound",
        credentialsProblem.isEmpty(),
        credentialsProblem.isEmpty() ? "Found" : "SecretMissing",
        credentialsProblem.orElse(
            "Secret " + spec.getTarget().getCredentialsSecret() + " has both keys"));
    conditions.set(
        "OffSite",
        refused.isEmpty(),
        refused.isEmpty() ? "OtherDatacenter" : "SameDatacenter",
        refused.isEmpty()
            ? "Every covered VPS is outside " + target + ", the bucket's datacenter"
            : "spec.target.location "
                + target
                + " equals the location of VPS "
                + refused.stream().map(Refusal::name).collect(Collectors.joining(", "))
                + "; backups must be kept in another datacenter (contract article 3): not backed"
                + " up by this policy");
    conditions.set(
        "BackupsSucceeding",
        failing.isEmpty(),
        failing.isEmpty() ? "Succeeding" : "BackupFailed",
        failing.isEmpty()
            ? "No covered VPS has a failed last run"
            : failing.size()
                + " VPS(s) failed their last run: "
                + failing.stream()
                    .limit(5)
                    .map(e -> e.name() + " (" + e.lastFailure().reason() + ")")
                    .collect(Collectors.joining("; ")));
    conditions.set(
        "BackupsCurrent",
        stale.isEmpty(),
        stale.isEmpty() ? "Current" : "Stale",
        stale.isEmpty()
            ? "Every backed-up VPS has a backup younger than " + staleAfter.toHours() + "h"
            : stale.size()
                + " VPS(s) have no backup younger than "
                + staleAfter.toHours()
                + "h: "
                + stale.stream().limit(10).map(VpsBackups::name).collect(Collectors.joining(", ")));
    boolean ready = usable && refused.isEmpty() && failing.isEmpty() && stale.isEmpty();
    conditions.set(
        "Ready",
        ready,
        ready ? "Ready" : "NotReady",
        ready
            ? covered.size() + " VPS(s) backed up daily to " + target
            : "See the other conditions");
    var built = conditions.build();
    warnOnTransitions(policy, previous, built, events);

    var status =
        new BackupPolicyStatus(
            policy.getMetadata().getGeneration(),
            built,
            covered.size(),
            failing.size(),
            entries.stream()
                .map(VpsBackups::lastSuccess)
                .filter(Objects::nonNull)
                .map(Backup::time)
                .max(String::compareTo)
                .orElse(null),
            entries.stream()
                .map(VpsBackups::lastFailure)
                .filter(Objects::nonNull)
                .map(Failure::time)
                .max(String::compareTo)
                .orElse(null),
            entries.stream()
                .map(VpsBackups::nextRun)
                .filter(Objects::nonNull)
                .min(String::compareTo)
                .orElse(null),
            entries.isEmpty() ? null : entries,
            refused.isEmpty() ? null : refused);

    var wake =
        entries.stream()
            .map(VpsBackups::nextRun)
            .filter(Objects::nonNull)
            .map(Instant::parse)
            .min(Instant::compareTo)
            .map(t -> Duration.between(now, t).plusSeconds(1))
            .filter(d -> d.compareTo(config.deadlines().resync()) < 0)
            .orElse(config.deadlines().resync());
    if (Objects.equals(status, previous)) {
      return UpdateControl.<BackupPolicy>noUpdate().rescheduleAfter(wake);
    }
    var fresh = new BackupPolicy();
    fresh.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .build());
    fresh.setStatus(status);
    return UpdateControl.patchStatus(fresh).rescheduleAfter(wake);
  }

  /**
   * Deletes the VM snapshots and exports a backup pod left behind (killed before it could clean
   * up): ours by label, and older than a run may last, so no running backup still uses them. At
   * most once per {@link #SWEEP_EVERY} and namespace.
   */
  private void sweep(
      KubernetesClient client,
      String namespace,
      Instant now,
      EventRecorder events,
      BackupPolicy policy) {
    var last = swept.get(namespace);
    if (last != null && last.plus(SWEEP_EVERY).isAfter(now)) {
      return;
    }
    swept.put(namespace, now);
    var cutoff = now.minus(config.backup().runDeadline()).minus(Duration.ofHours(1));
    for (var kind :
        List.of(
            io.odoovps.operator.backup.VirtualMachineExportMethod.EXPORTS,
            io.odoovps.operator.backup.VirtualMachineExportMethod.SNAPSHOTS)) {
      try {
        for (var leftover :
            client
                .genericKubernetesResources(kind)
                .inNamespace(namespace)
                .withLabel(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR)
                .list()
                .getItems()) {
          var created = leftover.getMetadata().getCreationTimestamp();
          if (created != null && Instant.parse(created).isBefore(cutoff)) {
            client.resource(leftover).delete();
            events.normal(
                policy,
                "LeftoverDeleted",
                kind.getKind()
                    + " "
                    + leftover.getMetadata().getName()
                    + " outlived any backup run; deleted");
          }
        }
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        // KubeVirt's snapshot or export API absent here: nothing of ours to sweep
      }
    }
  }

  /** A deleted policy's gauges go with it (its CronJobs go by garbage collection). */
  @Override
  public io.javaoperatorsdk.operator.api.reconciler.DeleteControl cleanup(
      BackupPolicy policy, Context<BackupPolicy> context) {
    metrics.forget(policy.getMetadata().getNamespace(), policy.getMetadata().getName());
    return io.javaoperatorsdk.operator.api.reconciler.DeleteControl.defaultDelete();
  }

  /**
   * The entries of VPSs that the policy no longer schedules, each decided by {@link
   * BackupRetirement}: kept (absent without a recorded termination, or backed up by no policy),
   * awaiting the purge grace, purged, aged out by the retention, or handed over. The decision is
   * pure; this acts on it (purge and prune Jobs, Events). The entries that stay are returned.
   */
  private List<VpsBackups> retire(
      BackupPolicy policy,
      Context<BackupPolicy> context,
      Map<String, VpsBackups> previousByVps,
      java.util.Set<String> covered,
      Map<String, Job> jobs,
      List<Pod> pods,
      boolean usable,
      Instant now,
      EventRecorder events) {
    var present =
        cached(context, OdooVps.class, VPS_SOURCE, policy).stream()
            .collect(Collectors.toMap(v -> v.getMetadata().getName(), v -> v));
    var retention = Duration.ofDays(policy.getSpec().getRetentionDays());
    var kept = new ArrayList<VpsBackups>();
    for (var entry : previousByVps.values()) {
      if (covered.contains(entry.name())) {
        continue;
      }
      var vps = present.get(entry.name());
      var view =
          vps == null
              ? BackupRetirement.Vps.ABSENT
              : new BackupRetirement.Vps(true, terminationStartedAt(vps, now));
      var elsewhere = coveringElsewhere(policy, context, entry.name());
      var decision =
          BackupRetirement.decide(
              entry,
              view,
              elsewhere.map(p -> p.getMetadata().getName()),
              elsewhere.map(p -> sameBucket(policy, p)).orElse(false),
              now,
              retention,
              config.backup().purgeGrace());
      var next = decision.entry();
      var name = entry.name();
      switch (decision.fate()) {
        case AWAIT_PURGE -> {
          if (decision.firstSeen()) {
            events.normal(
                policy,
                "TerminationRecorded",
                "VPS "
                    + name
                    + " was terminated at "
                    + next.terminatedAt()
                    + ": its backups are deleted from the bucket at "
                    + next.purgeAfter()
                    + " (purge grace)");
          }
          kept.add(next.unscheduled(next.lastFailure()));
        }
        case PURGE ->
            purge(policy, context, next, jobs, pods, usable, now, events).ifPresent(kept::add);
        case KEEP_MISSING -> {
          if (decision.firstSeen()) {
            events.warning(
                policy,
                "VpsMissing",
                "OdooVps "
                    + name
                    + " is not found, and no termination of it was recorded: its backups are"
                    + " kept (they are deleted only after a recorded termination)");
          }
          kept.add(next.unscheduled(next.lastFailure()));
        }
        case KEEP_UNCOVERED -> {
          if (decision.firstSeen()) {
            events.warning(
                policy,
                "VpsLeftPolicy",
                "VPS "
                    + name
                    + " is no longer selected and no other BackupPolicy backs it up: its CronJob"
                    + " is removed, its backups are kept until it is backed up again or"
                    + " terminated (the VPS shows BackedUp=False)");
          }
          kept.add(next.unscheduled(next.lastFailure()));
        }
        case HAND_OVER ->
            // the keys carry no policy: the other policy's own runs prune by its retention, and a
            // prune here by ours could delete backups it still keeps
            events.normal(
                policy,
                "BackupsHandedOver",
                "VPS "
                    + name
                    + " is backed up by BackupPolicy "
                    + elsewhere.get().getMetadata().getName()
                    + " into the same bucket, which now keeps its backups by its own retention");
        case AGE_OUT -> {
          if (decision.firstSeen()) {
            events.normal(
                policy,
                "VpsLeftPolicy",
                "VPS "
                    + name
                    + " is backed up by BackupPolicy "
                    + elsewhere.get().getMetadata().getName()
                    + " now: its backups here stay restorable until they are older than "
                    + policy.getSpec().getRetentionDays()
                    + " days, then they are deleted");
          }
          kept.add(next.unscheduled(next.lastFailure()));
        }
        case PRUNE ->
            prune(policy, context, next, jobs, pods, usable, now, events).ifPresent(kept::add);
      }
    }
    return kept;
  }

  /** When the VPS's termination started, if it was terminated (or asked to be). */
  private static String terminationStartedAt(OdooVps vps, Instant now) {
    if (vps.getStatus() != null && vps.getStatus().getTermination() != null) {
      var started = vps.getStatus().getTermination().startedAt();
      return started != null ? started : Timestamps.format(now);
    }
    return vps.getSpec() != null && vps.getSpec().getTermination() != null
        ? Timestamps.format(now)
        : null;
  }

  /**
   * A terminated VPS past the purge grace: a purge Job deletes its backups taken until the
   * termination (article 12); the entry stays until it succeeded. Empty once done.
   */
  private Optional<VpsBackups> purge(
      BackupPolicy policy,
      Context<BackupPolicy> context,
      VpsBackups entry,
      Map<String, Job> jobs,
      List<Pod> pods,
      boolean usable,
      Instant now,
      EventRecorder events) {
    return bucketJob(
        context,
        entry,
        jobs.get(BackupJobDesign.purgeJobName(policy.getMetadata().getName(), entry.name())),
        () -> design.purgeJob(policy, entry.name(), entry.terminatedAt()),
        pods,
        usable,
        now,
        events,
        policy,
        "deleting the backups of the terminated VPS failed: ",
        (job, report) -> {
          var deleted = report.keptCount();
          events.normal(
              policy,
              "BackupsDeleted",
              "VPS "
                  + entry.name()
                  + " was terminated at "
                  + entry.terminatedAt()
                  + ": its "
                  + (deleted == null ? 0 : deleted)
                  + " backup(s) taken until then were deleted from the bucket in "
                  + policy.getSpec().getTarget().getLocation());
        });
  }

  /**
   * A VPS that another policy backs up now, whose backups here are older than the retention
   * (article 3: kept 15 days, no more and no less): a prune Job deletes what is older than the
   * retention, and the entry goes. Empty once done.
   */
  private Optional<VpsBackups> prune(
      BackupPolicy policy,
      Context<BackupPolicy> context,
      VpsBackups entry,
      Map<String, Job> jobs,
      List<Pod> pods,
      boolean usable,
      Instant now,
      EventRecorder events) {
    return bucketJob(
        context,
        entry,
        jobs.get(BackupJobDesign.pruneJobName(policy.getMetadata().getName(), entry.name())),
        () -> design.pruneJob(policy, entry.name()),
        pods,
        usable,
        now,
        events,
        policy,
        "deleting the aged-out backups of the VPS failed: ",
        (job, report) -> {
          events.normal(
              policy,
              "BackupsAgedOut",
              "VPS "
                  + entry.name()
                  + " left the policy: "
                  + (report.prunedCount() != null
                      ? report.prunedCount()
                      : report.pruned() == null ? 0 : report.pruned().size())
                  + " backup(s) older than "
                  + policy.getSpec().getRetentionDays()
                  + " days were deleted from the bucket");
          // the Job goes too, so that a later departure runs a new one
          context
              .getClient()
              .resource(job)
              .withPropagationPolicy(DeletionPropagation.BACKGROUND)
              .delete();
        });
  }

  /**
   * A Job that deletes backups from the bucket (purge or prune): created once while the entry
   * waits, its success handed to {@code succeeded} (the entry then goes: empty), its failure kept
   * in the entry (counted as failing, one Warning per failure) and the Job replaced {@link
   * #BUCKET_JOB_RETRY} later, until the deletion succeeds.
   */
  private Optional<VpsBackups> bucketJob(
      Context<BackupPolicy> context,
      VpsBackups entry,
      Job job,
      java.util.function.Supplier<Job> make,
      List<Pod> pods,
      boolean usable,
      Instant now,
      EventRecorder events,
      BackupPolicy policy,
      String failedWhat,
      java.util.function.BiConsumer<Job, BackupReport> succeeded) {
    if (job == null) {
      if (usable) {
        createOnce(context, make.get());
      }
      return Optional.of(entry.unscheduled(entry.lastFailure()));
    }
    var run = BackupRuns.finished(List.of(job), pods).stream().findFirst();
    if (run.isEmpty()) {
      return Optional.of(entry.unscheduled(entry.lastFailure()));
    }
    if (run.get().succeeded()) {
      succeeded.accept(job, run.get().report());
      return Optional.empty();
    }
    var failure = run.get().failure();
    var reason = failedWhat + failure.reason();
    if (entry.lastFailure() == null || !failure.time().equals(entry.lastFailure().time())) {
      events.warning(policy, "BackupDeletionFailed", "VPS " + entry.name() + ": " + reason);
      metrics.failed();
    }
    retryLater(context, job, run.get().finishedAt(), now);
    return Optional.of(
        entry.unscheduled(
            new Failure(failure.time(), job.getMetadata().getName(), failure.attempts(), reason)));
  }

  /** Another policy of the namespace that backs {@code vps} up now (its entry has a CronJob). */
  private static Optional<BackupPolicy> coveringElsewhere(
      BackupPolicy policy, Context<BackupPolicy> context, String vps) {
    return context
        .getPrimaryCache()
        .list(policy.getMetadata().getNamespace())
        .filter(p -> !p.getMetadata().getName().equals(policy.getMetadata().getName()))
        .filter(
            p ->
                p.getStatus() != null
                    && p.getStatus().vps() != null
                    && p.getStatus().vps().stream()
                        .anyMatch(v -> vps.equals(v.name()) && v.cronJob() != null))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .findFirst();
  }

  private static boolean sameBucket(BackupPolicy policy, BackupPolicy other) {
    var target = policy.getSpec().getTarget();
    return other.getSpec() != null
        && other.getSpec().getTarget() != null
        && Objects.equals(other.getSpec().getTarget().getEndpoint(), target.getEndpoint())
        && Objects.equals(other.getSpec().getTarget().getBucket(), target.getBucket());
  }

  /**
   * Creates an object the cache did not show; one that exists already (a lagging cache) is fine.
   */
  private static void createOnce(Context<BackupPolicy> context, HasMetadata job) {
    try {
      context.getClient().resource(job).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /**
   * A failed purge or prune Job is deleted {@link #BUCKET_JOB_RETRY} after it gave up, so that the
   * next reconcile runs a new one: deleting what the contract says must go is retried until it
   * succeeds.
   */
  private void retryLater(Context<BackupPolicy> context, Job job, Instant failedAt, Instant now) {
    if (!now.isBefore(failedAt.plus(BUCKET_JOB_RETRY))) {
      context
          .getClient()
          .resource(job)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
    }
  }

  /** One VPS's entry: the previous one advanced by the runs that finished since. */
  private VpsBackups observe(
      BackupPolicy policy,
      OdooVps vps,
      VpsBackups before,
      List<BackupRuns.Run> runs,
      DailySchedule schedule,
      ZoneId zone,
      Instant now,
      EventRecorder events) {
    var name = vps.getMetadata().getName();
    var lastSuccess = before == null ? null : before.lastSuccess();
    var kept = before == null ? null : before.kept();
    var keptCount = before == null ? null : before.keptCount();
    var keptOldest = before == null ? null : before.keptOldest();
    var lastFailure = before == null ? null : before.lastFailure();
    for (var run : runs) {
      if (run.succeeded()) {
        var made = run.report().backup();
        if (made == null
            || (lastSuccess != null && made.time().compareTo(lastSuccess.time()) <= 0)) {
          continue;
        }
        lastSuccess = backup(made);
        kept =
            run.report().kept() == null
                ? null
                : run.report().kept().stream().map(BackupPolicyReconciler::backup).toList();
        keptCount =
            run.report().keptCount() != null
                ? run.report().keptCount()
                : kept == null ? null : kept.size();
        keptOldest =
            run.report().keptOldest() != null
                ? run.report().keptOldest()
                : kept == null || kept.isEmpty() ? null : kept.get(0).time();
        metrics.succeeded();
        var message =
            "VPS "
                + name
                + ": backup "
                + made.backupId()
                + " stored ("
                + made.sizeBytes()
                + " bytes, SHA-256 "
                + made.sha256().substring(0, 12)
                + "…) in "
                + policy.getSpec().getTarget().getLocation()
                + "; "
                + run.report().keptCount()
                + " kept";
        events.normal(policy, "BackupSucceeded", message);
      } else {
        var failure = run.failure();
        if (Objects.equals(lastFailure == null ? null : lastFailure.job(), failure.job())
            || (lastSuccess != null && failure.time().compareTo(lastSuccess.time()) <= 0)
            || (lastFailure != null && failure.time().compareTo(lastFailure.time()) <= 0)) {
          continue;
        }
        lastFailure = failure;
        metrics.failed();
        var message =
            "VPS "
                + name
                + ": backup run "
                + failure.job()
                + " failed after "
                + failure.attempts()
                + " attempt(s): "
                + failure.reason();
        events.warning(policy, "BackupFailed", message);
        events.warning(vps, "BackupFailed", message);
      }
    }
    var nextRun =
        schedule == null || Boolean.TRUE.equals(policy.getSpec().getSuspend())
            ? null
            : Timestamps.format(schedule.next(now, zone));
    return new VpsBackups(
        name,
        vps.getSpec().getLocation(),
        BackupJobDesign.cronJobName(policy.getMetadata().getName(), name),
        schedule == null ? null : schedule.expression(),
        nextRun,
        lastSuccess,
        lastFailure,
        kept,
        keptCount,
        keptOldest,
        null,
        null,
        null,
        null);
  }

  /** Whether the last finished run of this VPS failed: its last failure is its newest run. */
  static boolean failing(VpsBackups entry) {
    // a VPS gone from the policy fails no backup any more; only deleting its backups can fail
    // (the purge of a terminated VPS, the prune of one backed up elsewhere)
    if (entry.missingSince() != null) {
      return false;
    }
    var job = entry.lastFailure() == null ? "" : entry.lastFailure().job();
    if (entry.terminatedAt() != null && !job.startsWith("purge-")) {
      return false;
    }
    if (entry.terminatedAt() == null && entry.leftPolicyAt() != null && !job.startsWith("prune-")) {
      return false;
    }
    return entry.lastFailure() != null
        && (entry.lastSuccess() == null
            || Timestamps.parse(entry.lastFailure().time())
                .isAfter(Timestamps.parse(entry.lastSuccess().time())));
  }

  private static Backup backup(BackupReport.Entry e) {
    return new Backup(e.backupId(), e.time(), e.sizeBytes(), e.sha256());
  }

  private static void warnOnTransitions(
      BackupPolicy policy,
      BackupPolicyStatus previous,
      List<io.fabric8.kubernetes.api.model.Condition> next,
      EventRecorder events) {
    for (var condition : next) {
      if ("Ready".equals(condition.getType()) || "BackupsSucceeding".equals(condition.getType())) {
        continue; // Ready summarises; failures have their own Event per run
      }
      var before =
          previous == null
              ? Optional.<io.fabric8.kubernetes.api.model.Condition>empty()
              : ConditionList.find(previous.conditions(), condition.getType());
      var changed =
          before
              .map(
                  b ->
                      !Objects.equals(b.getStatus(), condition.getStatus())
                          || !Objects.equals(b.getMessage(), condition.getMessage()))
              .orElse(true);
      if (changed && "False".equals(condition.getStatus())) {
        events.warning(policy, condition.getReason(), condition.getMessage());
      }
    }
  }

  private static Optional<String> credentialsProblem(KubernetesClient client, BackupPolicy policy) {
    var secretName = policy.getSpec().getTarget().getCredentialsSecret();
    var secret =
        client
            .secrets()
            .inNamespace(policy.getMetadata().getNamespace())
            .withName(secretName)
            .get();
    if (secret == null) {
      return Optional.of(
          "spec.target.credentialsSecret: Secret "
              + secretName
              + " does not exist in namespace "
              + policy.getMetadata().getNamespace());
    }
    var keys = new java.util.HashSet<String>();
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    var missing =
        List.of(BackupJobDesign.ACCESS_KEY_ID, BackupJobDesign.SECRET_ACCESS_KEY).stream()
            .filter(k -> !keys.contains(k))
            .toList();
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "spec.target.credentialsSecret: Secret "
                + secretName
                + " lacks the key(s) "
                + String.join(", ", missing));
  }

  /** Label selector semantics: matchLabels and the four matchExpressions operators. */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    var have = labels == null ? Map.<String, String>of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(have.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (var r : selector.getMatchExpressions()) {
        var value = have.get(r.getKey());
        var values = r.getValues() == null ? List.<String>of() : r.getValues();
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> value != null && values.contains(value);
              case "NotIn" -> value == null || !values.contains(value);
              case "Exists" -> have.containsKey(r.getKey());
              case "DoesNotExist" -> !have.containsKey(r.getKey());
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Server-side applies {@code desired} unless the cached object carries the same hash; returns the
   * object as stored (the cached one when nothing was written).
   */
  private static <T extends HasMetadata> T apply(KubernetesClient client, T desired, T actual) {
    var hash = hash(desired);
    if (actual != null
        && actual.getMetadata().getAnnotations() != null
        && hash.equals(actual.getMetadata().getAnnotations().get(HASH))) {
      return actual;
    }
    desired.getMetadata().setAnnotations(Map.of(HASH, hash));
    return client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  /**
   * Applies the policy's RoleBinding to the backup ClusterRole. A roleRef cannot change, so the
   * binding of a release before the ClusterRole (to the Role {@code <policy>-backup}, which granted
   * every Secret of the namespace) is deleted first, then made anew; that Role stays, bound to
   * nothing, until the policy goes (the operator holds no right on Roles).
   */
  private static void bindBackupRole(KubernetesClient client, RoleBinding desired) {
    var actual =
        client
            .resources(RoleBinding.class)
            .inNamespace(desired.getMetadata().getNamespace())
            .withName(desired.getMetadata().getName())
            .get();
    if (BackupPodRights.mustReplace(actual, desired)) {
      client.resource(actual).delete();
      actual = null;
    }
    apply(client, desired, actual);
  }

  private static <T extends HasMetadata> void applyIfChanged(
      KubernetesClient client, T desired, Class<T> type) {
    var actual =
        client
            .resources(type)
            .inNamespace(desired.getMetadata().getNamespace())
            .withName(desired.getMetadata().getName())
            .get();
    apply(client, desired, actual);
  }

  static String hash(HasMetadata desired) {
    try {
      var digest = MessageDigest.getInstance("SHA-256").digest(SORTED.writeValueAsBytes(desired));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Map keys sorted, so that the hash of an unchanged object is the same in every JVM. */
  private static final com.fasterxml.jackson.databind.ObjectMapper SORTED =
      Serialization.jsonMapper()
          .copy()
          .configure(
              com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
}
