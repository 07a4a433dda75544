package dev.identitylog.forwarded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.trust.IpAddresses;
import dev.identitylog.trust.TrustedProxies;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;

/**
 * The forwarded-identity parsers over arbitrary input: nothing escapes, and a result is either
 * absent (null, or an error with no elements) or well-formed.
 */
class ForwardedPropertiesTest {
  private static final TrustedProxies TRUST = TrustedProxies.parse("10.0.0.0/8, fd00::/8");

  @Provide
  Arbitrary<String> xfccish() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("ByHashCertChainSubjectURIDNS=;,\"\\ %0aF:/.\t")
            .ofMaxLength(120),
        Arbitraries.strings().ofMaxLength(120));
  }

  @Property
  void xfccNeverThrows(@ForAll("xfccish") String header) {
    XfccParseResult result = Xfcc.parse(header);
    assertThat(result).isNotNull();
    if (result.error() != null) {
      assertThat(result.elements()).isEmpty();
      assertThat(result.error()).isNotBlank().doesNotContain("\n");
      return;
    }
    for (XfccElement e : result.elements()) {
      for (String single : new String[] {e.by(), e.hash(), e.cert(), e.chain(), e.subject()}) {
        assertThat(single == null || !single.isEmpty()).isTrue();
      }
      assertThat(e.uris()).allSatisfy(u -> assertThat(u).isNotEmpty());
      assertThat(e.dns()).allSatisfy(d -> assertThat(d).isNotEmpty());
    }
  }

  /** A value as Envoy would write it: quoted (with \" escapes) when it needs to be, or at random. */
  private static String encode(String value, boolean forceQuote) {
    boolean needs = value.isEmpty() || value.chars().anyMatch(c -> ",;=\"".indexOf(c) >= 0)
        || value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ';
    return needs || forceQuote ? "\"" + value.replace("\"", "\\\"") + "\"" : value;
  }

  @Provide
  Arbitrary<String> xfccValue() {
    // no backslash (its meaning next to a quote is ambiguous in Envoy's format), no controls
    return Arbitraries.strings().withCharRange(' ', '~').excludeChars('\\', '%').ofMinLength(1)
        .ofMaxLength(20);
  }

  @Property
  void xfccRoundTrip(@ForAll @Size(min = 1, max = 4) List<@Size(min = 1, max = 3) List<
      @From("xfccValue") String>> elements, @ForAll boolean quoteAll, @ForAll boolean upper) {
    StringBuilder header = new StringBuilder();
    for (List<String> values : elements) {
      if (header.length() > 0) {
        header.append(',');
      }
      header.append(upper ? "BY" : "by").append('=').append(encode(values.get(0), quoteAll));
      for (String uri : values) {
        header.append(';').append(upper ? "uri" : "URI").append('=')
            .append(encode(uri, quoteAll));
      }
      header.append(";Subject=").append(encode(values.get(values.size() - 1), true));
    }
    XfccParseResult result = Xfcc.parse(header.toString());
    assertThat(result.error()).as(header.toString()).isNull();
    assertThat(result.elements()).hasSize(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      XfccElement e = result.elements().get(i);
      List<String> values = elements.get(i);
      assertThat(e.by()).isEqualTo(expected(values.get(0), quoteAll));
      List<String> expectedUris = new ArrayList<>();
      for (String v : values) {
        String x = expected(v, quoteAll);
        if (x != null) {
          expectedUris.add(x);
        }
      }
      assertThat(e.uris()).isEqualTo(expectedUris);
      assertThat(e.subject()).isEqualTo(values.get(values.size() - 1));
    }
  }

  private static boolean quoted(String value, boolean quoteAll) {
    return encode(value, quoteAll).startsWith("\"");
  }

  /** What parsing an encoded value gives back: quoted values verbatim, others trimmed. */
  private static String expected(String value, boolean quoteAll) {
    String v = quoted(value, quoteAll) ? value : value.strip();
    return v.isEmpty() ? null : v;
  }

  @Property
  void clientCertNeverThrows(@ForAll("certish") String value) {
    byte[] der = ClientCertHeader.parseCert(value);
    assertThat(der == null || der.length > 0).isTrue();
    List<byte[]> chain = ClientCertHeader.parseChain(value);
    if (chain != null) {
      assertThat(chain).isNotEmpty().allSatisfy(c -> assertThat(c).isNotEmpty());
    }
  }

  @Provide
  Arbitrary<String> certish() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("AQIDBAU=+/:, \t;x").ofMaxLength(60),
        Arbitraries.strings().ofMaxLength(60));
  }

  @Property
  void clientCertRoundTrip(@ForAll @NotEmpty byte[] der, @ForAll @NotEmpty byte[] second) {
    assertThat(ClientCertHeader.parseCert(ClientCertHeader.format(der))).isEqualTo(der);
    List<byte[]> chain = ClientCertHeader.parseChain(
        ClientCertHeader.format(der) + ", " + ClientCertHeader.format(second));
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0)).isEqualTo(der);
    assertThat(chain.get(1)).isEqualTo(second);
    assertThat(ClientCertHeader.format(der)).isEqualTo(":" + Base64.getEncoder()
        .encodeToString(der) + ":");
  }

  @Provide
  Arbitrary<String> forwardedish() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789.:abcdef[]_,;=\" forFOR").ofMaxLength(60),
        Arbitraries.strings().ofMaxLength(60));
  }

  @Property
  void clientAddressNeverThrows(@ForAll("forwardedish") String forwarded,
      @ForAll("forwardedish") String xff, @ForAll("forwardedish") String peer,
      @ForAll boolean useForwarded) {
    String result = ForwardedFor.clientAddress(useForwarded ? forwarded : null, xff,
        useForwarded ? peer : "10.0.0.1", TRUST);
    if (result != null) {
      assertThat(IpAddresses.normalize(result)).isEqualTo(result);
    }
  }

  @Provide
  Arbitrary<String> address() {
    Arbitrary<String> v4 = Arbitraries.integers().between(0, 3).flatMap(kind -> Arbitraries
        .bytes().array(byte[].class).ofSize(4).map(b -> {
          if (kind == 0) {
            b[0] = 10; // trusted
          }
          return IpAddresses.format(b);
        }));
    Arbitrary<String> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16).map(b -> {
      b[10] = 1; // never IPv4-mapped
      return IpAddresses.format(b);
    });
    return Arbitraries.oneOf(v4, v6, Arbitraries.of("10.1.1.1", "fd00::1", "unknown"));
  }

  @Property
  void clientAddressIsTheFirstUntrustedHopFromTheRight(
      @ForAll @Size(min = 1, max = 6) List<@From("address") String> hops,
      @ForAll boolean asForwarded) {
    String header;
    if (asForwarded) {
      List<String> elements = new ArrayList<>();
      for (String hop : hops) {
        elements.add("for=" + (hop.contains(":") ? "\"[" + hop + "]\"" : hop));
      }
      header = String.join(", ", elements);
    } else {
      header = String.join(", ", hops);
    }
    String expected = null;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (hop.equals("unknown")) {
        expected = null;
        break;
      }
      expected = hop;
      if (!TRUST.trustsAddress(hop)) {
        break;
      }
    }
    String actual = asForwarded ? ForwardedFor.clientAddress(header, "192.0.2.1", "10.0.0.1", TRUST)
        : ForwardedFor.clientAddress(null, header, "10.0.0.1", TRUST);
    assertThat(actual).as(header).isEqualTo(expected);
    assertThat(ForwardedFor.clientAddress(asForwarded ? header : null, header, "192.0.2.9",
        TRUST)).as("untrusted peer").isNull();
  }

  @Property(tries = 100)
  void headerValuesAbove16KiBAreNotParsed(@ForAll("xfccish") String tail) {
    String pad = " ".repeat(16 * 1024);
    assertThat(Xfcc.parse("By=a;URI=b" + pad + tail).elements()).isEmpty();
    assertThat(ClientCertHeader.parseCert(":AQID:" + pad + tail)).isNull();
    assertThat(ClientCertHeader.parseChain(":AQID:" + pad + tail)).isNull();
    assertThat(ForwardedFor.clientAddress(null, "192.0.2.7" + pad + tail, "10.0.0.1", TRUST))
        .isNull();
    assertThat(ForwardedFor.clientAddress("for=192.0.2.7" + pad + tail, null, "10.0.0.1", TRUST))
        .isNull();
  }

  @Property(tries = 50)
  void keyCaseNeverMatters(@ForAll boolean upper) {
    String header = "By=a;Hash=h;Subject=\"s\";URI=u;DNS=d";
    String changed = upper ? header.toUpperCase(Locale.ROOT).replace("\"S\"", "\"s\"")
        .replace("=A", "=a").replace("=H", "=h").replace("=U", "=u").replace("=D", "=d")
        : header.toLowerCase(Locale.ROOT);
    assertThat(Xfcc.parse(changed).elements()).isEqualTo(Xfcc.parse(header).elements());
  }
}
