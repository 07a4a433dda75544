package dev.identitylog.forwarded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.redact.Limits;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The examples are those of Envoy's documentation, "HTTP header manipulation",
 * x-forwarded-client-cert
 * (https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/headers).
 */
class XfccTest {
  private static final String HASH_1 =
      "468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688";
  private static final String HASH_2 =
      "9ba61d6425303443c0748a02dd8de688468ed33be74eee6556d90c0149c1309e";
  private static final String SUBJECT = "/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client";

  private static XfccElement only(String header) {
    XfccParseResult result = Xfcc.parse(header);
    assertThat(result.error()).isNull();
    assertThat(result.isValid()).isTrue();
    assertThat(result.elements()).hasSize(1);
    return result.elements().get(0);
  }

  @Test
  void envoyExampleOneCertificateWithUriSan() {
    XfccElement e = only("By=http://frontend.lyft.com;Hash=" + HASH_1 + ";Subject=\"" + SUBJECT
        + "\";URI=http://testclient.lyft.com");
    assertThat(e.by()).isEqualTo("http://frontend.lyft.com");
    assertThat(e.hash()).isEqualTo(HASH_1);
    assertThat(e.subject()).isEqualTo(SUBJECT);
    assertThat(e.uris()).containsExactly("http://testclient.lyft.com");
    assertThat(e.dns()).isEmpty();
    assertThat(e.cert()).isNull();
    assertThat(e.chain()).isNull();
  }

  @Test
  void envoyExampleTwoCertificates() {
    XfccParseResult result = Xfcc.parse("By=http://frontend.lyft.com;Hash=" + HASH_1
        + ";URI=http://testclient.lyft.com,By=http://backend.lyft.com;Hash=" + HASH_2
        + ";URI=http://frontend.lyft.com");
    assertThat(result.error()).isNull();
    List<XfccElement> elements = result.elements();
    assertThat(elements).hasSize(2);
    assertThat(elements.get(0).by()).isEqualTo("http://frontend.lyft.com");
    assertThat(elements.get(0).hash()).isEqualTo(HASH_1);
    assertThat(elements.get(0).uris()).containsExactly("http://testclient.lyft.com");
    assertThat(elements.get(0).subject()).isNull();
    assertThat(elements.get(1).by()).isEqualTo("http://backend.lyft.com");
    assertThat(elements.get(1).hash()).isEqualTo(HASH_2);
    assertThat(elements.get(1).uris()).containsExactly("http://frontend.lyft.com");
    assertThat(result.last()).isSameAs(elements.get(1));
  }

  @Test
  void envoyExampleUriAndDnsSans() {
    XfccElement e = only("By=http://frontend.lyft.com;Hash=" + HASH_1 + ";Subject=\"" + SUBJECT
        + "\";URI=http://testclient.lyft.com;DNS=lyft.com;DNS=www.lyft.com");
    assertThat(e.subject()).isEqualTo(SUBJECT);
    assertThat(e.uris()).containsExactly("http://testclient.lyft.com");
    assertThat(e.dns()).containsExactly("lyft.com", "www.lyft.com");
  }

  @Test
  void quotedValuesMayHoldCommasSemicolonsEqualsAndEscapedQuotes() {
    XfccElement e = only("Subject=\"CN=Doe\\, John,O=\\\"Acme; Inc.\\\",C=US\";"
        + "URI=\"spiffe://example.org/a,b\";By=\"x=y\"");
    assertThat(e.subject()).isEqualTo("CN=Doe\\, John,O=\"Acme; Inc.\",C=US");
    assertThat(e.uris()).containsExactly("spiffe://example.org/a,b");
    assertThat(e.by()).isEqualTo("x=y");
  }

  @Test
  void keysAreCaseInsensitiveAndUriDnsRepeat() {
    XfccElement e = only("bY=spiffe://example.org/edge;HASH=" + HASH_1
        + ";uri=spiffe://example.org/a;Uri=spiffe://example.org/b;dns=a.example;Dns=b.example;"
        + "DNS=c.example;subject=\"CN=x\"");
    assertThat(e.by()).isEqualTo("spiffe://example.org/edge");
    assertThat(e.hash()).isEqualTo(HASH_1);
    assertThat(e.uris()).containsExactly("spiffe://example.org/a", "spiffe://example.org/b");
    assertThat(e.dns()).containsExactly("a.example", "b.example", "c.example");
    assertThat(e.subject()).isEqualTo("CN=x");
  }

  @Test
  void istioStyleEmptySubjectIsAbsent() {
    XfccElement e = only("By=spiffe://cluster.local/ns/default/sa/httpbin;Hash=" + HASH_1
        + ";Subject=\"\";URI=spiffe://cluster.local/ns/default/sa/sleep");
    assertThat(e.subject()).isNull();
    assertThat(e.uris()).containsExactly("spiffe://cluster.local/ns/default/sa/sleep");
  }

  @Test
  void certAndChainAreUrlDecodedPem() throws Exception {
    X509Certificate leaf = TestCertificates.selfSigned("CN=client,O=Example", "spiffe://ex/a");
    X509Certificate other = TestCertificates.selfSigned("CN=issuer", "spiffe://ex/ca");
    String leafPem = TestCertificates.pem(leaf);
    String chainPem = leafPem + TestCertificates.pem(other);
    // Envoy writes %20 for spaces and %2B for '+'; URLEncoder's '+' for a space is replaced
    String header = "By=spiffe://ex/edge;Cert=\"" + envoyUrlEncode(leafPem) + "\";Chain=\""
        + envoyUrlEncode(chainPem) + "\";URI=spiffe://ex/a";
    XfccElement e = only(header);
    assertThat(e.cert()).isEqualTo(leafPem);
    assertThat(e.chain()).isEqualTo(chainPem);
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    X509Certificate decoded = (X509Certificate) factory.generateCertificate(
        new ByteArrayInputStream(e.cert().getBytes(StandardCharsets.US_ASCII)));
    assertThat(decoded.getEncoded()).isEqualTo(leaf.getEncoded());
    assertThat(factory.generateCertificates(
        new ByteArrayInputStream(e.chain().getBytes(StandardCharsets.US_ASCII)))).hasSize(2);
  }

  @Test
  void unquotedCertIsDecodedTooAndPlusIsNotASpace() {
    XfccElement e = only("Cert=-----BEGIN%20CERTIFICATE-----%0AAB+c/d==%0A-----END%20CERTIFICATE-----%0A");
    assertThat(e.cert())
        .isEqualTo("-----BEGIN CERTIFICATE-----\nAB+c/d==\n-----END CERTIFICATE-----\n");
  }

  @Test
  void whitespaceAroundPairsAndElementsIsIgnored() {
    XfccParseResult result = Xfcc.parse(" By=a ; URI=u1 , By=b;\tURI=\"u2\" \t");
    assertThat(result.error()).isNull();
    assertThat(result.elements()).extracting(XfccElement::by).containsExactly("a", "b");
    assertThat(result.elements()).extracting(XfccElement::uris)
        .containsExactly(List.of("u1"), List.of("u2"));
  }

  @Test
  void emptyElementsAndPairsAreSkippedAndUnknownKeysIgnored() {
    XfccParseResult result = Xfcc.parse(",By=a;;Future=\"x;y\";Hash=h,, ,By=b,");
    assertThat(result.error()).isNull();
    assertThat(result.elements()).extracting(XfccElement::by).containsExactly("a", "b");
    assertThat(result.elements().get(0).hash()).isEqualTo("h");
  }

  @Test
  void unquotedValuesMayHoldEquals() {
    assertThat(only("URI=https://example.org/x?a=b").uris())
        .containsExactly("https://example.org/x?a=b");
  }

  @Test
  void absentOrBlankHeaderHasNoElementsAndNoError() {
    for (String v : new String[] {null, "", "  "}) {
      XfccParseResult result = Xfcc.parse(v);
      assertThat(result.elements()).isEmpty();
      assertThat(result.error()).isNull();
      assertThat(result.last()).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "By=a;Subject=\"CN=unterminated", // unterminated quote
      "By=a;Subject=\"CN=x\\\"", // the only quote left is escaped
      "By=a;Subject=\"CN=x\"junk", // text after the closing quote
      "By=a;Subject=CN=\"x\"", // a quote inside an unquoted value
      "By=a;Hash", // key without '='
      "By=a;=b", // empty key
      "By=a;Ha sh=b", // a space inside a key
      "By=a;By=b", // a single-valued key twice in one element
      "Hash=a;Cert=\"x\";hash=b",
      "Cert=\"%ZZ\"", // bad percent-encoding
      "Chain=abc%4",
      "By=a,{By=b}",
  })
  void malformedHeadersKeepNoElements(String header) {
    XfccParseResult result = Xfcc.parse("By=first;Hash=" + HASH_1 + "," + header);
    assertThat(result.isValid()).isFalse();
    assertThat(result.error()).isNotBlank().doesNotContain("\n");
    assertThat(result.elements()).as("never a partial result").isEmpty();
    assertThat(result.last()).isNull();
  }

  @Test
  void errorMessagesSayWhatAndWhere() {
    assertThat(Xfcc.parse("By=a;Subject=\"CN=x").error())
        .isEqualTo("unterminated quoted value starting at position 13");
    assertThat(Xfcc.parse("By=a;By=b").error()).isEqualTo("duplicate key By in element 1");
    assertThat(Xfcc.parse("By=a,Cert=%G0").error())
        .isEqualTo("invalid percent-encoding in the Cert value of element 2");
  }

  @Test
  void valuesAboveTheSizeLimitAreNotParsed() {
    String big = "By=a;URI=" + "u".repeat(16 * 1024);
    XfccParseResult result = Xfcc.parse(big);
    assertThat(result.elements()).isEmpty();
    assertThat(result.error()).contains("16384");
    XfccParseResult small = Xfcc.parse("By=a;URI=" + "u".repeat(300), Limits.of(64, 32, 256));
    assertThat(small.elements()).isEmpty();
    assertThat(small.error()).contains("256");
  }

  @Test
  void toStringNeverPrintsCertificateText() {
    XfccElement e = only("By=a;Cert=\"-----BEGIN%20CERTIFICATE-----%0ASECRETISH%0A\"");
    assertThat(e.toString()).doesNotContain("SECRETISH").contains("cert=<");
  }

  private static String envoyUrlEncode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
