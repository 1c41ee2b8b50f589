package io.odoovps.operator.restore;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreStatus.Phase;
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
    var status = restore.getStatus();
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
          "spec.policy: BackupPolicy " + spec.getPolicy() + " does not exist in " + namespace,
          events,
          now);
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
          events,
          now);
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
        return waiting(status, "waiting for another restore of this VPS to finish");
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
        return waiting(
            status,
            "waiting for restore " + busy.get().getMetadata().getName() + " of this VPS to finish");
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
      var ledgerNs = ledgerNamespace.apply(client);
      var ledger = RestoreLedger.read(client, ledgerNs, namespace);
      var seen = new HashSet<String>();
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
      var policy = holder.get().getMetadata().getName();
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
      holding.put(namespace + "/" + spec.getVps(), restore.getMetadata().getUid());
      var left = RestoreAllowance.left(carriedOut, now) - 1;
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
}
