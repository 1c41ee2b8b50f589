package io.odoovps.operator.vps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.odoovps.operator.testing.TestConfig;
import io.odoovps.operator.testing.VpsFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cloud-init user data: the provisioning interface of the provider image (docs/guest.md). */
class GuestDesignTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  @Test
  void writesTheAdminCredentialsRootOnlyAndRunsTheImagesProvisionScript() throws Exception {
    var data = userData(TestConfig.defaults());

    assertThat(data.get("ssh_pwauth").asBoolean()).isFalse();
    var admin = file(data, "/etc/odoo-vps/admin");
    assertThat(admin.get("permissions").asText()).isEqualTo("0600");
    assertThat(admin.get("owner").asText()).isEqualTo("root:root");
    assertThat(admin.get("content").asText())
        .isEqualTo("login=owner@acme.example\npassword=s3cret-Pass\n");
    assertThat(data.get("runcmd").get(0).get(0).asText()).isEqualTo("/usr/lib/odoo-vps/provision");
    // the password is in the root-only file and nowhere else
    var text =
        new GuestDesign(TestConfig.defaults())
            .userData(vps(), "owner@acme.example", "s3cret-Pass", "ecdsa-sha2-nistp256 AAAAtest");
    assertThat(text.split("s3cret-Pass", -1)).hasSize(2);
  }

  @Test
  void theOperatorsCommandKeyIsRootOnlyAndForcedToTheGuestCommand() throws Exception {
    var keys = file(userData(TestConfig.defaults()), "/etc/odoo-vps/command-keys");
    assertThat(keys.get("permissions").asText()).isEqualTo("0600");
    assertThat(keys.get("owner").asText()).isEqualTo("root:root");
    assertThat(keys.get("content").asText())
        .isEqualTo(
            "restrict,command=\"/usr/lib/odoo-vps/guest-command\" ecdsa-sha2-nistp256 AAAAtest"
                + " odoovps-operator\n");
  }

  @Test
  void theSettingsFileSourcedByAShellGivesOdoosRepositoryAtTheSpecsVersion() throws Exception {
    var settings = source(file(userData(TestConfig.defaults()), "/etc/odoo-vps/odoo.env"));

    assertThat(settings)
        .containsEntry("ODOO_VERSION", "17.0")
        .containsEntry(
            "ODOO_REPOSITORY",
            "[signed-by=/usr/share/keyrings/odoo.gpg] https://nightly.odoo.com/17.0/nightly/deb/ ./")
        .containsEntry("ODOO_REPOSITORY_KEY_URL", "https://nightly.odoo.com/odoo.key")
        .containsEntry("ODOO_DATABASE", "odoo");
  }

  @Test
  void aTrustedLocalRepositoryNeedsNoKeyAndTheFirstBootUpgradeIsASetting() throws Exception {
    var config =
        TestConfig.with(
            Map.of(
                "odoovps.odoo.repository", "[trusted=yes] http://10.0.2.2:8000/{version}/ ./",
                "odoovps.vm.upgrade-on-first-boot", "true"));
    var data = userData(config);
    var settings = source(file(data, "/etc/odoo-vps/odoo.env"));

    assertThat(settings)
        .containsEntry("ODOO_REPOSITORY", "[trusted=yes] http://10.0.2.2:8000/17.0/ ./")
        .doesNotContainKey("ODOO_REPOSITORY_KEY_URL");
    assertThat(data.get("package_update").asBoolean()).isTrue();
    assertThat(data.get("package_upgrade").asBoolean()).isTrue();
    assertThat(userData(TestConfig.defaults()).get("package_upgrade").asBoolean())
        .as("off by default")
        .isFalse();
  }

  @Test
  void shellQuotingSurvivesQuotes() throws Exception {
    var env = dir.resolve("quoted.env");
    Files.writeString(env, "X=" + GuestDesign.shellQuoted("it's $HOME `x`") + "\n");
    assertThat(sourced(env)).containsEntry("X", "it's $HOME `x`");
  }

  private JsonNode userData(io.odoovps.operator.config.OperatorConfig config) throws Exception {
    var text =
        new GuestDesign(config)
            .userData(vps(), "owner@acme.example", "s3cret-Pass", "ecdsa-sha2-nistp256 AAAAtest");
    assertThat(text).startsWith("#cloud-config\n");
    return YAML.readTree(text);
  }

  private static io.odoovps.operator.api.v1alpha1.odoovps.OdooVps vps() {
    var vps = VpsFixtures.vps("shop", "acme");
    vps.getSpec().getCustomer().setEmail("owner@acme.example");
    vps.getSpec().getOdoo().setVersion("17.0");
    return vps;
  }

  private static JsonNode file(JsonNode data, String path) {
    for (var f : data.get("write_files")) {
      if (path.equals(f.get("path").asText())) {
        return f;
      }
    }
    throw new AssertionError("no " + path + " in write_files");
  }

  /** What a real shell reads out of the file, as the provision script sources it. */
  private Map<String, String> source(JsonNode file) throws Exception {
    var env = dir.resolve("odoo.env");
    Files.writeString(env, file.get("content").asText());
    return sourced(env);
  }

  private static Map<String, String> sourced(Path env) throws Exception {
    var names = new ArrayList<String>();
    for (var line : Files.readAllLines(env)) {
      if (line.contains("=")) {
        names.add(line.substring(0, line.indexOf('=')));
      }
    }
    var script = new StringBuilder("set -e; . '" + env + "'");
    for (var n : names) {
      script.append("; printf '%s=%s\\0' ").append(n).append(" \"$").append(n).append('"');
    }
    var process = new ProcessBuilder("sh", "-c", script.toString()).start();
    var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isZero();
    var values = new java.util.HashMap<String, String>();
    for (var pair : List.of(out.split("\0"))) {
      if (!pair.isEmpty()) {
        values.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
    }
    return values;
  }
}
