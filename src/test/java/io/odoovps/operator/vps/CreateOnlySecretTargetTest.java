package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.odoovps.operator.testing.VpsFixtures;
import org.junit.jupiter.api.Test;

/**
 * The create-only Secrets are found in the cache by name, with no context: JOSDK's default computes
 * the desired Secret (a fresh key pair, a fresh password) at every reconcile only to learn its
 * name.
 */
class CreateOnlySecretTargetTest {

  private final io.odoovps.operator.api.v1alpha1.odoovps.OdooVps vps =
      VpsFixtures.vps("customers", "acme");

  @Test
  void theCommandKeySecretIsFoundByItsNameWithoutItsDesiredState() {
    assertThat(new OdooVpsCommandKeySecretDependentResource().targetSecondaryResourceID(vps, null))
        .isEqualTo(new ResourceID("acme-" + GuestDesign.COMMAND_KEY, "customers"))
        .isEqualTo(new ResourceID(GuestDesign.commandKeySecretName(vps), "customers"));
  }

  @Test
  void theAdminSecretIsFoundByItsNameWithoutItsDesiredState() {
    assertThat(new OdooVpsAdminSecretDependentResource().targetSecondaryResourceID(vps, null))
        .isEqualTo(new ResourceID(GuestDesign.adminSecretName(vps), "customers"));
  }
}
