package dev.identitylog.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class SubjectAltNamesTest {
  private static final byte[] OTHER_NAME =
      tlv(0xA0, cat(tlv(0x06, bytes(0x2A, 0x03, 0x04)), tlv(0xA0, tlv(0x0C, ascii("x")))));
  private static final byte[] DIRECTORY_NAME = tlv(0xA4, tlv(0x30, new byte[0]));
  private static final byte[] REGISTERED_ID = tlv(0x88, bytes(0x2A, 0x03, 0x04));

  @Test
  void readsTheFourLoggedKindsInOrderAndSkipsTheRest() {
    byte[] names =
        cat(
            OTHER_NAME,
            tlv(0x81, ascii("zoe@example.org")),
            tlv(0x82, ascii("a.example")),
            DIRECTORY_NAME,
            tlv(0x86, ascii("spiffe://example.org/w")),
            tlv(0x87, bytes(10, 0, 0, 1)),
            REGISTERED_ID,
            tlv(0x87, bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)),
            tlv(0x86, ascii("urn:x")));

    SubjectAltNames sans = SubjectAltNames.parse(extension(names));

    assertThat(sans.names)
        .containsExactly(
            "zoe@example.org",
            "a.example",
            "spiffe://example.org/w",
            "10.0.0.1",
            "0:0:0:0:0:0:0:1",
            "urn:x");
    assertThat(sans.uris).containsExactly("spiffe://example.org/w", "urn:x");
  }

  @Test
  void readsLongFormLengths() {
    String longName = "a".repeat(300) + ".example";

    SubjectAltNames sans = SubjectAltNames.parse(extension(tlv(0x82, ascii(longName))));

    assertThat(sans.names).containsExactly(longName);
  }

  @Test
  void skipsEmptyValues() {
    SubjectAltNames sans = SubjectAltNames.parse(extension(tlv(0x86, new byte[0])));

    assertThat(sans.names).isEmpty();
    assertThat(sans.uris).isEmpty();
  }

  @Test
  void refusesMalformedDer() {
    byte[] good = extension(tlv(0x82, ascii("a.example")));
    byte[] trailing = cat(good, bytes(0));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
    byte[] notOctets = tlv(0x30, tlv(0x82, ascii("a")));
    byte[] badIp = extension(tlv(0x87, bytes(1, 2, 3, 4, 5)));
    byte[] overlongItem = extension(bytes(0x82, 0x05, 'a'));
    byte[] indefinite = bytes(0x04, 0x80, 0x30, 0x00);

    byte[][] all = {trailing, truncated, notOctets, badIp, overlongItem, indefinite};
    for (byte[] bad : all) {
      assertThatThrownBy(() -> SubjectAltNames.parse(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> SubjectAltNames.parse(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void factsOfACertificateWithAnUnreadableSanExtension() throws Exception {
    TestPki pki = TestPki.create("Test Root");
    byte[] broken = tlv(0x30, bytes(0x86, 0x05, 'a')); // the URI claims more bytes than there are
    X509Certificate cert =
        pki.issue(TestPki.leaf("CN=broken").rawExtension("2.5.29.17", false, broken))
            .certificate();

    CertificateFacts facts = CertificateFacts.of(cert);

    assertThat(facts.problem()).isEqualTo(Reason.CREDENTIAL_MALFORMED);
    assertThat(facts.alternativeNames()).isEmpty();
    assertThat(facts.subject()).isEqualTo("CN=broken");
    assertThat(facts.sha256()).isEqualTo(TestPki.sha256(cert));
  }

  @Test
  void factsOfACertificateWhoseSansTheJdkDrops() throws Exception {
    TestPki pki = TestPki.create("Test Root");
    byte[] names =
        tlv(
            0x30,
            cat(OTHER_NAME, tlv(0x86, ascii("spiffe://example.org/a b")), tlv(0x82, ascii("a.b"))));
    X509Certificate cert =
        pki.issue(TestPki.leaf("CN=odd").rawExtension("2.5.29.17", false, names)).certificate();

    CertificateFacts facts = CertificateFacts.of(cert);

    assertThat(cert.getSubjectAlternativeNames()).isNull();
    assertThat(facts.problem()).isNull();
    assertThat(facts.alternativeNames()).containsExactly("spiffe://example.org/a b", "a.b");
    assertThat(facts.spiffeId()).isNull();
  }

  private static byte[] extension(byte[] generalNames) {
    return tlv(0x04, tlv(0x30, generalNames));
  }

  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n & 0xff);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
