package io.odoovps.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Everything the platform engineer tunes, under the `odoovps.` prefix (application.properties,
 * environment variables such as `ODOOVPS_OVERCOMMIT_CPU_RATIO`, or the Helm chart's values).
 */
@ConfigMapping(prefix = "odoovps")
public interface OperatorConfig {

  /** How far a host's CPU and memory are shared between VPSs (contract article 2). */
  Overcommit overcommit();

  /** The provider image and storage of every VPS's dedicated disk. */
  VirtualMachine vm();

  /** Which Odoo versions the provider image knows how to install. */
  Odoo odoo();

  /** Requests are the plan's size divided by these ratios; limits are the plan's size. */
  interface Overcommit {
    /** vCPU overcommit: 4 means a 2-vCPU plan requests 500m of host CPU. */
    @WithDefault("4")
    double cpuRatio();

    /** Memory overcommit: 1.5 means a 6Gi plan requests 4Gi of host memory. */
    @WithDefault("1.5")
    double memoryRatio();
  }

  /** The virtual machine template. */
  interface VirtualMachine {
    /** The provider's boot image, a CDI registry URL (`docker://…`) or an `http(s)://` URL. */
    @WithDefault("docker://quay.io/containerdisks/debian:12")
    String image();

    /** StorageClass of the dedicated disks; the cluster default when unset. */
    Optional<String> storageClass();

    /** Access modes of the dedicated disk; ReadWriteMany allows live migration. */
    @WithDefault("ReadWriteOnce")
    List<String> accessModes();
  }

  /** Odoo versions. */
  interface Odoo {
    /** Versions the provider image supports; any other `spec.odoo.version` is refused. */
    @WithDefault("16.0,17.0,18.0")
    List<String> supportedVersions();
  }
}
