package io.odoovps.operator.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Names of the objects the operator creates, within Kubernetes' length limits. */
public final class KubeNames {

  private KubeNames() {}

  /** The DataVolume (and PVC) that holds a VPS's dedicated disk. */
  public static String diskClaim(String vps) {
    return vps + "-disk";
  }

  /**
   * {@code name} if short enough, else a prefix and a hash of the whole, still unique; the prefix
   * never ends with a dash or a dot, so a DNS-1123 name stays one.
   */
  public static String bounded(String name, int max) {
    if (name.length() <= max) {
      return name;
    }
    try {
      var hash =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(name.getBytes(StandardCharsets.UTF_8)))
              .substring(0, 8);
      var prefix = name.substring(0, max - 9);
      // a cut before a dash or a dot would leave "x-" or "x." before the hash: not a valid name
      while (prefix.endsWith("-") || prefix.endsWith(".")) {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
      return prefix + "-" + hash;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
