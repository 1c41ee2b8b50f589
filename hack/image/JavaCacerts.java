import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * What ca-certificates-java's postinst does, done at image build time: writes the JDK trust store
 * (/etc/ssl/certs/java/cacerts, JKS, password "changeit" like Debian's) from the PEM bundle that
 * update-ca-certificates would write. Usage: java JavaCacerts.java BUNDLE.pem OUT.jks
 */
public class JavaCacerts {
  public static void main(String[] args) throws Exception {
    var store = KeyStore.getInstance("JKS");
    store.load(null, null);
    try (var in = new FileInputStream(args[0])) {
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        var x509 = (X509Certificate) cert;
        var digest = java.security.MessageDigest.getInstance("SHA-256").digest(x509.getEncoded());
        // a stable alias: the certificate's fingerprint (names may repeat, fingerprints do not)
        store.setCertificateEntry("debian:" + HexFormat.of().formatHex(digest, 0, 8), x509);
      }
    }
    try (var out = new FileOutputStream(args[1])) {
      store.store(out, "changeit".toCharArray());
    }
    System.out.println(store.size() + " trusted certificates in " + args[1]);
  }
}
