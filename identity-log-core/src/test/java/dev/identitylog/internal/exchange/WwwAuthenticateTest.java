package dev.identitylog.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WwwAuthenticateTest {
  @Test
  void readsTheErrorOfRfc6750Examples() {
    // RFC 6750 section 3 examples
    assertThat(WwwAuthenticate.error("Bearer realm=\"example\"")).isNull();
    assertThat(
            WwwAuthenticate.error(
                "Bearer realm=\"example\", error=\"invalid_token\", "
                    + "error_description=\"The access token expired\""))
        .isEqualTo("invalid_token");
    assertThat(WwwAuthenticate.error("Bearer error=\"insufficient_scope\", scope=\"orders:write\""))
        .isEqualTo("insufficient_scope");
  }

  @Test
  void isNotFooledByErrorDescriptionOrCase() {
    assertThat(WwwAuthenticate.error("Bearer error_description=\"x\", ERROR=invalid_request"))
        .isEqualTo("invalid_request");
    assertThat(WwwAuthenticate.error("Bearer error_uri=\"https://e\"")).isNull();
    assertThat(WwwAuthenticate.error("Bearer error=")).isNull();
    assertThat(WwwAuthenticate.error("Bearer error=\"unterminated")).isEqualTo("unterminated");
    assertThat(WwwAuthenticate.error(null)).isNull();
  }
}
