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
  public static final String COMMAND_KEY = "guest-command-key";

  /** The informer selectors of the two Secrets' dependents. */
  static final String PROVIDER_SSH_SELECTOR =
      VpsLabels.MANAGED_BY_SELECTOR + "," + SECRET_KIND_LABEL + "=" + PROVIDER_SSH;

  static final String CLOUD_INIT_SELECTOR =
      VpsLabels.MANAGED_BY_SELECTOR + "," + SECRET_KIND_LABEL + "=" + CLOUD_INIT;
  static final String COMMAND_KEY_SELECTOR =
      VpsLabels.MANAGED_BY_SELECTOR + "," + SECRET_KIND_LABEL + "=" + COMMAND_KEY;
  public static final String USERNAME_KEY = "username";
  public static final String PRIVATE_KEY_KEY = "ssh-privatekey";
  public static final String PUBLIC_KEY_KEY = "ssh-publickey";
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

  public static String commandKeySecretName(OdooVps vps) {
    return vps.getMetadata().getName() + "-" + COMMAND_KEY;
  }

  /**
   * The operator's key for the VPS's guest commands ({@link GuestCommandKey}); created once, never
   * rotated (the guest learnt its public half at its first boot).
   */
  public Secret commandKeySecret(OdooVps vps) {
    var key = GuestCommandKey.generate();
    return secret(
        vps,
        commandKeySecretName(vps),
        COMMAND_KEY,
        Map.of(PRIVATE_KEY_KEY, key.privatePem(), PUBLIC_KEY_KEY, key.publicLine()));
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

  public Secret cloudInitSecret(
      OdooVps vps, String adminLogin, String adminPassword, String commandKey) {
    return secret(
        vps,
        cloudInitSecretName(vps),
        CLOUD_INIT,
        Map.of(USERDATA_KEY, userData(vps, adminLogin, adminPassword, commandKey)));
  }

  /**
   * The cloud-init user data: the provisioning interface of the provider image (docs/guest.md).
   * cloud-init writes the admin credentials (root-only) and the Odoo settings, then runs the
   * image's `provision` script, which installs Odoo at the version from the repository, creates the
   * database, sets the admin credentials, and only then lets the TLS proxy answer on 443. The
   * operator's command key goes to `/etc/odoo-vps/command-keys`, restricted to the image's
   * `guest-command` (no shell, no forwarding).
   */
  String userData(OdooVps vps, String adminLogin, String adminPassword, String commandKey) {
    var version = vps.getSpec().getOdoo().getVersion();
    var odoo = config.odoo();
    var repository = odoo.repository().replace("{version}", version);
    var settings = new StringBuilder();
    settings.append("ODOO_VERSION=").append(shellQuoted(version)).append('\n');
    settings.append("ODOO_REPOSITORY=").append(shellQuoted(repository)).append('\n');
    if (!repository.contains("trusted=yes")) {
      settings
          .append("ODOO_REPOSITORY_KEY_URL=")
          .append(shellQuoted(odoo.repositoryKeyUrl()))
          .append('\n');
    }
    settings.append("ODOO_DATABASE=").append(shellQuoted(odoo.database())).append('\n');
    var upgrade = config.vm().upgradeOnFirstBoot();
    return """
        #cloud-config
        hostname: %s
        disable_root: false
        ssh_pwauth: false
        package_update: %s
        package_upgrade: %s
        write_files:
          - path: /etc/odoo-vps/admin
            owner: root:root
            permissions: "0600"
            content: |
              login=%s
              password=%s
          - path: /etc/odoo-vps/odoo.env
            owner: root:root
            permissions: "0644"
            content: |
        %s
          - path: /etc/odoo-vps/command-keys
            owner: root:root
            permissions: "0600"
            content: |
              restrict,command="/usr/lib/odoo-vps/guest-command" %s odoovps-operator
        runcmd:
          - [/usr/lib/odoo-vps/provision]
        """
        .formatted(
            vps.getMetadata().getName(),
            upgrade,
            upgrade,
            adminLogin,
            adminPassword,
            settings
                .toString()
                .lines()
                .map(l -> "          " + l)
                .reduce((a, b) -> a + "\n" + b)
                .orElse(""),
            commandKey);
  }

  /** A value for a shell-sourced settings file: single-quoted, quotes escaped. */
  static String shellQuoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
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
