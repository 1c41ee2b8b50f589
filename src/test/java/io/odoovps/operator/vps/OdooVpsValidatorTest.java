package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoovps.operator.api.v1alpha1.odoovps.OdooSpec;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OdooVpsValidatorTest {

  @Test
  void acceptsASupportedVersion() {
    assertThat(
            new OdooVpsValidator(TestConfig.defaults(), java.util.Set.of("paris-1"))
                .validate(VpsFixtures.vps("ns", "a")))
        .isEmpty();
  }

  @Test
  void refusesAVersionTheProviderImageDoesNotSupportNamingTheField() {
    var vps = VpsFixtures.vps("ns", "a");
    vps.getSpec().setOdoo(new OdooSpec("15.0"));
    var errors =
        new OdooVpsValidator(
                TestConfig.with(Map.of("odoovps.odoo.supported-versions", "17.0,18.0")),
                java.util.Set.of("paris-1"))
            .validate(vps);
    assertThat(errors)
        .containsExactly(
            "spec.odoo.version 15.0 is not supported by the provider image (supported: 17.0, 18.0)");
  }

  @Test
  void refusesALocationThePlatformDoesNotHave() {
    var vps = VpsFixtures.vps("ns", "a");
    vps.getSpec().setLocation("atlantis-9");
    assertThat(
            new OdooVpsValidator(TestConfig.defaults(), java.util.Set.of("paris-1", "lyon-1"))
                .validate(vps))
        .containsExactly(
            "spec.location atlantis-9 is not a datacenter of this platform (known: lyon-1, paris-1)");
  }

  /** The API server checks names on creation only: a VPS created before that is told here. */
  @Test
  void refusesANameCreatedBeforeTheApiServerCheckedItAndAcceptsTheLongestValidOne() {
    var validator = new OdooVpsValidator(TestConfig.defaults(), java.util.Set.of("paris-1"));

    assertThat(validator.validate(VpsFixtures.vps("ns", "v" + "x".repeat(37)))).isEmpty();
    assertThat(validator.validate(VpsFixtures.vps("ns", "v" + "x".repeat(38))))
        .singleElement()
        .asString()
        .startsWith("metadata.name v" + "x".repeat(38) + " cannot name what a VPS is made of")
        .contains("at most 38 characters");
    assertThat(validator.validate(VpsFixtures.vps("ns", "1shop")))
        .singleElement()
        .asString()
        .contains("a DNS-1035 label");
  }
}
