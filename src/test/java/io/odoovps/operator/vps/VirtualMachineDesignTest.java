package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.kubevirt.VirtualMachineSpec;
import io.odoovps.operator.naming.VpsLabels;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VirtualMachineDesignTest {

  @Test
  void requestsCpuAndMemoryBelowTheirLimitsByTheOvercommitRatios() {
    var design = new VirtualMachineDesign(TestConfig.defaults()); // cpu 4, memory 1.5
    var vm = design.render(VpsFixtures.vps("ns", "acme"));
    var resources = vm.getSpec().template().spec().domain().resources();

    assertThat(resources.limits()).containsEntry("cpu", "2").containsEntry("memory", "4Gi");
    assertThat(resources.requests()).containsEntry("cpu", "500m").containsEntry("memory", "2731Mi");
    assertThat(vm.getSpec().template().spec().domain().memory().guest()).isEqualTo("4Gi");
    assertThat(vm.getSpec().template().spec().domain().cpu().sockets()).isEqualTo(2);
  }

  @Test
  void overcommitRatiosComeFromConfiguration() {
    var design =
        new VirtualMachineDesign(
            TestConfig.with(
                Map.of(
                    "odoovps.overcommit.cpu-ratio", "2", "odoovps.overcommit.memory-ratio", "1")));
    assertThat(design.cpuRequest(3)).isEqualTo("1500m");
    assertThat(design.memoryRequest("6Gi")).isEqualTo("6144Mi");
  }

  @Test
  void givesTheVpsADedicatedDiskOfThePlanSizeFromTheProviderImage() {
    var design =
        new VirtualMachineDesign(TestConfig.with(Map.of("odoovps.vm.storage-class", "ceph-rbd")));
    var vm = design.render(VpsFixtures.vps("ns", "acme"));

    assertThat(vm.getSpec().dataVolumeTemplates()).hasSize(1);
    var disk = vm.getSpec().dataVolumeTemplates().get(0);
    assertThat(disk.metadata().getName()).isEqualTo("acme-disk");
    assertThat(disk.spec().storage().resources().requests()).containsEntry("storage", "40Gi");
    assertThat(disk.spec().storage().storageClassName()).isEqualTo("ceph-rbd");
    assertThat(disk.spec().storage().accessModes()).containsExactly("ReadWriteOnce");
    assertThat(disk.spec().source().registry().url())
        .isEqualTo("docker://quay.io/containerdisks/debian:12");
    assertThat(vm.getSpec().template().spec().volumes().get(0).dataVolume().name())
        .isEqualTo("acme-disk");
  }

  @Test
  void httpImagesUseTheHttpSource() {
    var design =
        new VirtualMachineDesign(
            TestConfig.with(Map.of("odoovps.vm.image", "https://images.example/odoo.qcow2")));
    var source =
        design
            .render(VpsFixtures.vps("ns", "acme"))
            .getSpec()
            .dataVolumeTemplates()
            .get(0)
            .spec()
            .source();
    assertThat(source.registry()).isNull();
    assertThat(source.http().url()).isEqualTo("https://images.example/odoo.qcow2");
  }

  @Test
  void labelsEverythingAsManagedByTheOperatorAndRunsTheVm() {
    var vm = new VirtualMachineDesign(TestConfig.defaults()).render(VpsFixtures.vps("ns", "acme"));
    assertThat(vm.getMetadata().getLabels())
        .containsEntry(VpsLabels.MANAGED_BY, VpsLabels.OPERATOR)
        .containsEntry(VpsLabels.VPS, "acme")
        .containsEntry(VpsLabels.LOCATION, "paris-1");
    assertThat(vm.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(vm.getSpec().runStrategy()).isEqualTo(VirtualMachineSpec.RUN_ALWAYS);
  }

  @Test
  void aHaltedVmKeepsItsDiskButDoesNotRun() {
    var vm =
        new VirtualMachineDesign(TestConfig.defaults()).render(VpsFixtures.vps("ns", "acme"), true);
    assertThat(vm.getSpec().runStrategy()).isEqualTo(VirtualMachineSpec.RUN_HALTED);
    assertThat(vm.getSpec().dataVolumeTemplates()).hasSize(1);
  }

  @Test
  void theGuestGetsCloudInitFromASecretAndRootKeysOnlyForTheProvider() {
    var spec =
        new VirtualMachineDesign(TestConfig.defaults())
            .render(VpsFixtures.vps("ns", "acme"))
            .getSpec()
            .template()
            .spec();
    assertThat(spec.volumes())
        .filteredOn(v -> v.cloudInitNoCloud() != null)
        .singleElement()
        .satisfies(
            v -> assertThat(v.cloudInitNoCloud().secretRef().name()).isEqualTo("acme-cloud-init"));
    assertThat(spec.accessCredentials())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.sshPublicKey().source().secret().secretName())
                  .isEqualTo("acme-provider-ssh");
              assertThat(c.sshPublicKey().propagationMethod().qemuGuestAgent().users())
                  .containsExactly("root");
            });
  }

  @Test
  void withoutCdiTheVmBootsFromTheClaimTheOperatorMakes() {
    var design =
        new VirtualMachineDesign(
            TestConfig.with(Map.of("odoovps.vm.disk-provisioning", "PersistentVolumeClaim")));
    var vm = design.render(VpsFixtures.vps("ns", "acme"));

    assertThat(vm.getSpec().dataVolumeTemplates()).isNull();
    var root = vm.getSpec().template().spec().volumes().get(0);
    assertThat(root.name()).isEqualTo(VirtualMachineDesign.ROOT_DISK);
    assertThat(root.dataVolume()).isNull();
    assertThat(root.persistentVolumeClaim().claimName()).isEqualTo("acme-disk");
  }

  @Test
  void theVmIsReadyOnlyWhileOdooAnswersThroughTheTlsProxy() {
    var vm = new VirtualMachineDesign(TestConfig.defaults()).render(VpsFixtures.vps("ns", "acme"));
    var probe = vm.getSpec().template().spec().readinessProbe();

    assertThat(probe.httpGet().scheme()).isEqualTo("HTTPS");
    assertThat(probe.httpGet().port()).isEqualTo(443);
    assertThat(probe.httpGet().path()).isEqualTo("/web/login");
    assertThat(probe.periodSeconds()).isEqualTo(10);
    assertThat(probe.failureThreshold()).isEqualTo(3);
    assertThat(probe.initialDelaySeconds()).as("a booting guest is just not ready yet").isNull();
  }
}
