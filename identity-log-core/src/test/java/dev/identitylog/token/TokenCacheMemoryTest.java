package dev.identitylog.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.TokenType;
import dev.identitylog.testing.RetainedHeap;
import dev.identitylog.testing.TestTokens;
import org.junit.jupiter.api.Test;

/**
 * Clients choose their tokens: ten thousand distinct 7.8 KB tokens must not hold more than the
 * cache's byte budget. Measured as heap in use after GC, with the inspector still reachable and
 * nothing else holding the tokens.
 */
class TokenCacheMemoryTest {
  private static final int TOKENS = 10_000;

  @Test
  void distinctLargeTokensStayWithinTheByteBudget() {
    String template = TestTokens.rs256().claim("pad", "p".repeat(5_460)).sign();
    assertThat(template.length()).isBetween(7_700, 8_000);
    long before = RetainedHeap.used();
    TokenInspector inspector = TokenInspector.builder().build();
    for (int i = 0; i < TOKENS; i++) {
      TokenFacts facts = inspector.inspect(variant(template, i));
      assertThat(facts.type()).isNotEqualTo(TokenType.MALFORMED);
    }
    long retained = RetainedHeap.used() - before;
    int size = inspector.cache().size();
    System.out.printf(
        "token cache: %d entries, weighed %d bytes, retained %d bytes (%d per entry, token %d)%n",
        size, inspector.cache().weightedSize(), retained, retained / Math.max(1, size),
        template.length());
    assertThat(inspector.cache().weightedSize())
        .isLessThanOrEqualTo(TokenInspector.DEFAULT_CACHE_BYTES);
    assertThat(size).isGreaterThan(0).isLessThan(TOKENS);
    // What the heap says, within 1 MiB (what else the JVM allocates meanwhile).
    assertThat(retained).isLessThanOrEqualTo(TokenInspector.DEFAULT_CACHE_BYTES + (1 << 20));
    assertThat(inspector.cache().size()).isPositive(); // keeps the inspector reachable
  }

  /**
   * The table of recent headers in front of the cache keeps whole headers: clients that each send
   * a different large one must not make it hold more than its share of the same budget.
   */
  @Test
  void distinctLargeHeadersStayWithinTheByteBudgetTogetherWithTheCache() {
    String template = TestTokens.rs256().claim("pad", "p".repeat(5_460)).sign();
    long budget = 16 << 20; // a slot's share (16 KiB) holds one such header and its facts
    TokenInspector inspector = TokenInspector.builder().cacheBytes(budget).build();
    for (int i = 0; i < 2_500; i++) { // more than the budget holds
      String header = "Bearer " + variant(template, i);
      TokenFacts facts = inspector.inspect(header, 7, header.length());
      assertThat(facts.type()).isNotEqualTo(TokenType.MALFORMED);
    }
    assertThat(inspector.cache().weightedSize() + inspector.recent().weightedSize())
        .isLessThanOrEqualTo(budget);
    assertThat(inspector.recent().weightedSize()).isPositive(); // such headers are still kept
  }

  @Test
  void malformedAndOversizedTokensAreNotKept() {
    TokenInspector inspector = TokenInspector.builder().build();
    for (int i = 0; i < 1_000; i++) {
      inspector.inspect("not-a-jwt." + i + ".x" + "A".repeat(100));
      inspector.inspect("e".repeat(TokenInspector.MAX_CACHED_LENGTH + 1) + i);
    }
    assertThat(inspector.cache().size()).isZero();
    assertThat(inspector.cache().weightedSize()).isZero();
  }

  // Distinct raw values that still parse: the signature is not checked without keys.
  private static String variant(String token, int n) {
    char[] chars = token.toCharArray();
    String digits = String.format("%05d", n);
    int at = token.lastIndexOf('.') + 10;
    for (int i = 0; i < digits.length(); i++) {
      chars[at + i] = (char) ('A' + (digits.charAt(i) - '0'));
    }
    return new String(chars);
  }
}
