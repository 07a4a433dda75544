package dev.identitylog.cert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Whatever bytes arrive, parsing yields certificates or a CertificateParseException, nothing else.
 */
class CertificatesPropertyTest {
  private static final byte[] DER;
  private static final String PEM;

  static {
    TestPki pki = TestPki.create("Fuzz Root");
    var leaf =
        pki.issue(
            TestPki.leaf("CN=fuzz,O=Ünïcode")
                .clientAuth()
                .sans("URI:spiffe://example.org/w", "DNS:a.example", "IP:::1", "email:a@b.c"));
    DER = leaf.der();
    PEM = leaf.chainPem();
  }

  @Property(tries = 1000)
  void arbitraryBytes(@ForAll("anyBytes") byte[] input) {
    assertParsesOrRefuses(input);
  }

  @Property(tries = 1000)
  void mutatedCertificates(@ForAll("mutatedDer") byte[] input) {
    assertParsesOrRefuses(input);
  }

  @Property(tries = 300)
  void pemWithArbitraryBodies(@ForAll("pemBodies") byte[] input) {
    assertParsesOrRefuses(input);
  }

  @Property(tries = 300)
  void mutatedPemText(@ForAll("mutatedPem") String input) {
    try {
      List<X509Certificate> certs = Certificates.parsePem(input);
      assertThat(certs).isNotEmpty().hasSizeLessThanOrEqualTo(Certificates.MAX_CERTIFICATES);
    } catch (CertificateParseException e) {
      assertOneLine(e);
    }
  }

  private static void assertParsesOrRefuses(byte[] input) {
    try {
      List<X509Certificate> certs = Certificates.parse(input);
      assertThat(certs).isNotEmpty().hasSizeLessThanOrEqualTo(Certificates.MAX_CERTIFICATES);
      for (X509Certificate c : certs) {
        // Whatever parsed must also be readable without throwing.
        assertThat(CertificateFacts.of(c)).isNotNull();
      }
    } catch (CertificateParseException e) {
      assertOneLine(e);
    }
  }

  private static void assertOneLine(CertificateParseException e) {
    assertThat(e.getMessage()).isNotBlank().doesNotContain("\n", "\r");
  }

  @Provide
  Arbitrary<byte[]> anyBytes() {
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    Arbitrary<byte[]> sequences =
        raw.map(
            b -> {
              byte[] out = b.clone();
              if (out.length > 0) {
                out[0] = 0x30; // take the DER path
              }
              return out;
            });
    return Arbitraries.oneOf(raw, sequences);
  }

  @Provide
  Arbitrary<byte[]> mutatedDer() {
    Arbitrary<Tuple2<Integer, Byte>> change =
        Combinators.combine(Arbitraries.integers().between(0, DER.length - 1), Arbitraries.bytes())
            .as(Tuple::of);
    Arbitrary<List<Tuple2<Integer, Byte>>> changes = change.list().ofMinSize(1).ofMaxSize(8);
    Arbitrary<Integer> cut = Arbitraries.integers().between(1, DER.length);
    return Combinators.combine(changes, cut, Arbitraries.of(true, false))
        .as(
            (list, length, truncate) -> {
              byte[] out = DER.clone();
              for (Tuple2<Integer, Byte> c : list) {
                out[c.get1()] = c.get2();
              }
              return truncate ? java.util.Arrays.copyOf(out, length) : out;
            });
  }

  @Provide
  Arbitrary<byte[]> pemBodies() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofMaxSize(1024)
        .map(
            b ->
                ("-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder().encodeToString(b)
                        + "\n-----END CERTIFICATE-----\n")
                    .getBytes(StandardCharsets.US_ASCII));
  }

  @Provide
  Arbitrary<String> mutatedPem() {
    Arbitrary<Tuple2<Integer, Character>> change =
        Combinators.combine(
                Arbitraries.integers().between(0, PEM.length() - 1),
                Arbitraries.chars().with('-', '\n', 'A', '=', '/', ' ', 'é', '\u0000'))
            .as(Tuple::of);
    return change
        .list()
        .ofMinSize(1)
        .ofMaxSize(6)
        .map(
            list -> {
              StringBuilder sb = new StringBuilder(PEM);
              for (Tuple2<Integer, Character> c : list) {
                sb.setCharAt(c.get1(), c.get2());
              }
              return sb.toString();
            });
  }
}
