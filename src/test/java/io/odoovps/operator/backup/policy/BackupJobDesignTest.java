package io.odoovps.operator.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.odoovps.operator.api.v1alpha1.backup.BackupPolicy;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.backup.ExportToken;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.BackupFixtures;
import io.odoovps.operator.testing.TestConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the backup objects say about the VPS they serve and the rights their pods get. */
class BackupJobDesignTest {

  private final BackupJobDesign design =
      new BackupJobDesign(TestConfig.with(Map.of("odoovps.backup.cluster-role", "ovps-backup")));

  private static BackupPolicy policy() {
    var policy =
        BackupFixtures.policy("shop-ns", "daily", "https://s3.example", "b", "lyon-1", "s3");
    policy.getMetadata().setUid("policy-uid");
    return policy;
  }

  private List<Map<String, String>> podLabelsOfEveryJob() {
    var restore = new OdooVpsRestore();
    restore.setMetadata(
        new ObjectMetaBuilder().withName("first").withNamespace("shop-ns").withUid("r").build());
    var cronJob = design.cronJob(policy(), "shop", DailySchedule.of(null, "shop"));
    return List.of(
        cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getLabels(),
        cronJob.getSpec().getJobTemplate().getMetadata().getLabels(),
        design
            .restoreJob(
                restore,
                policy(),
                "shop",
                "b1",
                "shop-disk",
                new Quantity("10Gi"),
                "shop-disk-before-first")
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getLabels(),
        design.pruneJob(policy(), "shop").getSpec().getTemplate().getMetadata().getLabels(),
        design
            .purgeJob(policy(), "shop", "2026-03-01T00:00:00Z")
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getLabels());
  }

  @Test
  void everyJobNamesItsVpsWithALabelNoVpsSelectorReads() {
    assertThat(podLabelsOfEveryJob())
        .allSatisfy(
            labels ->
                assertThat(labels)
                    .containsEntry(BackupJobDesign.VPS_LABEL, "shop")
                    .doesNotContainKey(VpsLabels.VPS)
                    .doesNotContainKey(BackupJobDesign.LEGACY_VPS_LABEL));
  }

  @Test
  void theVpsOfAJobOfAnEarlierReleaseIsReadFromItsVpsLabel() {
    assertThat(BackupJobDesign.vpsOf(job(Map.of(BackupJobDesign.VPS_LABEL, "shop"))))
        .isEqualTo("shop");
    assertThat(BackupJobDesign.vpsOf(job(Map.of(VpsLabels.VPS, "shop")))).isEqualTo("shop");
    assertThat(
            BackupJobDesign.vpsOf(
                job(Map.of(BackupJobDesign.VPS_LABEL, "shop", VpsLabels.VPS, "other"))))
        .as("the new label wins")
        .isEqualTo("shop");
    assertThat(BackupJobDesign.vpsOf(job(Map.of(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR))))
        .isNull();
    assertThat(BackupJobDesign.vpsOf(new JobBuilder().withNewMetadata().endMetadata().build()))
        .isNull();
  }

  @Test
  void theBackupPodsGetTheConfiguredClusterRoleAndTheirTokenByReferenceOnly() {
    var binding = design.roleBinding(policy());
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo("ovps-backup");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("daily-backup");
              assertThat(s.getNamespace()).isEqualTo("shop-ns");
            });
    assertThat(binding.getMetadata().getLabels())
        .containsEntry(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR);

    var cronJob = design.cronJob(policy(), "shop", DailySchedule.of(null, "shop"));
    var pod = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("daily-backup");
    var tokenSecret = BackupJobDesign.exportTokenSecretName("daily", "shop");
    assertThat(pod.getContainers().get(0).getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo(ExportToken.VALUE_ENV);
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(tokenSecret);
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(ExportToken.KEY);
            })
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo(ExportToken.SECRET_ENV);
              assertThat(e.getValue()).isEqualTo(tokenSecret);
            });
  }

  @Test
  void theExportTokenSecretBelongsToItsCronJobWithoutBlockingItsDeletion() {
    var cronJob = new CronJob();
    cronJob.setMetadata(new ObjectMetaBuilder().withName("backup-daily-shop").withUid("c").build());
    var secret = BackupJobDesign.exportTokenSecret(policy(), "shop", cronJob, "f".repeat(64));
    assertThat(secret.getMetadata().getName())
        .isEqualTo(BackupJobDesign.exportTokenSecretName("daily", "shop"))
        .hasSizeLessThanOrEqualTo(63);
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("shop-ns");
    assertThat(secret.getMetadata().getLabels())
        .containsEntry(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR)
        .containsEntry(BackupJobDesign.COMPONENT, BackupJobDesign.EXPORT_TOKEN)
        .containsEntry(BackupJobDesign.POLICY_LABEL, "daily")
        .containsEntry(BackupJobDesign.VPS_LABEL, "shop");
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("CronJob");
              assertThat(o.getUid()).isEqualTo("c");
              assertThat(o.getController()).isTrue();
              // blockOwnerDeletion would need update on cronjobs/finalizers (OpenShift)
              assertThat(o.getBlockOwnerDeletion()).isNull();
            });
    assertThat(secret.getStringData()).containsOnlyKeys(ExportToken.KEY);
    assertThat(
            BackupJobDesign.exportTokenSecretName(
                "a-very-long-policy-name-indeed", "a-very-long-customer-shop-name-for-odoo"))
        .hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void anExportTokenNeverShowsItsValue() {
    var token = new ExportToken("export-token-daily-shop", "0123abcd".repeat(8));
    assertThat(token.toString()).contains("export-token-daily-shop").doesNotContain("0123abcd");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ExportToken.fromEnvironment(Map.of(ExportToken.SECRET_ENV, "s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ExportToken.VALUE_ENV);
  }

  private static Job job(Map<String, String> labels) {
    return new JobBuilder().withNewMetadata().withLabels(labels).endMetadata().build();
  }

  @Test
  void aPolicyOfThePersistentVolumeClaimMethodMountsTheDiskReadOnlyAndStreamsItsImage() {
    var policy = policy();
    policy
        .getSpec()
        .setMethod(
            io.odoovps.operator.api.v1alpha1.backup.BackupPolicySpec.Method.PersistentVolumeClaim);
    var pod =
        design
            .cronJob(policy, "shop", DailySchedule.of(null, "shop"))
            .getSpec()
            .getJobTemplate()
            .getSpec()
            .getTemplate()
            .getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getArgs())
        .containsSequence("--source", "/disk/disk.img")
        .doesNotContain("--method");
    assertThat(pod.getVolumes())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("shop-disk");
              assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
            });
    assertThat(container.getVolumeMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    assertThat(pod.getSecurityContext().getRunAsUser())
        .as("KubeVirt's qemu user owns the disk image")
        .isEqualTo(BackupJobDesign.QEMU_UID);

    var export =
        design
            .cronJob(policy(), "shop", DailySchedule.of(null, "shop"))
            .getSpec()
            .getJobTemplate()
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(export.getContainers().get(0).getArgs())
        .containsSequence("--method", "VirtualMachineExport");
    assertThat(export.getVolumes()).isEmpty();
  }

  @Test
  void theDiskClaimIsTheOneTheVirtualMachineGetsFromItsDataVolume() {
    var vps = io.odoovps.operator.testing.VpsFixtures.vps("shop-ns", "shop");
    assertThat(BackupJobDesign.diskClaim("shop"))
        .isEqualTo(io.odoovps.operator.vps.VirtualMachineDesign.diskName(vps));
  }
}
