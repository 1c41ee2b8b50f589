package io.odoovps.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestore;
import io.odoovps.operator.api.v1alpha1.restore.OdooVpsRestoreSpec;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SafetyCopyDesignTest {

  private static OdooVpsRestore restore(String name) {
    var restore = new OdooVpsRestore();
    restore.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").build());
    restore.setSpec(new OdooVpsRestoreSpec("alpha", "20260301T020000Z", null));
    return restore;
  }

  @Test
  void aCopyIsLabelledAsTheVpsDataOwnedByTheVpsAndSizedLikeItsDisk() {
    var vps = VpsFixtures.vps("ns", "alpha");
    vps.getMetadata().setUid("uid-alpha");
    var disk =
        new PersistentVolumeClaimBuilder()
            .withNewSpec()
            .withStorageClassName("ceph-rbd")
            .withAccessModes("ReadWriteMany")
            .withNewResources()
            .withRequests(Map.of("storage", new Quantity("50Gi")))
            .endResources()
            .endSpec()
            .build();
    var copy =
        SafetyCopyDesign.desired(
            restore("first"), vps, "alpha-disk", Optional.of(disk), TestConfig.defaults().vm());
    assertThat(copy.getMetadata().getName()).isEqualTo("alpha-disk-before-first");
    assertThat(copy.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "odoovps-operator")
        .containsEntry("odoovps.io/vps", "alpha")
        .containsEntry("odoovps.io/restore", "first");
    assertThat(copy.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("OdooVps");
              assertThat(o.getUid()).isEqualTo("uid-alpha");
              assertThat(o.getController()).isFalse();
            });
    assertThat(copy.getSpec().getStorageClassName()).isEqualTo("ceph-rbd");
    assertThat(copy.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    assertThat(copy.getSpec().getResources().getRequests().get("storage"))
        .isEqualTo(new Quantity("50Gi"));
    assertThat(copy.getSpec().getVolumeMode()).isEqualTo("Filesystem");
  }

  @Test
  void withoutTheDiskClaimTheCopyFollowsThePlanAndTheConfiguredDisk() {
    var vps = VpsFixtures.vps("ns", "alpha");
    var copy =
        SafetyCopyDesign.desired(
            restore("r".repeat(60)),
            vps,
            "alpha-disk",
            Optional.empty(),
            TestConfig.with(Map.of("odoovps.vm.storage-class", "local-path")).vm());
    assertThat(copy.getMetadata().getName()).hasSizeLessThanOrEqualTo(63);
    assertThat(copy.getSpec().getResources().getRequests().get("storage"))
        .isEqualTo(new Quantity("40Gi"));
    assertThat(copy.getSpec().getStorageClassName()).isEqualTo("local-path");
    assertThat(copy.getSpec().getAccessModes()).isEqualTo(List.of("ReadWriteOnce"));
  }

  @Test
  void theSelectorFindsTheCopiesOfOneVps() {
    assertThat(SafetyCopyDesign.selector("alpha"))
        .isEqualTo(
            "app.kubernetes.io/managed-by=odoovps-operator,odoovps.io/vps=alpha,"
                + "app.kubernetes.io/component=restore-safety-copy");
  }
}
