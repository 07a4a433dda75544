package dev.identitylog.forwarded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.redact.Limits;
import dev.identitylog.trust.TrustedProxies;
import org.junit.jupiter.api.Test;

/** Forwarded examples are those of RFC 7239 sections 4, 6 and 7.4. */
class ForwardedForTest {
  private static final TrustedProxies PROXIES =
      TrustedProxies.parse("10.0.0.0/8, 2001:db8:cafe::/48");

  @Test
  void untrustedPeerIsNeverBelieved() {
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7", "198.51.100.1", PROXIES)).isNull();
    assertThat(ForwardedFor.clientAddress("for=203.0.113.7", null, "198.51.100.1", PROXIES))
        .isNull();
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7", "10.0.0.1",
        TrustedProxies.none())).as("the default trusts no one").isNull();
  }

  @Test
  void singleHopBehindATrustedProxy() {
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7", "10.0.0.1", PROXIES))
        .isEqualTo("203.0.113.7");
  }

  @Test
  void chainOfTrustedProxiesIsSkippedFromTheRight() {
    // client 203.0.113.7 -> 10.1.1.1 -> 10.2.2.2 -> peer 10.3.3.3
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7, 10.1.1.1, 10.2.2.2", "10.3.3.3",
        PROXIES)).isEqualTo("203.0.113.7");
  }

  @Test
  void whatTheClientWroteLeftOfItselfIsIgnored() {
    // the client forged "1.2.3.4, 10.9.9.9"; the first untrusted hop from the right is the client
    assertThat(ForwardedFor.clientAddress(null, "1.2.3.4, 10.9.9.9, 198.51.100.23, 10.1.1.1",
        "10.0.0.1", PROXIES)).isEqualTo("198.51.100.23");
  }

  @Test
  void allTrustedGivesTheLeftmost() {
    assertThat(ForwardedFor.clientAddress(null, "10.4.4.4, 10.1.1.1", "10.0.0.1", PROXIES))
        .isEqualTo("10.4.4.4");
  }

  @Test
  void noHeaderGivesNothing() {
    assertThat(ForwardedFor.clientAddress(null, null, "10.0.0.1", PROXIES)).isNull();
    assertThat(ForwardedFor.clientAddress(" ", "", "10.0.0.1", PROXIES)).isNull();
  }

  @Test
  void xForwardedForWithIpv6AndPorts() {
    assertThat(ForwardedFor.clientAddress(null, "2001:DB8:0:0:1::1, 2001:db8:cafe::17",
        "10.0.0.1", PROXIES)).isEqualTo("2001:db8::1:0:0:1");
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7:52431, 10.1.1.1:443", "10.0.0.1",
        PROXIES)).isEqualTo("203.0.113.7");
    assertThat(ForwardedFor.clientAddress(null, "[2001:db8::7]:8443", "10.0.0.1", PROXIES))
        .isEqualTo("2001:db8::7");
    assertThat(ForwardedFor.clientAddress(null, "::ffff:203.0.113.7", "10.0.0.1", PROXIES))
        .as("IPv4-mapped is written as IPv4").isEqualTo("203.0.113.7");
  }

  @Test
  void xForwardedForGarbageStopsTheWalk() {
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7, not-an-ip", "10.0.0.1", PROXIES))
        .isNull();
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7, unknown", "10.0.0.1", PROXIES))
        .isNull();
    // an unusable hop left of the client does not matter
    assertThat(ForwardedFor.clientAddress(null, "unknown, 203.0.113.7", "10.0.0.1", PROXIES))
        .isEqualTo("203.0.113.7");
    assertThat(ForwardedFor.clientAddress(null, "example.com", "10.0.0.1", PROXIES)).isNull();
  }

  @Test
  void rfc7239Examples() {
    assertThat(ForwardedFor.clientAddress("for=\"_gazonk\"", null, "10.0.0.1", PROXIES))
        .as("obfuscated").isNull();
    assertThat(ForwardedFor.clientAddress("For=\"[2001:db8:cafe::17]:4711\"", null, "10.0.0.1",
        PROXIES)).as("a trusted IPv6 proxy, alone: the leftmost").isEqualTo("2001:db8:cafe::17");
    assertThat(ForwardedFor.clientAddress("for=192.0.2.60;proto=http;by=203.0.113.43", null,
        "10.0.0.1", PROXIES)).isEqualTo("192.0.2.60");
    assertThat(ForwardedFor.clientAddress("for=192.0.2.43, for=198.51.100.17", null, "10.0.0.1",
        PROXIES)).isEqualTo("198.51.100.17");
    assertThat(ForwardedFor.clientAddress("for=192.0.2.43, for=10.7.7.7", null, "10.0.0.1",
        PROXIES)).isEqualTo("192.0.2.43");
    // section 7.4: X-Forwarded-For: 192.0.2.43, 2001:db8:cafe::17 becomes
    assertThat(ForwardedFor.clientAddress("for=192.0.2.43, for=\"[2001:db8:cafe::17]\"", null,
        "10.0.0.1", PROXIES)).isEqualTo("192.0.2.43");
    assertThat(ForwardedFor.clientAddress("for=192.0.2.43, for=\"[2001:db8:cafe::17]\", "
        + "for=unknown", null, "10.0.0.1", PROXIES)).as("unknown stops").isNull();
  }

  @Test
  void forwardedTakesPrecedenceOverXForwardedFor() {
    assertThat(ForwardedFor.clientAddress("for=192.0.2.60", "198.51.100.9", "10.0.0.1", PROXIES))
        .isEqualTo("192.0.2.60");
  }

  @Test
  void forwardedQuotingPortsAndParameters() {
    assertThat(ForwardedFor.clientAddress("for=\"192.0.2.60:8080\";by=\"[2001:db8::1]\"", null,
        "10.0.0.1", PROXIES)).isEqualTo("192.0.2.60");
    assertThat(ForwardedFor.clientAddress("for=\"[2001:db8::9]:_abc\"", null, "10.0.0.1",
        PROXIES)).as("obfuscated port").isEqualTo("2001:db8::9");
    assertThat(ForwardedFor.clientAddress("proto=https;for=192.0.2.60 ; host=example.com", null,
        "10.0.0.1", PROXIES)).isEqualTo("192.0.2.60");
    assertThat(ForwardedFor.clientAddress("for=\"192.0\\.2.60\"", null, "10.0.0.1", PROXIES))
        .as("quoted-pair").isEqualTo("192.0.2.60");
  }

  @Test
  void malformedForwardedGivesNothing() {
    for (String bad : new String[] {"for=\"192.0.2.60", "for", "for=1.2.3.4;for=5.6.7.8",
        "for=192.0.2.60 junk", "=192.0.2.60", "for=\"[2001:db8::1\"", "for=\"[2001:db8::1]:x\"",
        "for=192.0.2.60:123456", "proto=https", "for=192.0.2.60, proto=http"}) {
      assertThat(ForwardedFor.clientAddress(bad, "198.51.100.9", "10.0.0.1", PROXIES)).as(bad)
          .isNull();
    }
  }

  @Test
  void peerTrustedByIdentityRatherThanAddress() {
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7, 10.1.1.1", true, PROXIES,
        Limits.defaults())).isEqualTo("203.0.113.7");
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7", false, PROXIES,
        Limits.defaults())).isNull();
  }

  @Test
  void peerAddressFormsServersReport() {
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7", "[2001:db8:cafe::1]", PROXIES))
        .isEqualTo("203.0.113.7");
    assertThat(ForwardedFor.clientAddress(null, "203.0.113.7", "::ffff:10.0.0.1", PROXIES))
        .isEqualTo("203.0.113.7");
  }

  @Test
  void valuesAboveTheSizeLimitAreNotParsed() {
    String big = "203.0.113.7" + ", 10.1.1.1".repeat(2000);
    assertThat(big.length()).isGreaterThan(16 * 1024);
    assertThat(ForwardedFor.clientAddress(null, big, "10.0.0.1", PROXIES)).isNull();
    String medium = "203.0.113.7" + ", 10.1.1.1".repeat(30);
    assertThat(ForwardedFor.clientAddress(null, medium, "10.0.0.1", PROXIES))
        .isEqualTo("203.0.113.7");
    assertThat(ForwardedFor.clientAddress(null, medium, true, PROXIES, Limits.of(64, 32, 256)))
        .isNull();
  }
}
