package io.odoovps.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names the export method gives its snapshot and export, and those KubeVirt derives. */
class VirtualMachineExportMethodNamesTest {

  @Test
  void namesStayShortDnsLabelsAndDistinctPerBackup() {
    var vps = "a-very-long-customer-shop-name-for-the-odoo-vps";
    var first = VirtualMachineExportMethod.objectName(vps, "20250301T020000Z");
    var second = VirtualMachineExportMethod.objectName(vps, "20250301T020001Z");
    assertThat(first)
        .hasSizeLessThanOrEqualTo(VirtualMachineExportMethod.MAX_NAME)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(second)
        .hasSizeLessThanOrEqualTo(VirtualMachineExportMethod.MAX_NAME)
        .isNotEqualTo(first);
    assertThat(VirtualMachineExportMethod.objectName("shop", "Run_7/Retry 2"))
        .isEqualTo("shop-backup-run-7-retry-2");
  }

  @Test
  void kubeVirtsServiceAndPodNamesStayDnsLabels() {
    var name = VirtualMachineExportMethod.objectName("x".repeat(63), "20250301T020000Z");
    assertThat("virt-export-" + name).hasSizeLessThanOrEqualTo(63);
    assertThat("virt-export-pod-" + name).hasSizeLessThanOrEqualTo(63);
  }
}
