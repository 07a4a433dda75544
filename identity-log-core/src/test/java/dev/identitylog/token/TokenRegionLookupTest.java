package dev.identitylog.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.TokenType;
import dev.identitylog.testing.TestTokens;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** A token looked up where it stands in its header, as the server side does on every request. */
class TokenRegionLookupTest {
  private final TokenInspector inspector =
      TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).build();

  @Test
  void theRegionGivesTheFactsOfTheTokenCutOut() {
    String jwt = TestTokens.rs256().subject("user-42").sign();
    String header = "Bearer  " + jwt + " ";
    long region = Credentials.bearerTokenRegion(header);

    TokenFacts facts = inspector.inspect(header, (int) (region >>> 32), (int) region);

    assertThat(header.substring((int) (region >>> 32), (int) region)).isEqualTo(jwt);
    assertThat(facts.type()).isEqualTo(TokenType.JWT);
    assertThat(facts.subject()).isEqualTo("user-42");
    assertThat(facts.verified()).isTrue();
    assertThat(facts).isSameAs(inspector.inspect(jwt)); // one cache behind both
    assertThat(inspector.inspect(header, (int) (region >>> 32), (int) region)).isSameAs(facts);
  }

  @Test
  void headersThatAreNotOneBearerTokenHaveNoRegion() {
    assertThat(Credentials.bearerTokenRegion(null)).isEqualTo(-1);
    assertThat(Credentials.bearerTokenRegion("Basic dXNlcjpwYXNz")).isEqualTo(-1);
    assertThat(Credentials.bearerTokenRegion("Bearer")).isEqualTo(-1);
    assertThat(Credentials.bearerTokenRegion("Bearer a b")).isEqualTo(-1);
    assertThat(Credentials.bearerTokenRegion("dpop abc")).isEqualTo((5L << 32) | 8);
  }

  @Test
  void aDifferentTokenInTheSameSlotIsNeverTakenForTheOther() {
    // Two tokens of equal length that end alike land in the same slot of the recent table.
    String a = "Bearer " + "a".repeat(40) + "xyzxyz";
    String b = "Bearer " + "b".repeat(40) + "xyzxyz";
    long region = Credentials.bearerTokenRegion(a);
    int start = (int) (region >>> 32);
    int end = (int) region;

    TokenFacts fa = inspector.inspect(a, start, end);
    TokenFacts fb = inspector.inspect(b, start, end);

    assertThat(fa.hash()).isEqualTo(inspector.inspect(a.substring(start, end)).hash());
    assertThat(fb.hash()).isEqualTo(inspector.inspect(b.substring(start, end)).hash());
    assertThat(fa.hash()).isNotEqualTo(fb.hash());
    assertThat(inspector.inspect(a, start, end).hash()).isEqualTo(fa.hash());
  }

  @Test
  void aWarmTokenIsFoundWithoutCopyingIt() {
    // The header is a new String on every request; so was the token cut out of it, which copied
    // its characters and hashed them all again for the cache's key.
    String jwt = TestTokens.rs256().subject("user-42").sign();
    String header = "Bearer " + jwt;
    long region = Credentials.bearerTokenRegion(header);
    int start = (int) (region >>> 32);
    int end = (int) region;
    for (int i = 0; i < 20_000; i++) { // warm, and let the JIT settle
      inspector.inspect(new String(header), start, end);
    }
    String[] requests = new String[1000];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = new String(header);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (String h : requests) {
      inspector.inspect(h, start, end);
    }
    long perLookup = (threads.getThreadAllocatedBytes(id) - before) / requests.length;

    assertThat(jwt.length()).isGreaterThan(300);
    assertThat(perLookup).as("bytes allocated per warm look-up").isLessThan(64);
  }
}
