package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.config.OperatorConfig.SuspensionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Halt or isolate: what a suspension, a restore and spec.isolation do to the VPS. */
class ConfinementTest {

  @ParameterizedTest(name = "suspended={0} mode={1} restoring={2} disk pending={3} isolation={4}")
  @CsvSource({
    // suspended, mode, restoring, disk pending, isolation requested, halted, isolated
    "false, halt,    false, false, false, false, false",
    "true,  halt,    false, false, false, true,  false",
    "true,  isolate, false, false, false, false, true",
    "false, isolate, false, false, false, false, false",
    "false, halt,    true,  false, false, true,  false",
    "false, isolate, true,  false, false, true,  false",
    "true,  isolate, true,  false, false, true,  true",
    "false, halt,    false, false, true,  false, true",
    "true,  halt,    false, false, true,  true,  true",
    "true,  isolate, false, false, true,  false, true",
    // a disk still being filled from the provider image holds the VM, and nothing else
    "false, halt,    false, true,  false, true,  false",
    "true,  isolate, false, true,  false, true,  true",
  })
  void confinement(
      boolean suspended,
      SuspensionMode mode,
      boolean restoring,
      boolean diskPending,
      boolean isolationRequested,
      boolean halted,
      boolean isolated) {
    assertThat(Confinement.of(suspended, mode, restoring, diskPending, isolationRequested))
        .isEqualTo(new Confinement(halted, isolated));
  }
}
