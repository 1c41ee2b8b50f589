package io.odoovps.operator.vps;

import io.odoovps.operator.config.OperatorConfig.SuspensionMode;

/**
 * How a VPS is held back right now (contract articles 7 and 11): a suspension halts the VM or cuts
 * it off from the Internet, as the operator is configured; a restore holds the VM stopped while it
 * streams a backup onto the disk, and a disk still being filled from the provider image holds it
 * too; {@code spec.isolation} isolates it whatever else holds.
 *
 * @param halted the VM must not run
 * @param isolated the VPS must be cut off from the Internet (provider access kept)
 */
record Confinement(boolean halted, boolean isolated) {

  static Confinement of(
      boolean suspended,
      SuspensionMode mode,
      boolean restoring,
      boolean diskPending,
      boolean isolationRequested) {
    return new Confinement(
        (suspended && mode == SuspensionMode.halt) || restoring || diskPending,
        isolationRequested || (suspended && mode == SuspensionMode.isolate));
  }
}
