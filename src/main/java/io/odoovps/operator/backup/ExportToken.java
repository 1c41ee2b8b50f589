package io.odoovps.operator.backup;

import java.util.Map;

/**
 * The token that authorises downloading a VPS's VirtualMachineExports, and the Secret KubeVirt's
 * export server reads it from. The operator writes that Secret, one per VPS and policy; the backup
 * pod gets both from its environment (the value through a `secretKeyRef`, resolved by the kubelet),
 * so the pod itself needs no right on any Secret. {@link #toString()} never shows the value.
 *
 * @param secretName the Secret the exports name in {@code spec.tokenSecretRef}
 * @param value the token, sent in the {@code x-kubevirt-export-token} header
 */
public record ExportToken(String secretName, String value) {

  /** The environment variable holding the Secret's name. */
  public static final String SECRET_ENV = "ODOOVPS_EXPORT_TOKEN_SECRET";

  /** The environment variable holding the token, from the Secret's {@link #KEY}. */
  public static final String VALUE_ENV = "ODOOVPS_EXPORT_TOKEN";

  /** The key of the token in the Secret, as KubeVirt reads it. */
  public static final String KEY = "token";

  /**
   * The token of a backup pod, from {@link #SECRET_ENV} and {@link #VALUE_ENV}.
   *
   * @throws IllegalArgumentException naming what is missing (never a value)
   */
  public static ExportToken fromEnvironment(Map<String, String> env) {
    var secret = env.get(SECRET_ENV);
    var value = env.get(VALUE_ENV);
    if (secret == null || secret.isBlank() || value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          SECRET_ENV
              + " and "
              + VALUE_ENV
              + " must be set (the operator's CronJob sets them from the VPS's export token"
              + " Secret; a CronJob of an older release gets them at the operator's next"
              + " reconcile)");
    }
    return new ExportToken(secret, value);
  }

  @Override
  public String toString() {
    return "ExportToken[secret=" + secretName + "]";
  }
}
