package dev.identitylog.cert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.testing.RetainedHeap;
import dev.identitylog.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * An unauthenticated client can present any certificate: thousands of distinct, large ones must
 * not hold more than the cache's byte budget. Measured as heap in use after GC, with the inspector
 * still reachable and nothing else holding the certificates.
 */
class CertificateCacheMemoryTest {
  private static final int CERTIFICATES = 2_000;
  private static final int EXTENSION_BYTES = 24 * 1024; // a ~25 KB certificate

  @Test
  void distinctLargeCertificatesStayWithinTheByteBudget() throws Exception {
    byte[] template = largeCertificate();
    CertificateFactory jdk = CertificateFactory.getInstance("X.509");
    // The JDK's factory keeps up to 750 recently parsed certificates in a soft cache that GC does
    // not clear; it is filled with other certificates of the same size before each measurement,
    // so that it holds as much then as it does before.
    for (int i = 0; i < 800; i++) {
      parse(jdk, variant(template, -1 - i));
    }
    long before = RetainedHeap.used();
    CertificateInspector inspector = CertificateInspector.create(4096);
    for (int i = 0; i < CERTIFICATES; i++) {
      assertThat(inspector.inspect(parse(jdk, variant(template, i))).problem()).isNull();
    }
    for (int i = 0; i < 800; i++) { // so that the factory's cache no longer shares ours
      parse(jdk, variant(template, -10_000 - i));
    }
    long retained = RetainedHeap.used() - before;
    System.out.printf(
        "certificate cache: %d entries, weighed %d bytes, retained %d bytes (%d per entry, DER %d)%n",
        inspector.size(), inspector.weightedSize(), retained,
        retained / Math.max(1, inspector.size()), template.length);
    assertThat(inspector.weightedSize()).isLessThanOrEqualTo(CertificateInspector.DEFAULT_MAX_BYTES);
    assertThat(inspector.size()).isGreaterThan(0).isLessThan(CERTIFICATES);
    // What the heap says, within 1 MiB (what else the JVM allocates meanwhile).
    assertThat(retained).isLessThanOrEqualTo(CertificateInspector.DEFAULT_MAX_BYTES + (1 << 20));
    assertThat(inspector.size()).isPositive(); // keeps the inspector reachable until measured
  }

  // One signed ~25 KB certificate; variants differ inside the large extension (the signature no
  // longer matches, which nothing here checks: the cache keys on the encoding).
  private static byte[] largeCertificate() throws Exception {
    byte[] blob = new byte[EXTENSION_BYTES];
    Arrays.fill(blob, (byte) 0x5A);
    return TestPki.create("Memory CA")
        .issue(TestPki.leaf("CN=client").rawExtension("1.3.6.1.4.1.99999.1", false, der(blob)))
        .der();
  }

  private static byte[] variant(byte[] template, int n) {
    byte[] der = template.clone();
    int at = indexOfBlob(der);
    der[at] = (byte) (n >> 24);
    der[at + 1] = (byte) (n >> 16);
    der[at + 2] = (byte) (n >> 8);
    der[at + 3] = (byte) n;
    return der;
  }

  private static int indexOfBlob(byte[] der) {
    for (int i = 0; i + 8 < der.length; i++) {
      boolean run = true;
      for (int j = 0; j < 8 && run; j++) {
        run = der[i + j] == 0x5A;
      }
      if (run) {
        return i + 4;
      }
    }
    throw new IllegalStateException("no extension blob");
  }

  private static X509Certificate parse(CertificateFactory factory, byte[] der) throws Exception {
    return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
  }

  // An OCTET STRING holding the bytes, so the extension value is well-formed DER.
  private static byte[] der(byte[] content) {
    int n = content.length;
    byte[] out = new byte[4 + n];
    out[0] = 0x04;
    out[1] = (byte) 0x82;
    out[2] = (byte) (n >> 8);
    out[3] = (byte) n;
    System.arraycopy(content, 0, out, 4, n);
    return out;
  }
}
