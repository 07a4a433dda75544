package dev.identitylog.spring.boot;

import dev.identitylog.outcome.Reason;
import dev.identitylog.token.TokenValidationFailures;
import java.security.cert.X509Certificate;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.CredentialsExpiredException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.Authentication;
import org.springframework.util.ClassUtils;

/**
 * The reason of a failed Spring Security authentication, read from the exception and from what was
 * presented. Resource-server exceptions are only looked at when Spring Security's OAuth 2.0 support
 * is on the class path.
 */
final class AuthenticationFailures {
  private static final boolean OAUTH2_PRESENT =
      ClassUtils.isPresent(
          "org.springframework.security.oauth2.core.OAuth2AuthenticationException",
          AuthenticationFailures.class.getClassLoader());

  private AuthenticationFailures() {}

  static Reason reason(Authentication presented, Exception failure) {
    if (presented != null && presented.getCredentials() instanceof X509Certificate) {
      // x509(): the container accepted the handshake, the application did not accept the
      // certificate's subject (unknown user, disabled account).
      if (failure instanceof AuthenticationServiceException) {
        return Reason.AUTHN_DEPENDENCY_UNAVAILABLE;
      }
      if (failure instanceof CredentialsExpiredException) {
        return Reason.CERT_EXPIRED;
      }
      return Reason.CERT_UNTRUSTED;
    }
    if (failure instanceof AuthenticationCredentialsNotFoundException
        || failure instanceof InsufficientAuthenticationException) {
      return Reason.CREDENTIAL_MISSING;
    }
    if (OAUTH2_PRESENT && OAuth2Failures.isOAuth2(failure)) {
      return OAuth2Failures.reason(failure);
    }
    if (failure instanceof AuthenticationServiceException) {
      // The authentication could not be decided: user store, introspection or JWK set endpoint down.
      return Reason.AUTHN_DEPENDENCY_UNAVAILABLE;
    }
    if (failure instanceof CredentialsExpiredException) {
      return Reason.TOKEN_EXPIRED;
    }
    if (failure instanceof BadCredentialsException && failure.getCause() != null) {
      return TokenValidationFailures.reason(failure.getCause());
    }
    // Wrong password, unknown user, locked or disabled account: the credential was refused.
    return Reason.TOKEN_INVALID;
  }
}
