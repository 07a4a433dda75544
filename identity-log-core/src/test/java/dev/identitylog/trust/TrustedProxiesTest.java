package dev.identitylog.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {
  @Test
  void noneTrustsNoOne() {
    TrustedProxies none = TrustedProxies.none();
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.trustsAddress("127.0.0.1")).isFalse();
    assertThat(none.trusts("127.0.0.1", "spiffe://example.org/edge", "A".repeat(64))).isFalse();
    assertThat(TrustedProxies.parse("")).isSameAs(none);
    assertThat(TrustedProxies.parse(null)).isSameAs(none);
    assertThat(TrustedProxies.parse(" , ")).isSameAs(none);
    assertThat(TrustedProxies.builder().build()).isSameAs(none);
  }

  @Test
  void ipv4CidrEdges() {
    TrustedProxies t = TrustedProxies.parse("10.0.0.0/8, 192.168.1.0/24, 172.16.0.0/12");
    assertThat(t.isEmpty()).isFalse();
    assertThat(t.trustsAddress("10.0.0.0")).isTrue();
    assertThat(t.trustsAddress("10.255.255.255")).isTrue();
    assertThat(t.trustsAddress("9.255.255.255")).isFalse();
    assertThat(t.trustsAddress("11.0.0.0")).isFalse();
    assertThat(t.trustsAddress("192.168.1.0")).isTrue();
    assertThat(t.trustsAddress("192.168.1.255")).isTrue();
    assertThat(t.trustsAddress("192.168.0.255")).isFalse();
    assertThat(t.trustsAddress("192.168.2.0")).isFalse();
    assertThat(t.trustsAddress("172.31.255.255")).isTrue();
    assertThat(t.trustsAddress("172.32.0.0")).isFalse();
    assertThat(t.trustsAddress("172.15.255.255")).isFalse();
  }

  @Test
  void singleAddressesAndWholeSpace() {
    TrustedProxies one = TrustedProxies.parse("203.0.113.7");
    assertThat(one.trustsAddress("203.0.113.7")).isTrue();
    assertThat(one.trustsAddress("203.0.113.6")).isFalse();
    assertThat(one.trustsAddress("203.0.113.8")).isFalse();
    TrustedProxies slash32 = TrustedProxies.parse("203.0.113.7/32");
    assertThat(slash32.trustsAddress("203.0.113.7")).isTrue();
    assertThat(slash32.trustsAddress("203.0.113.70")).isFalse();
    TrustedProxies all = TrustedProxies.parse("0.0.0.0/0");
    assertThat(all.trustsAddress("255.255.255.255")).isTrue();
    assertThat(all.trustsAddress("0.0.0.0")).isTrue();
    assertThat(all.trustsAddress("::1")).as("IPv4 ranges do not cover IPv6").isFalse();
  }

  @Test
  void ipv6CidrEdges() {
    TrustedProxies t = TrustedProxies.parse("2001:db8::/32, ::1, fd00:1:2:3::/64, "
        + "2001:db8:ffff:ffff:ffff:ffff:ffff:ff00/120");
    assertThat(t.trustsAddress("2001:db8::")).isTrue();
    assertThat(t.trustsAddress("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")).isTrue();
    assertThat(t.trustsAddress("2001:db9::")).isFalse();
    assertThat(t.trustsAddress("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")).isFalse();
    assertThat(t.trustsAddress("::1")).isTrue();
    assertThat(t.trustsAddress("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(t.trustsAddress("::2")).isFalse();
    assertThat(t.trustsAddress("fd00:1:2:3:ffff:ffff:ffff:ffff")).isTrue();
    assertThat(t.trustsAddress("fd00:1:2:4::")).isFalse();
    assertThat(t.trustsAddress("FD00:1:2:3::abcd")).as("hex case").isTrue();
    assertThat(t.trustsAddress("127.0.0.1")).isFalse();
  }

  @Test
  void prefixesThatCrossTheMiddleOfTheAddress() {
    TrustedProxies t = TrustedProxies.parse("2001:db8:0:0:8000::/65");
    assertThat(t.trustsAddress("2001:db8::8000:0:0:0")).isTrue();
    assertThat(t.trustsAddress("2001:db8::ffff:ffff:ffff:ffff")).isTrue();
    assertThat(t.trustsAddress("2001:db8::7fff:ffff:ffff:ffff")).isFalse();
    TrustedProxies t63 = TrustedProxies.parse("2001:db8::/63");
    assertThat(t63.trustsAddress("2001:db8:0:1:ffff::")).isTrue();
    assertThat(t63.trustsAddress("2001:db8:0:2::")).isFalse();
  }

  @Test
  void peerAddressForms() {
    TrustedProxies t = TrustedProxies.parse("10.0.0.0/8, fe80::/10");
    assertThat(t.trustsAddress("::ffff:10.1.2.3")).as("IPv4-mapped").isTrue();
    assertThat(t.trustsAddress("[fe80::1]")).as("brackets").isTrue();
    assertThat(t.trustsAddress("fe80::1%eth0")).as("zone").isTrue();
    assertThat(t.trustsAddress("[fe80::1%25eth0]")).isTrue();
    assertThat(t.trustsAddress("10.1.2.3%eth0")).as("no zones on IPv4").isFalse();
    assertThat(t.trustsAddress("10.1.2.3:80")).as("not an address").isFalse();
    assertThat(t.trustsAddress("localhost")).isFalse();
    assertThat(t.trustsAddress("")).isFalse();
    assertThat(t.trustsAddress(null)).isFalse();
  }

  @Test
  void mappedRangesAndWideIpv6RangesCoverIpv4Peers() {
    TrustedProxies mapped = TrustedProxies.parse("::ffff:10.0.0.0/104");
    assertThat(mapped.trustsAddress("10.9.9.9")).isTrue();
    assertThat(mapped.trustsAddress("::ffff:10.9.9.9")).isTrue();
    assertThat(mapped.trustsAddress("11.0.0.1")).isFalse();
    TrustedProxies everything = TrustedProxies.parse("::/0");
    assertThat(everything.trustsAddress("192.0.2.1")).isTrue();
    assertThat(everything.trustsAddress("2001:db8::1")).isTrue();
    TrustedProxies notMapped = TrustedProxies.parse("2001:db8::/32");
    assertThat(notMapped.trustsAddress("192.0.2.1")).isFalse();
  }

  @Test
  void spiffeIdRules() {
    TrustedProxies t = TrustedProxies.parse("spiffe://example.org/ns/edge/sa/envoy");
    assertThat(t.trusts(null, "spiffe://example.org/ns/edge/sa/envoy", null)).isTrue();
    assertThat(t.trusts(null, "spiffe://example.org/ns/edge/sa/envoy2", null)).isFalse();
    assertThat(t.trusts(null, "spiffe://example.org/ns/edge", null)).isFalse();
    assertThat(t.trusts(null, "spiffe://EXAMPLE.org/ns/edge/sa/envoy", null)).isFalse();
    assertThat(t.trusts("10.0.0.1", null, null)).isFalse();
    assertThat(t.trustsAddress("10.0.0.1")).isFalse();
  }

  @Test
  void certificateSha256Rules() throws Exception {
    byte[] fakeDer = "not really a certificate".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(fakeDer);
    String upper = HexFormat.of().withUpperCase().formatHex(digest);
    String lowerWithColons = HexFormat.ofDelimiter(":").formatHex(digest);
    TrustedProxies t = TrustedProxies.parse("sha256:" + lowerWithColons);
    assertThat(t.trusts(null, null, upper)).isTrue();
    assertThat(t.trusts(null, null, upper.toLowerCase(java.util.Locale.ROOT))).isTrue();
    assertThat(t.trusts(null, null, upper.substring(1) + "0")).isFalse();
    assertThat(t.trusts(null, null, upper.substring(2))).isFalse();
    TrustedProxies built = TrustedProxies.builder().certificateSha256(upper).build();
    assertThat(built.trusts(null, null, upper)).isTrue();
    assertThat(TrustedProxies.parse("SHA256:" + upper).trusts(null, null, upper)).isTrue();
  }

  @Test
  void anyRuleMatching() {
    String hash = "AB".repeat(32);
    TrustedProxies t = TrustedProxies.builder().addressRange("10.0.0.0/8")
        .spiffeId("spiffe://example.org/edge").certificateSha256(hash).build();
    assertThat(t.trusts("10.1.1.1", null, null)).isTrue();
    assertThat(t.trusts("192.0.2.1", "spiffe://example.org/edge", null)).isTrue();
    assertThat(t.trusts("192.0.2.1", "spiffe://example.org/other", hash)).isTrue();
    assertThat(t.trusts("192.0.2.1", "spiffe://example.org/other", "CD".repeat(32))).isFalse();
    assertThat(t.trusts(null, null, null)).isFalse();
  }

  @Test
  void parseMixedConfiguration() {
    TrustedProxies t = TrustedProxies.parse(
        "10.0.0.0/8, ::1, spiffe://example.org/edge, sha256:" + "ab12".repeat(16));
    assertThat(t.trustsAddress("10.2.3.4")).isTrue();
    assertThat(t.trustsAddress("::1")).isTrue();
    assertThat(t.trusts(null, "spiffe://example.org/edge", null)).isTrue();
    assertThat(t.trusts(null, null, "AB12".repeat(16))).isTrue();
    assertThat(t.toString()).isEqualTo("TrustedProxies[10.0.0.0/8, ::1/128, "
        + "spiffe://example.org/edge, sha256:" + "AB12".repeat(16) + "]");
  }

  @Test
  void toStringTextParsesBackToTheSameRules() {
    TrustedProxies t = TrustedProxies.parse("2001:DB8:0::/48,192.0.2.0/24");
    String text = t.toString();
    String inner = text.substring("TrustedProxies[".length(), text.length() - 1);
    assertThat(TrustedProxies.parse(inner).toString()).isEqualTo(text);
    assertThat(inner).isEqualTo("2001:db8::/48, 192.0.2.0/24");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "example.com", "localhost", "10.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.0/33",
      "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/08", "10.0.0.1/8", "::1/129", "2001:db8::1/32",
      "2001:db8:::1", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "10.0.0.0/8/8", "10.0.0.0 /8",
      "spiffe://", "spiffe://Example.org/x", "SPIFFE://example.org/x", "spiffe://example.org/",
      "spiffe://example.org//x", "spiffe://example.org/a/../b", "spiffe://example.org/a?b",
      "spiffe://exa mple.org", "sha256:abc",
      "sha256:gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg", "sha256:1:2",
      "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  })
  void badEntriesFailAtConfigurationTime(String entry) {
    String named = entry.regionMatches(true, 0, "sha256:", 0, 7) ? entry.substring(7) : entry;
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8, " + entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(named)
        .hasMessageNotContaining("\n");
  }

  @Test
  void messagesSayWhatIsWrong() {
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.1/8"))
        .hasMessage("\"10.0.0.1/8\" has host bits set; did you mean 10.0.0.0/8?");
    assertThatThrownBy(() -> TrustedProxies.parse("2001:db8::1/32"))
        .hasMessage("\"2001:db8::1/32\" has host bits set; did you mean 2001:db8::/32?");
    assertThatThrownBy(() -> TrustedProxies.parse("proxy.internal"))
        .hasMessageContaining("host names are not resolved");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/40"))
        .hasMessageContaining("expected 0 to 32");
    assertThatThrownBy(() -> TrustedProxies.parse("spiffe://example.org/"))
        .hasMessageContaining("trailing slash");
    assertThatThrownBy(() -> TrustedProxies.parse("sha256:12"))
        .hasMessageContaining("64 hex digits");
  }

  @Test
  void builderRefusesNull() {
    assertThatThrownBy(() -> TrustedProxies.builder().addressRange(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrustedProxies.builder().spiffeId(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrustedProxies.builder().certificateSha256(null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
