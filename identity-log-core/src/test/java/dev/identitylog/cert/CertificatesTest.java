package dev.identitylog.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class CertificatesTest {
  private static final TestPki ROOT = TestPki.create("Test Root");
  private static final TestPki INTERMEDIATE = ROOT.intermediate("Test Intermediate");
  private static final Credential LEAF = INTERMEDIATE.issue(TestPki.leaf("CN=alice"));

  @Test
  void parsesOnePemCertificate() throws Exception {
    List<X509Certificate> certs = Certificates.parse(bytes(LEAF.certificatePem()));

    assertThat(certs).containsExactly(LEAF.certificate());
  }

  @Test
  void parsesAPemBundleInOrder() throws Exception {
    String bundle = LEAF.chainPem() + ROOT.rootPem();

    assertThat(Certificates.parse(bytes(bundle)))
        .containsExactly(
            LEAF.certificate(), INTERMEDIATE.caCertificate(), ROOT.rootCertificate());
    assertThat(Certificates.parsePem(bundle)).hasSize(3);
  }

  @Test
  void ignoresTextAndOtherBlocksAroundCertificates() throws Exception {
    String pem =
        "Bag Attributes\n    friendlyName: alice\nsubject=CN=alice\n"
            + LEAF.certificatePem()
            + "\nsome notes\n"
            + LEAF.privateKeyPem()
            + "\n"
            + TestPki.pem(INTERMEDIATE.caCertificate())
            + "trailing text";

    assertThat(Certificates.parse(bytes(pem)))
        .containsExactly(LEAF.certificate(), INTERMEDIATE.caCertificate());
  }

  @Test
  void acceptsCrlfLineEndingsAndIndentedBase64() throws Exception {
    String pem = LEAF.certificatePem().replace("\n", "\r\n").replace("\r\nM", "\r\n  M");

    assertThat(Certificates.parsePem(pem)).containsExactly(LEAF.certificate());
  }

  @Test
  void acceptsTheLegacyX509CertificateLabel() throws Exception {
    String pem = LEAF.certificatePem().replace("CERTIFICATE", "X509 CERTIFICATE");

    assertThat(Certificates.parsePem(pem)).containsExactly(LEAF.certificate());
  }

  @Test
  void parsesDer() throws Exception {
    assertThat(Certificates.parse(LEAF.der())).containsExactly(LEAF.certificate());
    assertThat(Certificates.parseDer(LEAF.der())).isEqualTo(LEAF.certificate());
  }

  @Test
  void refusesEmptyInput() {
    assertRefused(() -> Certificates.parse(new byte[0]), "empty");
    assertRefused(() -> Certificates.parse(null), "empty");
    assertRefused(() -> Certificates.parsePem(""), "empty");
    assertRefused(() -> Certificates.parsePem(null), "empty");
    assertRefused(() -> Certificates.parseDer(new byte[0]), "empty");
  }

  @Test
  void refusesGarbage() {
    assertRefused(
        () -> Certificates.parse(bytes("hello, world")), "neither PEM nor DER");
    assertRefused(
        () -> Certificates.parse(new byte[] {1, 2, 3, 4}), "neither PEM nor DER");
    assertRefused(() -> Certificates.parse(new byte[] {0x30}), "not a DER SEQUENCE");
    assertRefused(
        () -> Certificates.parse(new byte[] {0x30, 0x03, 1, 2, 3}),
        "not a well-formed X.509 certificate");
  }

  @Test
  void refusesPemThatIsNotACertificate() {
    assertRefused(
        () -> Certificates.parse(bytes(LEAF.privateKeyPem())), "no CERTIFICATE block");
    assertRefused(
        () ->
            Certificates.parsePem(
                "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"),
        "PEM block 1 is not valid base64");
    assertRefused(
        () -> Certificates.parsePem("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"),
        "PEM block 1 is empty");
    assertRefused(
        () ->
            Certificates.parsePem(
                "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getEncoder().encodeToString("not a certificate".getBytes())
                    + "\n-----END CERTIFICATE-----\n"),
        "PEM block 1 is not a DER SEQUENCE");
    assertRefused(
        () -> Certificates.parsePem(LEAF.certificatePem().replace("-----END CERTIFICATE-----", "")),
        "PEM block 1 has no END line");
    assertRefused(
        () -> Certificates.parsePem("-----BEGIN CERTIFICATE\nabc\n"), "malformed BEGIN line");
  }

  @Test
  void namesTheBadBlockOfABundle() {
    String bad =
        LEAF.certificatePem()
            + "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    assertRefused(() -> Certificates.parsePem(bad), "PEM block 2");
  }

  @Test
  void refusesDerThatIsTruncatedOrFollowedByBytes() {
    byte[] der = LEAF.der();
    byte[] truncated = Arrays.copyOf(der, der.length - 1);
    byte[] longer = Arrays.copyOf(der, der.length + 2);

    assertRefused(() -> Certificates.parse(truncated), "truncated");
    assertRefused(() -> Certificates.parseDer(longer), "2 bytes after the certificate");
  }

  @Test
  void refusesBerIndefiniteLength() {
    assertRefused(
        () -> Certificates.parse(new byte[] {0x30, (byte) 0x80, 0, 0}), "indefinite length");
  }

  @Test
  void refusesAMalformedLength() {
    assertRefused(
        () -> Certificates.parse(new byte[] {0x30, (byte) 0x85, 1, 1, 1, 1, 1}),
        "malformed length");
  }

  @Test
  void refusesOversizedInput() {
    byte[] big = new byte[Certificates.MAX_BYTES + 1];
    Arrays.fill(big, (byte) ' ');
    byte[] pem = bytes(LEAF.certificatePem());
    System.arraycopy(pem, 0, big, 0, pem.length);

    assertRefused(() -> Certificates.parse(big), "65537 bytes, more than the 65536 accepted");
    assertRefused(() -> Certificates.parsePem(new String(big, StandardCharsets.US_ASCII)), "65536");
    byte[] bigDer = new byte[Certificates.MAX_BYTES + 1];
    bigDer[0] = 0x30;
    assertRefused(() -> Certificates.parseDer(bigDer), "65536");
  }

  @Test
  void acceptsInputOfExactlyTheLimit() throws Exception {
    byte[] exact = new byte[Certificates.MAX_BYTES];
    Arrays.fill(exact, (byte) '\n');
    byte[] pem = bytes(LEAF.certificatePem());
    System.arraycopy(pem, 0, exact, 0, pem.length);

    assertThat(Certificates.parse(exact)).containsExactly(LEAF.certificate());
  }

  @Test
  void acceptsSixteenCertificatesButNotSeventeen() throws Exception {
    List<X509Certificate> certs = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      certs.add(ROOT.issue(TestPki.leaf("CN=n" + i)).certificate());
    }

    assertThat(Certificates.parsePem(TestPki.pem(certs.subList(0, 16))))
        .containsExactlyElementsOf(certs.subList(0, 16));
    assertRefused(() -> Certificates.parsePem(TestPki.pem(certs)), "more than 16 certificates");
  }

  @Test
  void resultIsUnmodifiable() throws Exception {
    List<X509Certificate> certs = Certificates.parse(bytes(LEAF.certificatePem()));

    assertThatThrownBy(() -> certs.add(LEAF.certificate()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static void assertRefused(ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOf(CertificateParseException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
