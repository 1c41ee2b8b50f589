package io.odoovps.operator.vps;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The operator's own SSH key for one VPS: an ECDSA P-256 pair made once per VPS. The guest accepts
 * it for the forced command {@code /usr/lib/odoo-vps/guest-command} only (docs/guest.md), with
 * which the guest-command Jobs run the image's scripts (version upgrade, updates before a
 * maintenance reboot); it opens no shell. The private half is PKCS#8 PEM, which OpenSSH reads.
 *
 * @param privatePem the private key, PEM
 * @param publicLine the public key as an authorized_keys line body ({@code ecdsa-sha2-nistp256
 *     ...})
 */
record GuestCommandKey(String privatePem, String publicLine) {

  static final String TYPE = "ecdsa-sha2-nistp256";

  static GuestCommandKey generate() {
    try {
      var generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      var pair = generator.generateKeyPair();
      var pem =
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, new byte[] {'\n'})
                  .encodeToString(pair.getPrivate().getEncoded())
              + "\n-----END PRIVATE KEY-----\n";
      return new GuestCommandKey(pem, publicLine((ECPublicKey) pair.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key generator in this JVM", e);
    }
  }

  /** RFC 5656: string type, string curve, string Q (uncompressed point). */
  static String publicLine(ECPublicKey key) {
    var point = new ByteArrayOutputStream();
    point.write(4);
    point.writeBytes(fixed(key.getW().getAffineX()));
    point.writeBytes(fixed(key.getW().getAffineY()));
    var blob = new ByteArrayOutputStream();
    string(blob, TYPE.getBytes(StandardCharsets.US_ASCII));
    string(blob, "nistp256".getBytes(StandardCharsets.US_ASCII));
    string(blob, point.toByteArray());
    return TYPE + " " + Base64.getEncoder().encodeToString(blob.toByteArray());
  }

  private static byte[] fixed(BigInteger value) {
    var raw = value.toByteArray();
    var out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static void string(ByteArrayOutputStream out, byte[] value) {
    out.write(value.length >>> 24);
    out.write(value.length >>> 16);
    out.write(value.length >>> 8);
    out.write(value.length);
    out.writeBytes(value);
  }
}
