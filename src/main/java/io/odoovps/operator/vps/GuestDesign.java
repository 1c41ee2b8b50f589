package io.odoovps.operator.vps;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.odoovps.operator.api.v1alpha1.odoovps.OdooVps;
import io.odoovps.operator.config.OperatorConfig;
import io.odoovps.operator.naming.VpsLabels;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Secrets that set up the guest. The customer gets Odoo administrator credentials only
 * (`<vps>-odoo-admin`); root belongs to the provider, whose SSH keys (`<vps>-provider-ssh`)
 * KubeVirt installs through the guest agent. The cloud-init user data (`<vps>-cloud-init`) installs
 * Odoo at the spec's version with PostgreSQL and sets the admin password; no credential ever sits
 * in the VM spec, a CR field, an Event or a log.
 */
public class GuestDesign {

  public static final String SECRET_KIND_LABEL = "odoovps.io/secret";
  public static final String ADMIN = "odoo-admin";
  public static final String PROVIDER_SSH = "provider-ssh";
  public static final String CLOUD_INIT = "cloud-init";

  /** The informer selectors of the two Secrets' dependents. */
  static final String PROVIDER_SSH_SELECTOR =
      VpsLabels.MANAGED_BY_SELECTOR + "," + SECRET_KIND_LABEL + "=" + PROVIDER_SSH;

  static final String CLOUD_INIT_SELECTOR =
      VpsLabels.MANAGED_BY_SELECTOR + "," + SECRET_KIND_LABEL + "=" + CLOUD_INIT;
  public static final String USERNAME_KEY = "username";
  public static final String PASSWORD_KEY = "password";
  public static final String AUTHORIZED_KEYS_KEY = "authorized_keys";
  public static final String USERDATA_KEY = "userdata";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

  private final OperatorConfig config;

  public GuestDesign(OperatorConfig config) {
    this.config = config;
  }

  public static String adminSecretName(OdooVps vps) {
    return vps.getMetadata().getName() + "-" + ADMIN;
  }

  public static String providerSshSecretName(OdooVps vps) {
    return vps.getMetadata().getName() + "-" + PROVIDER_SSH;
  }

  public static String cloudInitSecretName(OdooVps vps) {
    return vps.getMetadata().getName() + "-" + CLOUD_INIT;
  }

  /** Fresh Odoo administrator credentials; created once, never rotated by a resync. */
  public Secret adminSecret(OdooVps vps) {
    return secret(
        vps,
        adminSecretName(vps),
        ADMIN,
        Map.of(USERNAME_KEY, vps.getSpec().getCustomer().getEmail(), PASSWORD_KEY, password(24)));
  }

  public Secret providerSshSecret(OdooVps vps) {
    var keys = config.provider().sshAuthorizedKeys().orElse(List.of());
    return secret(
        vps,
        providerSshSecretName(vps),
        PROVIDER_SSH,
        Map.of(AUTHORIZED_KEYS_KEY, String.join("\n", keys) + (keys.isEmpty() ? "" : "\n")));
  }

  public Secret cloudInitSecret(OdooVps vps, String adminLogin, String adminPassword) {
    return secret(
        vps,
        cloudInitSecretName(vps),
        CLOUD_INIT,
        Map.of(USERDATA_KEY, userData(vps, adminLogin, adminPassword)));
  }

  String userData(OdooVps vps, String adminLogin, String adminPassword) {
    var version = vps.getSpec().getOdoo().getVersion();
    return """
        #cloud-config
        hostname: %s
        disable_root: false
        ssh_pwauth: false
        package_update: true
        package_upgrade: true
        packages: [postgresql, wget, gnupg, qemu-guest-agent]
        write_files:
          - path: /etc/odoo-vps/admin
            permissions: "0600"
            content: |
              login=%s
              password=%s
          - path: /etc/odoo-vps/version
            content: "%s"
        runcmd:
          - [systemctl, enable, --now, qemu-guest-agent]
          - [sh, -c, "wget -qO- https://nightly.odoo.com/odoo.key | gpg --dearmor -o /usr/share/keyrings/odoo.gpg"]
          - [sh, -c, "echo 'deb [signed-by=/usr/share/keyrings/odoo.gpg] https://nightly.odoo.com/%s/nightly/deb/ ./' > /etc/apt/sources.list.d/odoo.list"]
          - [sh, -c, "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y odoo"]
          - [sh, -c, "/usr/lib/odoo-vps/provision-database /etc/odoo-vps/admin"]
        """
        .formatted(vps.getMetadata().getName(), adminLogin, adminPassword, version, version);
  }

  private static Secret secret(OdooVps vps, String name, String kind, Map<String, String> data) {
    var labels = new HashMap<>(VpsLabels.of(vps));
    labels.put(SECRET_KIND_LABEL, kind);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(vps.getMetadata().getNamespace())
        .withLabels(labels)
        .endMetadata()
        .withType("Opaque")
        .withData(encode(data))
        .build();
  }

  private static Map<String, String> encode(Map<String, String> data) {
    var encoded = new HashMap<String, String>();
    data.forEach(
        (k, v) ->
            encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return encoded;
  }

  /** A value of a Secret's data, decoded. */
  public static String decoded(Secret secret, String key) {
    var value = secret.getData() == null ? null : secret.getData().get(key);
    return value == null
        ? null
        : new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }

  static String password(int length) {
    var chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }
}
