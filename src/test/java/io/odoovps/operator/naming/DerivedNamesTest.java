package io.odoovps.operator.naming;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.NameRules;
import io.odoovps.operator.backup.VirtualMachineExportMethod;
import io.odoovps.operator.backup.policy.BackupJobDesign;
import io.odoovps.operator.monitoring.AlertRuleDesign;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import io.odoovps.operator.traffic.CiliumPolicyDesign;
import io.odoovps.operator.traffic.FilterPolicyDesign;
import io.odoovps.operator.vps.GuestCommands;
import io.odoovps.operator.vps.GuestDesign;
import io.odoovps.operator.vps.NetworkDesign;
import io.odoovps.operator.vps.VirtualMachineDesign;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every name the operator (and KubeVirt after it) derives from the longest names the API server
 * accepts ({@link NameRules}) is one Kubernetes accepts: the admission limits are not too loose.
 * One character more and the tightest derived name breaks: they are not too strict either.
 */
class DerivedNamesTest {

  private static final String DNS_1123_LABEL = NameRules.DNS_1123_LABEL;
  private static final String DNS_1035_LABEL = NameRules.DNS_1035_LABEL;
  private static final String SUBDOMAIN = NameRules.DNS_1123_SUBDOMAIN;

  private static String named(String head, int length) {
    return head + "x".repeat(length - head.length());
  }

  /** DNS-1123 labels (≤ 63): pod volume names, label values, CronJob-made Job names. */
  private static Map<String, String> labels(String vpsName, String policy, String restore) {
    var vps = VpsFixtures.vps("ns", vpsName);
    var names = new LinkedHashMap<String, String>();
    names.put("label odoovps.io/vps", vpsName);
    var vm =
        new VirtualMachineDesign(TestConfig.defaults())
            .render(vps)
            .getSpec()
            .template()
            .spec()
            .accessCredentials()
            .get(0);
    names.put(
        "KubeVirt's pod volume <secret>-access-cred",
        vm.sshPublicKey().source().secret().secretName() + "-access-cred");
    names.put("DataVolume", VirtualMachineDesign.diskName(vps));
    names.put("label odoovps.io/policy", policy);
    names.put("label odoovps.io/restore", restore);
    names.put("prune Job", BackupJobDesign.pruneJobName(policy, vpsName));
    names.put("purge Job", BackupJobDesign.purgeJobName(policy, vpsName));
    names.put("restore Job", BackupJobDesign.restoreJobName(restore));
    names.put("backup ServiceAccount", BackupJobDesign.serviceAccountName(policy));
    // the CronJob controller names each Job <cronjob>-<minutes since the epoch> (8 digits)
    names.put(
        "Job of the backup CronJob", BackupJobDesign.cronJobName(policy, vpsName) + "-29612345");
    var export = VirtualMachineExportMethod.objectName(vpsName, "20260301T021700Z");
    names.put("export Service virt-export-<export>", "virt-export-" + export);
    names.put("export pod virt-export-pod-<export>", "virt-export-pod-" + export);
    names.put("export token Secret", BackupJobDesign.exportTokenSecretName(policy, vpsName));
    names.put("rollback Job", BackupJobDesign.rollbackJobName(restore));
    names.put("guest-command upgrade Job", GuestCommands.upgradeJobName(vpsName, "18.0"));
    names.put(
        "guest-command updates Job", GuestCommands.updatesJobName(vpsName, "2026-03-01T10:00:00Z"));
    return names;
  }

  /** DNS-1123 subdomains (≤ 253): the other object names. */
  private static Map<String, String> subdomains(String vpsName) {
    var vps = VpsFixtures.vps("ns", vpsName);
    var names = new LinkedHashMap<String, String>();
    names.put("Secret odoo-admin", GuestDesign.adminSecretName(vps));
    names.put("Secret provider-ssh", GuestDesign.providerSshSecretName(vps));
    names.put("Secret cloud-init", GuestDesign.cloudInitSecretName(vps));
    names.put("Secret guest-command-key", GuestDesign.commandKeySecretName(vps));
    names.put("isolation NetworkPolicy", NetworkDesign.isolationPolicyName(vps));
    names.put("traffic NetworkPolicy", FilterPolicyDesign.name(vpsName));
    names.put("PrometheusRule", AlertRuleDesign.ruleName(vps));
    names.put("CiliumNetworkPolicy", CiliumPolicyDesign.policyName(vpsName));
    names.put("MitigationState", vpsName);
    names.put(
        "contract record ConfigMap",
        io.odoovps.operator.record.ContractRecords.name("a".repeat(63), vpsName));
    names.put("Event", vpsName + ".0123abcd");
    return names;
  }

  @Test
  void everyNameDerivedFromTheLongestAcceptedNamesIsValid() {
    var vps = named("v", NameRules.VPS_NAME_MAX);
    var policy = named("p", NameRules.LABEL_MAX);
    var restore = named("r", NameRules.LABEL_MAX);

    assertThat(vps).as("the Service and VM name").matches(DNS_1035_LABEL).hasSize(38);
    labels(vps, policy, restore)
        .forEach(
            (what, name) ->
                assertThat(name)
                    .as(what + " " + name)
                    .matches(DNS_1123_LABEL)
                    .hasSizeLessThanOrEqualTo(63));
    assertThat(BackupJobDesign.cronJobName(policy, vps)).hasSizeLessThanOrEqualTo(52);
    subdomains(vps)
        .forEach(
            (what, name) ->
                assertThat(name)
                    .as(what + " " + name)
                    .matches(SUBDOMAIN)
                    .hasSizeLessThanOrEqualTo(253));
  }

  @Test
  void oneCharacterMoreBreaksKubeVirtsAccessCredentialVolume() {
    var names = labels(named("v", NameRules.VPS_NAME_MAX + 1), "daily", "restore-1");

    assertThat(names.get("KubeVirt's pod volume <secret>-access-cred")).hasSize(64);
  }

  @Test
  void aDottedRestoreNameStaysValidWhenItsJobNameIsShortenedWithAHash() {
    // 63 characters, a dot where the cut falls: "restore-" + 45 + "." is the 54-character prefix
    var restore = "a".repeat(45) + "." + "b".repeat(17);

    var job = BackupJobDesign.restoreJobName(restore);

    assertThat(job).matches(SUBDOMAIN).hasSize(62).startsWith("restore-" + "a".repeat(45) + "-");
  }
}
