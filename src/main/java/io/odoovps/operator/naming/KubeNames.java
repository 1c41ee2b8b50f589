package io.odoovps.operator.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Names of the objects the operator creates, within Kubernetes' length limits. */
public final class KubeNames {

  private KubeNames() {}

  /** {@code name} if short enough, else a prefix and a hash of the whole, still unique. */
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
      while (prefix.endsWith("-")) {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
      return prefix + "-" + hash;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
