package dev.identitylog.forwarded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.redact.Limits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example of RFC 9440 appendix A (https://www.rfc-editor.org/rfc/rfc9440#appendix-A): its
 * certificate chain (Figure 1) and its Client-Cert (Figure 2) and Client-Cert-Chain (Figure 3)
 * header values, with the line breaks the RFC added "for display and formatting purposes only"
 * removed.
 */
class ClientCertHeaderTest {
  private static String resource(String name) throws IOException {
    try (InputStream in = ClientCertHeaderTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** The header value as sent: display line breaks (and the space after each) removed. */
  private static String headerValue(String name) throws IOException {
    return resource(name).strip().replace("\n ", "").replace("\n", "");
  }

  /** The DER of each PEM block, decoded independently of the code under test. */
  private static List<byte[]> pemBlocks() throws IOException {
    Matcher m = Pattern.compile(
        "-----BEGIN CERTIFICATE-----\\s*(.*?)\\s*-----END CERTIFICATE-----", Pattern.DOTALL)
        .matcher(resource("rfc9440-example-chain.pem"));
    List<byte[]> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(Base64.getMimeDecoder().decode(m.group(1)));
    }
    return blocks;
  }

  @Test
  void rfcExampleClientCert() throws Exception {
    byte[] der = ClientCertHeader.parseCert(headerValue("rfc9440-example-client-cert.txt"));
    assertThat(der).isEqualTo(pemBlocks().get(0));
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=BC");
  }

  @Test
  void rfcExampleClientCertChain() throws Exception {
    List<byte[]> chain =
        ClientCertHeader.parseChain(headerValue("rfc9440-example-client-cert-chain.txt"));
    List<byte[]> pem = pemBlocks();
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0)).isEqualTo(pem.get(1));
    assertThat(chain.get(1)).isEqualTo(pem.get(2));
  }

  @Test
  void formatThenParseRoundTripsAGeneratedCertificate() throws Exception {
    X509Certificate cert = TestCertificates.selfSigned("CN=round trip", "spiffe://ex/rt");
    String header = ClientCertHeader.format(cert.getEncoded());
    assertThat(header).startsWith(":").endsWith(":")
        .isEqualTo(":" + Base64.getEncoder().encodeToString(cert.getEncoded()) + ":");
    assertThat(ClientCertHeader.parseCert(header)).isEqualTo(cert.getEncoded());
    assertThat(ClientCertHeader.parseChain(header + ", " + header)).hasSize(2);
  }

  @Test
  void surroundingWhitespaceIsAllowed() {
    assertThat(ClientCertHeader.parseCert(" \t:AQID: ")).containsExactly(1, 2, 3);
    assertThat(ClientCertHeader.parseChain(" :AQID:\t,\t:BAU=: ")).hasSize(2);
    assertThat(ClientCertHeader.parseChain(":AQID:,:BAU=:")).hasSize(2);
  }

  @Test
  void base64AllowancesOfRfc8941() {
    assertThat(ClientCertHeader.parseCert(":BAU:")).as("padding missing").containsExactly(4, 5);
    assertThat(ClientCertHeader.parseCert(":BAV=:")).as("non-zero pad bits")
        .containsExactly(4, 5);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "::", "AQID", ":AQID", "AQID:", ":AQ ID:", ":AQID:;a=1", ":AQID: x", "\"AQID\"",
      ":AQ*D:", ":AQID:,:BAU=:", ":A=QID:", "-----BEGIN CERTIFICATE-----",
  })
  void invalidClientCert(String value) {
    assertThat(ClientCertHeader.parseCert(value)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", ":AQID:,", ":AQID:,,:BAU=:", ",:AQID:", ":AQID: :BAU=:", ":AQID:;a=1",
      ":AQID:, ::", ":AQID:, BAU=", "(:AQID:)",
  })
  void invalidClientCertChain(String value) {
    assertThat(ClientCertHeader.parseChain(value)).isNull();
  }

  @Test
  void nullIsAbsent() {
    assertThat(ClientCertHeader.parseCert(null)).isNull();
    assertThat(ClientCertHeader.parseChain(null)).isNull();
  }

  @Test
  void valuesAboveTheSizeLimitAreNotParsed() {
    byte[] big = new byte[13 * 1024];
    big[0] = 1;
    String header = ClientCertHeader.format(big);
    assertThat(header.length()).isGreaterThan(16 * 1024);
    assertThat(ClientCertHeader.parseCert(header)).isNull();
    assertThat(ClientCertHeader.parseChain(header)).isNull();
    String medium = ClientCertHeader.format(new byte[300]);
    assertThat(ClientCertHeader.parseCert(medium)).hasSize(300);
    assertThat(ClientCertHeader.parseCert(medium, Limits.of(64, 32, 256))).isNull();
  }
}
