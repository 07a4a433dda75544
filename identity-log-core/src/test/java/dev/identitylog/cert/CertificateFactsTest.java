package dev.identitylog.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.ForwardingX509Certificate;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestPki.KeyType;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateFactsTest {
  private static final TestPki PKI = TestPki.create("Test Root");

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void readsEveryFactForEachKeyType(KeyType type) throws Exception {
    Instant from = Instant.parse("2026-01-02T03:04:05Z");
    Instant to = Instant.parse("2036-01-02T03:04:05Z");
    Credential c =
        PKI.issue(
            TestPki.leaf("CN=alice,O=Example")
                .key(type)
                .clientAuth()
                .dns("alice.example")
                .validity(from, to)
                .serial(0x1234));

    CertificateFacts facts = CertificateFacts.of(c.certificate());

    assertThat(facts.problem()).isNull();
    assertThat(facts.subject()).isEqualTo("CN=alice,O=Example");
    assertThat(facts.issuer()).isEqualTo("CN=Test Root");
    assertThat(facts.sha256()).isEqualTo(independentSha256(c.certificate()));
    assertThat(facts.notBefore()).isEqualTo(from);
    assertThat(facts.notAfter()).isEqualTo(to);
    assertThat(facts.serialNumber()).isEqualTo("1234");
    assertThat(facts.alternativeNames()).containsExactly("alice.example");
    assertThat(facts.spiffeId()).isNull();
    assertThat(facts.publicKeyAlgorithm()).isEqualTo(expectedAlgorithm(type));
  }

  private static String expectedAlgorithm(KeyType type) {
    switch (type) {
      case RSA_2048:
        return "RSA";
      case ED25519:
        return "Ed25519";
      default:
        return "EC";
    }
  }

  @Test
  void readsTheSpiffeIdOfAnSvid() {
    Credential svid = PKI.issue(TestPki.spiffeSvid("spiffe://example.org/ns/a/sa/b"));

    CertificateFacts facts = CertificateFacts.of(svid.certificate());

    assertThat(facts.spiffeId()).isEqualTo("spiffe://example.org/ns/a/sa/b");
    assertThat(facts.alternativeNames()).containsExactly("spiffe://example.org/ns/a/sa/b");
    assertThat(facts.problem()).isNull();
  }

  @Test
  void noSpiffeIdWithTwoSpiffeUris() {
    Credential c =
        PKI.issue(
            TestPki.leaf("CN=two").uri("spiffe://example.org/a").uri("spiffe://example.org/b"));

    CertificateFacts facts = CertificateFacts.of(c.certificate());

    assertThat(facts.spiffeId()).isNull();
    assertThat(facts.alternativeNames())
        .containsExactly("spiffe://example.org/a", "spiffe://example.org/b");
  }

  @Test
  void spiffeIdBesideAnotherKindOfUri() {
    Credential c =
        PKI.issue(
            TestPki.leaf("CN=mixed").uri("https://example.org/x").uri("spiffe://example.org/w"));

    assertThat(CertificateFacts.of(c.certificate()).spiffeId())
        .isEqualTo("spiffe://example.org/w");
  }

  @ParameterizedTest
  @CsvSource({
    "spiffe://Example.org/w",
    "spiffe://example.org/w/",
    "spiffe://example.org/a/../b",
    "spiffe://example.org/w?x=1",
    "spiffe://example.org:443/w"
  })
  void noSpiffeIdForAnInvalidOneButTheSanIsListed(String uri) {
    Credential c = PKI.issue(TestPki.spiffeSvid(uri));

    CertificateFacts facts = CertificateFacts.of(c.certificate());

    assertThat(facts.spiffeId()).isNull();
    assertThat(facts.alternativeNames()).containsExactly(uri);
    assertThat(facts.problem()).isNull();
  }

  @Test
  void listsUrisTheJdkRefusesToParse() throws Exception {
    // The JDK drops the whole SAN extension for these; they are still what the certificate says.
    Credential c =
        PKI.issue(
            TestPki.leaf("CN=odd").dns("a.example").uri("spiffe://exa mple/x").uri("no-scheme"));
    assertThat(c.certificate().getSubjectAlternativeNames()).isNull();

    CertificateFacts facts = CertificateFacts.of(c.certificate());

    assertThat(facts.alternativeNames())
        .containsExactly("a.example", "spiffe://exa mple/x", "no-scheme");
    assertThat(facts.spiffeId()).isNull();
    assertThat(facts.problem()).isNull();
  }

  @Test
  void keepsSanOrderAndSkipsNothingOfTheFourKinds() {
    Credential c =
        PKI.issue(
            TestPki.leaf("CN=sans")
                .sans(
                    "email:zoe@example.org",
                    "IP:10.1.2.3",
                    "URI:spiffe://example.org/w",
                    "DNS:b.example",
                    "IP:::1",
                    "DNS:a.example"));

    assertThat(CertificateFacts.of(c.certificate()).alternativeNames())
        .containsExactly(
            "zoe@example.org",
            "10.1.2.3",
            "spiffe://example.org/w",
            "b.example",
            "0:0:0:0:0:0:0:1",
            "a.example");
  }

  @Test
  void noSansGivesAnEmptyList() {
    CertificateFacts facts = CertificateFacts.of(PKI.issue(TestPki.leaf("CN=plain")).certificate());

    assertThat(facts.alternativeNames()).isEmpty();
    assertThat(facts.problem()).isNull();
  }

  @Test
  void utf8AndMultiValuedRdns() {
    TestPki unicodeCa = TestPki.create("CN=Wurzel Ÿ,O=Ünïcode");
    Credential c = unicodeCa.issue(TestPki.leaf("CN=Zoë+UID=42,O=Ünïcode"));

    CertificateFacts facts = CertificateFacts.of(c.certificate());

    assertThat(facts.subject()).isEqualTo("CN=Zoë+UID=42,O=Ünïcode");
    assertThat(facts.issuer()).isEqualTo("CN=Wurzel Ÿ,O=Ünïcode");
  }

  @Test
  void escapesSpecialCharactersAsRfc2253Says() {
    Credential c = PKI.issue(TestPki.leaf("CN=Doe\\, John+OU=R\\+D,O=A \\\"B\\\",C=DE"));

    // A multi-valued RDN is a DER SET, stored sorted by encoding: the shorter OU value first.
    assertThat(CertificateFacts.of(c.certificate()).subject())
        .isEqualTo("OU=R\\+D+CN=Doe\\, John,O=A \\\"B\\\",C=DE");
  }

  @Test
  void emptySubjectIsAbsent() {
    Credential c = PKI.issue(TestPki.leaf("").uri("spiffe://example.org/w"));

    CertificateFacts facts = CertificateFacts.of(c.certificate());

    assertThat(facts.subject()).isNull();
    assertThat(facts.spiffeId()).isEqualTo("spiffe://example.org/w");
    assertThat(facts.problem()).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1, 1",
    "0a, A",
    "000a, A",
    "7f, 7F",
    "80, 80",
    "ff, FF",
    "0100, 100",
    "ff00, FF00",
    "8000000000000000000000000000000000000001, 8000000000000000000000000000000000000001",
    "7fffffffffffffffffffffffffffffffffffffff, 7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
    "-1f, -1F"
  })
  void formatsSerialsAsUppercaseHexWithoutLeadingZeros(String hex, String expected) {
    BigInteger serial = new BigInteger(hex, 16);
    Credential c = PKI.issue(TestPki.leaf("CN=serial").serial(serial));

    assertThat(CertificateFacts.of(c.certificate()).serialNumber()).isEqualTo(expected);
  }

  @Test
  void highBitSerialIsEncodedWithALeadingZeroByteButPrintedWithout() {
    Credential c = PKI.issue(TestPki.leaf("CN=serial").serial(new BigInteger("80ff", 16)));
    // DER INTEGER is signed: a set high bit needs a 00 in front, which must not show.
    assertThat(c.certificate().getSerialNumber().toByteArray())
        .containsExactly(0x00, 0x80, 0xff);

    assertThat(CertificateFacts.of(c.certificate()).serialNumber()).isEqualTo("80FF");
  }

  @Test
  void thumbprintIsSha256OfTheDerInUppercaseHex() throws Exception {
    for (KeyType type : KeyType.values()) {
      X509Certificate cert = PKI.issue(TestPki.leaf("CN=t").key(type)).certificate();
      String facts = CertificateFacts.of(cert).sha256();
      assertThat(facts).isEqualTo(independentSha256(cert)).matches("[0-9A-F]{64}");
    }
  }

  @Test
  void thumbprintAndSubjectMatchOpenssl() throws Exception {
    assumeThat(Openssl.available()).as("openssl on PATH").isTrue();
    // Single-valued RDNs only: within a multi-valued RDN OpenSSL prints the values in reverse
    // order of the encoding, the JDK in order; RFC 2253 allows either.
    Credential c = PKI.issue(TestPki.leaf("CN=Zoë,OU=Ünïcode \\+ Co,O=Example").serial(0xAB));
    CertificateFacts facts = CertificateFacts.of(c.certificate());

    String fingerprint = Openssl.run(c.certificatePem(), "-noout", "-fingerprint", "-sha256");
    // "sha256 Fingerprint=AB:CD:..." (OpenSSL 3) or "SHA256 Fingerprint=..." (1.1)
    String hex = fingerprint.substring(fingerprint.indexOf('=') + 1).trim().replace(":", "");
    assertThat(facts.sha256()).isEqualTo(hex.toUpperCase(Locale.ROOT));

    String subject =
        Openssl.run(c.certificatePem(), "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb");
    assertThat("subject=" + facts.subject()).isEqualTo(subject.trim());
  }

  @Test
  void validityProblemAtTheEdges() {
    Instant from = Instant.parse("2030-05-01T00:00:00Z");
    Instant to = Instant.parse("2030-06-01T00:00:00Z");
    CertificateFacts facts =
        CertificateFacts.of(PKI.issue(TestPki.leaf("CN=v").validity(from, to)).certificate());

    assertThat(facts.validityProblem(from.minusMillis(1))).isEqualTo(Reason.CERT_NOT_YET_VALID);
    assertThat(facts.validityProblem(from)).isNull();
    assertThat(facts.validityProblem(to)).isNull();
    assertThat(facts.validityProblem(to.plusMillis(1))).isEqualTo(Reason.CERT_EXPIRED);
    assertThat(facts.validityProblem(null)).isNull();
  }

  @Test
  void expiredAndNotYetValidCertificates() {
    Instant now = Instant.now();
    CertificateFacts expired =
        CertificateFacts.of(PKI.issue(TestPki.leaf("CN=old").expired()).certificate());
    CertificateFacts early =
        CertificateFacts.of(PKI.issue(TestPki.leaf("CN=new").notYetValid()).certificate());
    CertificateFacts fine = CertificateFacts.of(PKI.issue(TestPki.leaf("CN=ok")).certificate());

    assertThat(expired.validityProblem(now)).isEqualTo(Reason.CERT_EXPIRED);
    assertThat(early.validityProblem(now)).isEqualTo(Reason.CERT_NOT_YET_VALID);
    assertThat(fine.validityProblem(now)).isNull();
    // Reading an expired certificate is not a problem; its validity is judged separately.
    assertThat(expired.problem()).isNull();
  }

  @Test
  void unreadableSansLeaveTheRestAndFlagTheCertificate() throws Exception {
    X509Certificate cert = PKI.issue(TestPki.spiffeSvid("spiffe://example.org/w")).certificate();
    X509Certificate broken =
        new ForwardingX509Certificate(cert) {
          @Override
          public Collection<List<?>> getSubjectAlternativeNames()
              throws CertificateParsingException {
            throw new CertificateParsingException("broken");
          }
        };

    CertificateFacts facts = CertificateFacts.of(broken);

    assertThat(facts.problem()).isEqualTo(Reason.CREDENTIAL_MALFORMED);
    assertThat(facts.alternativeNames()).isEmpty();
    assertThat(facts.spiffeId()).isNull();
    assertThat(facts.subject()).isEqualTo("O=SPIFFE");
    assertThat(facts.sha256()).isEqualTo(independentSha256(cert));
  }

  @Test
  void unencodableCertificateHasNoThumbprint() {
    X509Certificate cert = PKI.issue(TestPki.leaf("CN=x")).certificate();
    X509Certificate broken =
        new ForwardingX509Certificate(cert) {
          @Override
          public byte[] getEncoded() throws CertificateEncodingException {
            throw new CertificateEncodingException("broken");
          }
        };

    CertificateFacts facts = CertificateFacts.of(broken);

    assertThat(facts.problem()).isEqualTo(Reason.CREDENTIAL_MALFORMED);
    assertThat(facts.sha256()).isNull();
    assertThat(facts.subject()).isEqualTo("CN=x");
  }

  @Test
  void neverThrowsEvenWhenEverythingThrows() {
    X509Certificate cert = PKI.issue(TestPki.leaf("CN=x")).certificate();
    X509Certificate hostile = new Hostile(cert);

    assertThatCode(() -> CertificateFacts.of(hostile)).doesNotThrowAnyException();
    CertificateFacts facts = CertificateFacts.of(hostile);
    assertThat(facts.problem()).isEqualTo(Reason.CREDENTIAL_MALFORMED);
    assertThat(facts.subject()).isNull();
    assertThat(facts.issuer()).isNull();
    assertThat(facts.sha256()).isNull();
    assertThat(facts.notBefore()).isNull();
    assertThat(facts.notAfter()).isNull();
    assertThat(facts.serialNumber()).isNull();
    assertThat(facts.alternativeNames()).isEmpty();
    assertThat(facts.publicKeyAlgorithm()).isNull();
    assertThat(facts.validityProblem(Instant.now())).isNull();
  }

  @Test
  void noCertificateIsMissing() {
    CertificateFacts facts = CertificateFacts.of(null);

    assertThat(facts.problem()).isEqualTo(Reason.CERT_MISSING);
    assertThat(facts.sha256()).isNull();
    assertThat(facts.alternativeNames()).isEmpty();
  }

  @Test
  void equalForEqualCertificates() {
    X509Certificate cert = PKI.issue(TestPki.spiffeSvid("spiffe://example.org/w")).certificate();
    X509Certificate other = PKI.issue(TestPki.spiffeSvid("spiffe://example.org/w")).certificate();

    assertThat(CertificateFacts.of(cert))
        .isEqualTo(CertificateFacts.of(new ForwardingX509Certificate(cert)))
        .hasSameHashCodeAs(CertificateFacts.of(cert))
        .isNotEqualTo(CertificateFacts.of(other));
  }

  @Test
  void appliesClientFieldsToAnEvent() {
    Credential c =
        PKI.issue(TestPki.spiffeSvid("spiffe://example.org/w").subject("CN=w").dns("w.example"));
    CertificateFacts facts = CertificateFacts.of(c.certificate());

    IdentityEvent event = facts.applyClient(IdentityEvent.builder()).build();

    assertThat(event.get(Fields.TLS_CLIENT_SUBJECT)).isEqualTo("CN=w");
    assertThat(event.get(Fields.TLS_CLIENT_ISSUER)).isEqualTo("CN=Test Root");
    assertThat(event.get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(c.sha256());
    assertThat(event.get(Fields.TLS_CLIENT_NOT_BEFORE))
        .isEqualTo(c.certificate().getNotBefore().toInstant());
    assertThat(event.get(Fields.TLS_CLIENT_NOT_AFTER))
        .isEqualTo(c.certificate().getNotAfter().toInstant());
    assertThat(event.get(Fields.TLS_CLIENT_SERIAL_NUMBER))
        .isEqualTo(c.certificate().getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
    assertThat(event.get(Fields.TLS_CLIENT_ALTERNATIVE_NAMES))
        .containsExactly("spiffe://example.org/w", "w.example");
    assertThat(event.get(Fields.WORKLOAD_ID)).isEqualTo("spiffe://example.org/w");
  }

  @Test
  void appliesServerFieldsAndLeavesAbsentOnesAlone() {
    Credential c = PKI.issue(TestPki.server("localhost"));
    IdentityEvent.Builder builder =
        IdentityEvent.builder().set(Fields.WORKLOAD_ID, "spiffe://example.org/keep");

    IdentityEvent event = CertificateFacts.of(c.certificate()).applyServer(builder).build();
    IdentityEvent none = CertificateFacts.of(null).applyClient(IdentityEvent.builder()).build();

    assertThat(event.get(Fields.TLS_SERVER_SUBJECT)).isEqualTo("CN=localhost");
    assertThat(event.get(Fields.TLS_SERVER_HASH_SHA256)).isEqualTo(c.sha256());
    assertThat(event.get(Fields.TLS_SERVER_NOT_AFTER))
        .isEqualTo(c.certificate().getNotAfter().toInstant());
    assertThat(event.get(Fields.WORKLOAD_ID)).isEqualTo("spiffe://example.org/keep");
    assertThat(event.has(Fields.TLS_CLIENT_HASH_SHA256)).isFalse();
    assertThat(none).isEqualTo(IdentityEvent.builder().build());
  }

  @Test
  void toStringNamesTheCertificateButNoKeyMaterial() {
    Credential c = PKI.issue(TestPki.leaf("CN=alice"));
    String text = CertificateFacts.of(c.certificate()).toString();

    assertThat(text).contains("CN=alice", c.sha256());
  }

  static String independentSha256(X509Certificate cert) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    StringBuilder sb = new StringBuilder();
    for (byte b : digest) {
      sb.append(String.format(Locale.ROOT, "%02X", b));
    }
    return sb.toString();
  }

  /** A certificate implementation whose every method fails. */
  private static final class Hostile extends ForwardingX509Certificate {
    Hostile(X509Certificate delegate) {
      super(delegate);
    }

    @Override
    public X500Principal getSubjectX500Principal() {
      throw new IllegalStateException("boom");
    }

    @Override
    public X500Principal getIssuerX500Principal() {
      throw new IllegalStateException("boom");
    }

    @Override
    public byte[] getEncoded() {
      throw new IllegalStateException("boom");
    }

    @Override
    public Date getNotBefore() {
      throw new IllegalStateException("boom");
    }

    @Override
    public Date getNotAfter() {
      throw new IllegalStateException("boom");
    }

    @Override
    public BigInteger getSerialNumber() {
      throw new IllegalStateException("boom");
    }

    @Override
    public Collection<List<?>> getSubjectAlternativeNames() {
      throw new IllegalStateException("boom");
    }

    @Override
    public byte[] getExtensionValue(String oid) {
      throw new IllegalStateException("boom");
    }

    @Override
    public PublicKey getPublicKey() {
      throw new IllegalStateException("boom");
    }
  }

  /** Runs the openssl command line, when there is one, as an independent reference. */
  static final class Openssl {
    private Openssl() {}

    static boolean available() {
      String path = System.getenv("PATH");
      if (path == null) {
        return false;
      }
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "openssl"))) {
          return true;
        }
      }
      return false;
    }

    static String run(String stdin, String... args) throws IOException, InterruptedException {
      List<String> command = new java.util.ArrayList<>();
      command.add("openssl");
      command.add("x509");
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.US_ASCII));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      return out;
    }
  }
}
