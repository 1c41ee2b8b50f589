package io.odoovps.operator.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVpsStatus;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationSpec;
import io.odoovps.operator.api.v1alpha1.odoovps.TerminationStatus;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupPolicySourcesTest {

  private static OdooVps full() {
    var vps = VpsFixtures.vps("shop", "acme");
    vps.getMetadata().setUid("u-1");
    vps.getMetadata().setResourceVersion("41");
    vps.getMetadata().setLabels(Map.of("backup", "daily"));
    vps.setStatus(new OdooVpsStatus());
    vps.getStatus().setPhase(io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase.Running);
    return vps;
  }

  @Test
  void theLeanCopyKeepsWhatAPolicyReadsAndNothingElse() {
    var vps = full();
    vps.getStatus()
        .setTermination(new TerminationStatus("Requested", "2026-03-18T00:00:00Z", null, null));

    var lean = BackupPolicySources.lean(vps);

    assertThat(lean.getMetadata().getName()).isEqualTo("acme");
    assertThat(lean.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(lean.getMetadata().getUid()).isEqualTo("u-1");
    assertThat(lean.getMetadata().getResourceVersion()).isEqualTo("41");
    assertThat(lean.getMetadata().getLabels()).containsEntry("backup", "daily");
    assertThat(lean.getSpec().getLocation()).isEqualTo(vps.getSpec().getLocation());
    assertThat(lean.getStatus().getTermination()).isEqualTo(vps.getStatus().getTermination());
    assertThat(lean.getStatus().getPhase()).isNull();
    assertThat(lean.getSpec().getPlan()).isNull();
    assertThat(lean.getSpec().getCustomer()).isNull();
    assertThat(BackupPolicySources.read(lean)).isEqualTo(BackupPolicySources.read(vps));
    assertThat(BackupPolicySources.read(BackupPolicySources.lean(lean)))
        .isEqualTo(BackupPolicySources.read(lean));
  }

  @Test
  void onlyAChangeOfWhatAPolicyReadsConcernsThePolicies() {
    var before = BackupPolicySources.lean(full());

    var phase = full();
    phase.getStatus().setPhase(io.odoovps.operator.api.v1alpha1.odoovps.VpsPhase.Suspended);
    phase.getMetadata().setResourceVersion("42");
    assertThat(BackupPolicySources.read(phase)).isEqualTo(BackupPolicySources.read(before));

    var relabelled = full();
    relabelled.getMetadata().setLabels(Map.of("backup", "weekly"));
    assertThat(BackupPolicySources.read(relabelled)).isNotEqualTo(BackupPolicySources.read(before));

    var moved = full();
    moved.getSpec().setLocation("lyon-1");
    assertThat(BackupPolicySources.read(moved)).isNotEqualTo(BackupPolicySources.read(before));

    var terminating = full();
    var termination = new TerminationSpec();
    termination.setConfirm("acme");
    terminating.getSpec().setTermination(termination);
    assertThat(BackupPolicySources.read(terminating))
        .isNotEqualTo(BackupPolicySources.read(before));

    var terminated = full();
    terminated
        .getStatus()
        .setTermination(new TerminationStatus("Requested", "2026-03-18T00:00:00Z", null, null));
    assertThat(BackupPolicySources.read(terminated)).isNotEqualTo(BackupPolicySources.read(before));
  }
}
