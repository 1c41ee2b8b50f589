package io.odoovps.operator.api.v1alpha1.backup;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicyStatus.VpsBackups;

/**
 * The backups of one VPS under one BackupPolicy, as the operator observed them: one object per
 * (policy, VPS), named {@code <vps>.<policy>}, owned by the policy, written by the operator only.
 * Like a Lease, its spec is a record, not a request. It keeps the policy's status the same size
 * whatever the number of VPSs it covers (etcd refuses objects above about 1.5 MiB).
 */
@Group("odoovps.io")
@Version("v1alpha1")
@ShortNames("ovpsrecord")
@Categories("odoovps-all")
@JsonClassDescription(
    "The backups of one VPS under one BackupPolicy, written by the operator only (like a Lease, its spec is a record): the CronJob and schedule, the last success and failure, the backups kept in the bucket, and the departure or termination that leads to pruning or purging them. Named <vps>.<policy>, labelled odoovps.io/backup-policy and odoovps.io/backup-of, owned by the policy.")
@AdditionalPrinterColumn(name = "VPS", jsonPath = ".spec.name")
@AdditionalPrinterColumn(name = "Last Success", jsonPath = ".spec.lastSuccess.time")
@AdditionalPrinterColumn(
    name = "Kept",
    jsonPath = ".spec.keptCount",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Next Run", jsonPath = ".spec.nextRun")
@AdditionalPrinterColumn(name = "Last Failure", jsonPath = ".spec.lastFailure.time")
@AdditionalPrinterColumn(name = "Terminated", jsonPath = ".spec.terminatedAt")
public class BackupRecord extends CustomResource<VpsBackups, Void> implements Namespaced {

  /** The name of the record of {@code vps} under {@code policy}. */
  public static String nameOf(String vps, String policy) {
    return vps + "." + policy;
  }
}
