package dev.identitylog.spring.boot;

import dev.identitylog.outcome.Reason;
import dev.identitylog.token.TokenValidationFailures;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.util.ClassUtils;

/**
 * Resource-server failures: {@code InvalidBearerTokenException} and the other {@link
 * OAuth2AuthenticationException}s, whose cause is Spring's {@link JwtValidationException} (the
 * claim validators: expiry, not-before, issuer, audience) or Nimbus's own exception (signature,
 * keys, parsing). Loaded only when {@code spring-security-oauth2-core} is present.
 */
final class OAuth2Failures {
  private static final boolean JOSE_PRESENT =
      ClassUtils.isPresent(
          "org.springframework.security.oauth2.jwt.JwtValidationException",
          OAuth2Failures.class.getClassLoader());

  private static final int MAX_CAUSE_DEPTH = 8;

  private OAuth2Failures() {}

  static boolean isOAuth2(Exception failure) {
    return failure instanceof OAuth2AuthenticationException;
  }

  static Reason reason(Exception failure) {
    OAuth2AuthenticationException e = (OAuth2AuthenticationException) failure;
    Throwable t = e;
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++) {
      if (JOSE_PRESENT && t instanceof JwtValidationException) {
        // Every failed validator is listed; the first one that says what failed wins.
        for (OAuth2Error error : ((JwtValidationException) t).getErrors()) {
          Reason r = TokenValidationFailures.reasonOfDescription(error.getDescription());
          if (r != null) {
            return r;
          }
        }
      }
      Reason r = TokenValidationFailures.reasonOfDescription(t.getMessage());
      if (r != null) {
        return r;
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    if (e.getCause() != null) {
      // Nimbus's exception (a bad signature, an unknown key) or the introspector's.
      return TokenValidationFailures.reason(e.getCause());
    }
    OAuth2Error error = e.getError();
    Reason r = error == null ? null : TokenValidationFailures.reasonOfError(error.getErrorCode());
    if (r == Reason.INSUFFICIENT_SCOPE || r == null) {
      // Not an authentication reason: the token itself was refused.
      return Reason.TOKEN_INVALID;
    }
    return r;
  }
}
