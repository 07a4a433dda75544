package dev.identitylog.cert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "spiffe://example.org",
        "spiffe://example.org/ns/a/sa/b",
        "spiffe://trust-domain_1.example/Workload.A-b_c",
        "spiffe://1.2.3.4/x",
        "spiffe://td/...",
        "spiffe://td/.a/a./..b"
      })
  void acceptsValidIds(String id) {
    assertThat(SpiffeId.isValid(id)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "spiffe://",
        "spiffe:///path",
        "SPIFFE://example.org/a",
        "Spiffe://example.org/a",
        "https://example.org/a",
        "spiffe:/example.org/a",
        "spiffe://Example.org/a",
        "spiffe://example.org:8443/a",
        "spiffe://user@example.org/a",
        "spiffe://example.org/",
        "spiffe://example.org/a/",
        "spiffe://example.org//a",
        "spiffe://example.org/./a",
        "spiffe://example.org/a/..",
        "spiffe://example.org/a?x=1",
        "spiffe://example.org/a#frag",
        "spiffe://example.org/a%20b",
        "spiffe://example.org/a b",
        "spiffe://exa mple.org/a",
        "spiffe://example.org/ünï",
        "spiffe://[::1]/a"
      })
  void rejectsInvalidIds(String id) {
    assertThat(SpiffeId.isValid(id)).isFalse();
  }

  @Test
  void rejectsNull() {
    assertThat(SpiffeId.isValid(null)).isFalse();
  }

  @Test
  void allowsAtMost2048Bytes() {
    String prefix = "spiffe://example.org/";
    String longest = prefix + "a".repeat(2048 - prefix.length());
    assertThat(longest).hasSize(2048);
    assertThat(SpiffeId.isValid(longest)).isTrue();
    assertThat(SpiffeId.isValid(longest + "a")).isFalse();
  }

  @Test
  void picksTheSingleSpiffeUri() {
    assertThat(
            SpiffeId.fromAlternativeNames(
                List.of("https://example.org/x", "spiffe://example.org/w", "urn:x:y")))
        .isEqualTo("spiffe://example.org/w");
  }

  @Test
  void noneWhenTwoSpiffeUris() {
    assertThat(
            SpiffeId.fromAlternativeNames(
                List.of("spiffe://example.org/a", "spiffe://example.org/b")))
        .isNull();
  }

  @Test
  void anInvalidSecondSpiffeUriStillMakesTwo() {
    // An uppercase scheme is still an attempt at a second SPIFFE ID, not some other URI.
    assertThat(
            SpiffeId.fromAlternativeNames(
                List.of("spiffe://example.org/a", "SPIFFE://example.org/b")))
        .isNull();
  }

  @Test
  void noneWhenTheOnlySpiffeUriIsInvalid() {
    assertThat(SpiffeId.fromAlternativeNames(List.of("spiffe://example.org/a/"))).isNull();
  }

  @Test
  void noneForNoUris() {
    assertThat(SpiffeId.fromAlternativeNames(null)).isNull();
    assertThat(SpiffeId.fromAlternativeNames(List.of())).isNull();
    assertThat(SpiffeId.fromAlternativeNames(Arrays.asList((String) null))).isNull();
  }
}
