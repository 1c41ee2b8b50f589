package io.odoovps.operator.api.v1alpha1.backup;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.odoovps.operator.api.v1alpha1.NameRules;

/**
 * Daily off-site backups of the VPSs of a namespace (contract article 3): a schedule, a retention
 * of at least 15 days, and an S3-compatible bucket in another datacenter. The operator writes one
 * CronJob per covered VPS and keeps each VPS's last success, last failure, next run and the backups
 * kept in a {@link BackupRecord} of its own; the status sums them up.
 */
@Group("odoovps.io")
@io.fabric8.generator.annotation.ValidationRule(
    value = NameRules.LABEL_NAME_SIZE_RULE,
    optionalOldSelf = true,
    message =
        "metadata.name of a BackupPolicy must be at most 63 characters: it labels the Jobs it runs")
@io.fabric8.generator.annotation.ValidationRule(
    value = NameRules.LABEL_NAME_PATTERN_RULE,
    optionalOldSelf = true,
    message =
        "metadata.name of a BackupPolicy must be a DNS-1123 label (lower-case letters, digits and"
            + " '-', no dot): an OdooVpsRestore names it in spec.policy")
@Version("v1alpha1")
@ShortNames("ovpsbackup")
@Categories("odoovps-all")
@JsonClassDescription(
    "Daily off-site backups of the VPSs of a namespace that it selects: a schedule, a retention of at least 15 days and an S3-compatible bucket in another datacenter. The operator runs one CronJob per covered VPS and keeps each VPS's last success, last failure, next run and kept backups in a BackupRecord (kubectl get backuprecords -l odoovps.io/backup-policy=<policy>); status sums them up.")
@AdditionalPrinterColumn(name = "Target", jsonPath = ".spec.target.location")
@AdditionalPrinterColumn(
    name = "Retention",
    jsonPath = ".spec.retentionDays",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Covered",
    jsonPath = ".status.covered",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Failing",
    jsonPath = ".status.failing",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Last Success", jsonPath = ".status.lastSuccess")
@AdditionalPrinterColumn(name = "Next Run", jsonPath = ".status.nextRun")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
public class BackupPolicy extends CustomResource<BackupPolicySpec, BackupPolicyStatus>
    implements Namespaced {}
