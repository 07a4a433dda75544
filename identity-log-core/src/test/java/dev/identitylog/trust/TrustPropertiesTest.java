package dev.identitylog.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Address parsing and range matching, against independent models. */
class TrustPropertiesTest {
  @Provide
  Arbitrary<String> addressish() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789abcdefABCDEF:.[]%/ ").ofMaxLength(45),
        Arbitraries.strings().ofMaxLength(45));
  }

  @Property
  void parsingNeverThrowsAndAgreesWithTheJdkOnLiterals(@ForAll("addressish") String text)
      throws Exception {
    byte[] ours = IpAddresses.parse(text);
    if (ours == null) {
      return;
    }
    assertThat(ours.length).isIn(4, 16);
    // only a literal reaches the JDK (ours accepted it), so no name is ever looked up
    byte[] jdk = InetAddress.getByName(text).getAddress();
    if (jdk.length == 4 && ours.length == 16) {
      assertThat(IpAddresses.isV4Mapped(ours)).isTrue();
      assertThat(java.util.Arrays.copyOfRange(ours, 12, 16)).isEqualTo(jdk);
    } else {
      assertThat(ours).isEqualTo(jdk);
    }
  }

  @Property
  void peerFormsAndNormalizeNeverThrow(@ForAll("addressish") String text) {
    String normalized = IpAddresses.normalize(text);
    if (normalized != null) {
      assertThat(IpAddresses.normalize(normalized)).isEqualTo(normalized);
    }
  }

  @Property
  void formatThenParseRoundTrips(@ForAll @Size(value = 16) byte[] v6,
      @ForAll @Size(value = 4) byte[] v4) throws Exception {
    String text6 = IpAddresses.format(v6);
    byte[] back = IpAddresses.parse(text6);
    if (IpAddresses.isV4Mapped(v6)) {
      assertThat(back).containsExactly(java.util.Arrays.copyOfRange(v6, 12, 16));
    } else {
      assertThat(back).isEqualTo(v6);
      assertThat(text6).isEqualTo(text6.toLowerCase(java.util.Locale.ROOT))
          .doesNotContain(":::");
      assertThat(InetAddress.getByName(text6).getAddress()).isEqualTo(v6);
    }
    assertThat(IpAddresses.parse(IpAddresses.format(v4))).isEqualTo(v4);
  }

  @Property
  void parseConfigurationThrowsOnlyIllegalArgument(@ForAll("addressish") String text) {
    try {
      TrustedProxies t = TrustedProxies.parse(text);
      assertThat(t).isNotNull();
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property
  void trustChecksNeverThrow(@ForAll("addressish") String peer, @ForAll String spiffe,
      @ForAll String hash) {
    TrustedProxies t = TrustedProxies.parse("10.0.0.0/8, 2001:db8::/32, spiffe://ex.org/a, "
        + "sha256:" + "ab".repeat(32));
    t.trustsAddress(peer);
    t.trusts(peer, spiffe, hash);
  }

  @Property
  void ipv4RangeMatchesExactlyItsPrefix(@ForAll @Size(value = 4) byte[] network,
      @ForAll @IntRange(min = 0, max = 32) int prefix, @ForAll @Size(value = 4) byte[] probe) {
    checkRange(network, prefix, probe, 32);
  }

  @Property
  void ipv6RangeMatchesExactlyItsPrefix(@ForAll @Size(value = 16) byte[] network,
      @ForAll @IntRange(min = 0, max = 128) int prefix, @ForAll @Size(value = 16) byte[] probe,
      @ForAll @IntRange(min = 0, max = 128) int keep) {
    // make the probe share a random number of leading bits with the network, to hit both sides
    BigInteger n = new BigInteger(1, network);
    BigInteger p = new BigInteger(1, probe);
    BigInteger lowMask = BigInteger.ONE.shiftLeft(128 - keep).subtract(BigInteger.ONE);
    BigInteger mixed = n.andNot(lowMask).or(p.and(lowMask));
    checkRange(network, prefix, toBytes(mixed, 16), 128);
  }

  private static void checkRange(byte[] network, int prefix, byte[] probe, int bits) {
    if (bits == 128 && (IpAddresses.isV4Mapped(network) || IpAddresses.isV4Mapped(probe))) {
      return; // mapped addresses are compared as IPv4, covered by the example tests
    }
    BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
        .shiftRight(bits - prefix).shiftLeft(bits - prefix);
    BigInteger net = new BigInteger(1, network).and(mask);
    String cidr = IpAddresses.format(toBytes(net, bits / 8)) + "/" + prefix;
    TrustedProxies trust = TrustedProxies.builder().addressRange(cidr).build();
    boolean inside = new BigInteger(1, probe).and(mask).equals(net);
    assertThat(trust.trustsAddress(IpAddresses.format(probe))).as(cidr + " vs "
        + IpAddresses.format(probe)).isEqualTo(inside);
  }

  private static byte[] toBytes(BigInteger value, int length) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
    return out;
  }
}
