package dev.identitylog.token;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Bearer abc.def.ghi|abc.def.ghi",
        "bearer abc|abc",
        "BEARER abc|abc",
        "Bearer      abc|abc",
        "'   Bearer abc   '|abc",
        "'Bearer\tabc'|abc",
        "DPoP abc|abc",
        "dpop abc|abc",
        "Bearer mF_9.B5f-4.1JqM|mF_9.B5f-4.1JqM",
        "Bearer dGVzdA==|dGVzdA==",
        // Returned as sent: the inspector reports a bad token as malformed.
        "Bearer tok\"en|tok\"en"
      })
  void bearerAndDpopTokens(String header, String token) {
    assertThat(Credentials.bearerToken(header)).isEqualTo(token);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "Bearer",
        "Bearer ",
        "Bearer     ",
        "Bearerabc",
        "Bearer: abc",
        "Basic dXNlcjpwYXNz",
        "Digest username=\"x\"",
        "Bearer abc def",
        "Bearer realm=\"api\", error=\"invalid_token\"",
        "abc",
        "   ",
        "Bear abc",
        "XBearer abc",
        "DPoPx abc"
      })
  void noBearerToken(String header) {
    assertThat(Credentials.bearerToken(header)).isNull();
  }

  @Test
  void bearerTokenIsSafeForHugeHeaders() {
    String token = "a".repeat(200_000);
    assertThat(Credentials.bearerToken("Bearer " + token)).isEqualTo(token);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Bearer abc|Bearer",
        "bearer abc|bearer",
        "Basic dXNlcjpwYXNz|Basic",
        "'  Digest username=\"x\"'|Digest",
        "DPoP abc|DPoP",
        "AWS4-HMAC-SHA256 Credential=x|AWS4-HMAC-SHA256",
        "Bearer|Bearer",
        "negotiate|negotiate",
        "'Bearer   '|Bearer"
      })
  void schemes(String header, String scheme) {
    assertThat(Credentials.scheme(header)).isEqualTo(scheme);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "   ",
        // A lone unknown word is probably a credential without a scheme: never echo it.
        "s3cr3t-api-key-value",
        "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
        "Bad(scheme) abc",
        "Schème abc",
        "ThisSchemeNameIsMuchTooLongToBeRealOne abc"
      })
  void noScheme(String header) {
    assertThat(Credentials.scheme(header)).isNull();
  }
}
