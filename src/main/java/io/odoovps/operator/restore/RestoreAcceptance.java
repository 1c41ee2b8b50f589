package io.odoovps.operator.restore;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.backup.BackupRecord;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.backup.policy.BackupRecords;
import io.odoovps.operator.contract.RestoreAllowance;
import io.odoovps.operator.contract.Timestamps;
import io.odoovps.operator.event.EventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Accepts or rejects a pending restore: the backup must be one a BackupPolicy keeps, the customer
 * must have a restore left this calendar month (at most two, contract article 3, counted in the
 * ledger across namespaces and restarts), and only one restore of a VPS runs at a time. An accepted
 * restore is recorded in the ledger, then moves to Stopping; a rejected one changes nothing else.
 */
final class RestoreAcceptance {

  /** One acceptance decision at a time in this process; the ledger's lock covers the rest. */
  private final Object acceptLock = new Object();

  /** The restore that holds each VPS (namespace/name), as accepted here. */
  private final Map<String, String> holding = new ConcurrentHashMap<>();

  private final Function<KubernetesClient, String> ledgerNamespace;

  RestoreAcceptance(Function<KubernetesClient, String> ledgerNamespace) {
    this.ledgerNamespace = ledgerNamespace;
  }

  StatusChange decide(
      OdooVpsRestore restore,
      OdooVps vps,
      Context<OdooVpsRestore> context,
      EventRecorder events,
      Instant now) {
    var spec = restore.getSpec();
    var namespace = restore.getMetadata().getNamespace();
    var policies = policies(context.getClient(), namespace, spec.getPolicy());
    if (spec.getPolicy() != null && policies.isEmpty()) {
      return reject(
          restore,
          "spec.policy: BackupPolicy " + spec.getPolicy() + " does not exist in " + namespace,
          events,
          now);
    }
    var records = records(context.getClient(), namespace, spec.getVps());
    var holder =
        policies.stream()
            .filter(p -> keeps(p, records, spec.getVps(), spec.getBackupId()))
            .findFirst();
    if (holder.isEmpty()) {
      return reject(restore, notKept(restore, policies, records), events, now);
    }
    var restoreCustomer = RestoreCustomer.of(vps.getSpec().getCustomer());
    synchronized (acceptLock) {
      var other = otherRestoreOfVps(restore, context);
      if (other.isPresent()) {
        return waiting(restore.getStatus(), other.get());
      }
      return admit(
          restore,
          vps,
          context,
          events,
          now,
          restoreCustomer,
          holder.get().getMetadata().getName());
    }
  }

  /** The BackupPolicies of {@code namespace} the restore may take its backup from. */
  private static List<BackupPolicy> policies(
      KubernetesClient client, String namespace, String policy) {
    return client.resources(BackupPolicy.class).inNamespace(namespace).list().getItems().stream()
        .filter(p -> policy == null || policy.equals(p.getMetadata().getName()))
        .toList();
  }

  /** The BackupRecords of {@code vps}: what each policy keeps of it. */
  private static List<BackupRecord> records(KubernetesClient client, String namespace, String vps) {
    return client
        .resources(BackupRecord.class)
        .inNamespace(namespace)
        .withLabel(BackupJobDesign.VPS_LABEL, vps)
        .list()
        .getItems();
  }

  /** The rejection message for a backup that none of {@code policies} keeps. */
  private static String notKept(
      OdooVpsRestore restore, List<BackupPolicy> policies, List<BackupRecord> records) {
    var spec = restore.getSpec();
    var namespace = restore.getMetadata().getNamespace();
    var kept =
        policies.stream()
            .flatMap(p -> keptIds(p, records, spec.getVps()).stream())
            .sorted()
            .distinct()
            .toList();
    return "spec.backupId: "
        + spec.getBackupId()
        + " is not a backup of "
        + spec.getVps()
        + " kept by "
        + (spec.getPolicy() == null ? "any BackupPolicy of " + namespace : spec.getPolicy())
        + (kept.isEmpty()
            ? " (none is kept yet)"
            : " (kept: "
                + String.join(", ", kept.subList(Math.max(0, kept.size() - 5), kept.size()))
                + unlisted(policies, records, spec.getVps())
                + ")");
  }

  /**
   * Why the restore waits for another restore of the same VPS, if it does: one restore of a VPS at
   * a time, as the cache shows and as accepted here before the cache may show it.
   */
  private Optional<String> otherRestoreOfVps(
      OdooVpsRestore restore, Context<OdooVpsRestore> context) {
    var spec = restore.getSpec();
    var namespace = restore.getMetadata().getNamespace();
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
      return Optional.of("waiting for another restore of this VPS to finish");
    }
    return context
        .getPrimaryCache()
        .list(namespace)
        .filter(r -> !r.getMetadata().getName().equals(restore.getMetadata().getName()))
        .filter(r -> spec.getVps().equals(r.getSpec().getVps()))
        .filter(
            r ->
                r.getStatus() != null
                    && r.getStatus().phase() != null
                    && r.getStatus().phase().holdsVm())
        .findFirst()
        .map(r -> "waiting for restore " + r.getMetadata().getName() + " of this VPS to finish");
  }

  /**
   * Counts the customer's restores this month (the cache, then the ledger for restores whose
   * objects were deleted) and rejects over the allowance, or records the restore and accepts it.
   */
  private StatusChange admit(
      OdooVpsRestore restore,
      OdooVps vps,
      Context<OdooVpsRestore> context,
      EventRecorder events,
      Instant now,
      RestoreCustomer restoreCustomer,
      String policy) {
    var client = context.getClient();
    var namespace = restore.getMetadata().getNamespace();
    var customer = restoreCustomer.key();
    var carriedOut = new ArrayList<>(acceptedInCache(restore, context, restoreCustomer));
    // the ledger also remembers restores whose objects were deleted, across restarts
    var ledgerNs = ledgerNamespace.apply(client);
    var ledger = RestoreLedger.read(client, ledgerNs, namespace);
    carriedOut.addAll(onlyInLedger(restore, context, restoreCustomer, ledger));
    var refusal = RestoreAllowance.refusal(carriedOut, now);
    if (refusal.isPresent()) {
      events.warning(restore, "RestoreRejected", refusal.get());
      return StatusChange.to(
          OdooVpsRestoreStatus.accepted(
              Phase.Rejected, refusal.get(), customer, policy, null, 0, Timestamps.format(now)));
    }
    if (!RestoreLedger.write(
        client, ledgerNs, ledger, customer, restore.getMetadata().getUid(), now, true)) {
      // another acceptance changed the ledger meanwhile: decide again with it
      return StatusChange.recheck(Duration.ofSeconds(1));
    }
    holding.put(namespace + "/" + restore.getSpec().getVps(), restore.getMetadata().getUid());
    return accepted(
        restore, vps, events, now, customer, policy, RestoreAllowance.left(carriedOut, now) - 1);
  }

  /**
   * When the other restores of the customer the cache shows, neither failed nor rejected, began.
   */
  private static List<Instant> acceptedInCache(
      OdooVpsRestore restore, Context<OdooVpsRestore> context, RestoreCustomer restoreCustomer) {
    return context
        .getPrimaryCache()
        .list()
        .filter(r -> !r.getMetadata().getUid().equals(restore.getMetadata().getUid()))
        .filter(
            r -> r.getStatus() != null && restoreCustomer.keys().contains(r.getStatus().customer()))
        .filter(r -> r.getStatus().acceptedAt() != null)
        .filter(
            r -> r.getStatus().phase() != Phase.Failed && r.getStatus().phase() != Phase.Rejected)
        .map(r -> Instant.parse(r.getStatus().acceptedAt()))
        .toList();
  }

  /** When the customer's restores the ledger records but the cache does not show were accepted. */
  private static List<Instant> onlyInLedger(
      OdooVpsRestore restore,
      Context<OdooVpsRestore> context,
      RestoreCustomer restoreCustomer,
      RestoreLedger.Snapshot ledger) {
    var seen = new HashSet<String>();
    context
        .getPrimaryCache()
        .list()
        .filter(r -> r.getStatus() != null && r.getStatus().acceptedAt() != null)
        .forEach(r -> seen.add(r.getMetadata().getUid()));
    var carriedOut = new ArrayList<Instant>();
    for (var entry : ledger.entries(restoreCustomer.keys())) {
      if (!entry.uid().equals(restore.getMetadata().getUid()) && !seen.contains(entry.uid())) {
        carriedOut.add(entry.acceptedAt());
      }
    }
    return carriedOut;
  }

  /** The restore is recorded: Events on it and its VPS, then Stopping. */
  private static StatusChange accepted(
      OdooVpsRestore restore,
      OdooVps vps,
      EventRecorder events,
      Instant now,
      String customer,
      String policy,
      int left) {
    var spec = restore.getSpec();
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
    return StatusChange.to(
        OdooVpsRestoreStatus.accepted(
            Phase.Stopping,
            "stopping the VM of " + spec.getVps() + " before its disk is restored",
            customer,
            policy,
            Timestamps.format(now),
            left,
            null),
        Duration.ofSeconds(2));
  }

  /** A rejection: the reason in the status and a Warning Event; nothing else changes. */
  StatusChange reject(OdooVpsRestore restore, String why, EventRecorder events, Instant now) {
    events.warning(restore, "RestoreRejected", why);
    return StatusChange.to(OdooVpsRestoreStatus.of(Phase.Rejected, why, Timestamps.format(now)));
  }

  private static StatusChange waiting(OdooVpsRestoreStatus status, String message) {
    var next =
        status == null
            ? OdooVpsRestoreStatus.of(Phase.Pending, message, null)
            : status.moved(Phase.Pending, message);
    return StatusChange.to(next, Duration.ofSeconds(10));
  }

  static boolean keeps(
      BackupPolicy policy, List<BackupRecord> records, String vps, String backupId) {
    return entry(policy, records, vps)
        .filter(
            e ->
                RestorableBackups.keeps(
                    e,
                    Optional.ofNullable(policy.getSpec().getRetentionDays()).orElse(15),
                    backupId))
        .isPresent();
  }

  private static Optional<VpsBackups> entry(
      BackupPolicy policy, List<BackupRecord> records, String vps) {
    return BackupRecords.entry(records, policy.getMetadata().getName(), vps);
  }

  static List<String> keptIds(BackupPolicy policy, List<BackupRecord> records, String vps) {
    return entry(policy, records, vps).stream()
        .flatMap(v -> Optional.ofNullable(v.kept()).stream().flatMap(List::stream))
        .map(b -> b.backupId())
        .toList();
  }

  /** What the policies say of the backups kept beyond their lists, for a rejection message. */
  private static String unlisted(
      List<BackupPolicy> policies, List<BackupRecord> records, String vps) {
    return policies.stream()
        .flatMap(p -> entry(p, records, vps).stream())
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
}
