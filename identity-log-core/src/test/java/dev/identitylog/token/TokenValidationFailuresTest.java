package dev.identitylog.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.RemoteKeySourceException;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.TestTokens;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Real Nimbus processors and verifiers, producing their real exceptions. */
class TokenValidationFailuresTest {
  private static final String AUDIENCE = "orders-api";

  private static DefaultJWTProcessor<SecurityContext> processor() {
    return processor(new ImmutableJWKSet<>(TestTokens.jwkSet()));
  }

  private static DefaultJWTProcessor<SecurityContext> processor(JWKSource<SecurityContext> keys) {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    p.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            AUDIENCE,
            new JWTClaimsSet.Builder().issuer(TestTokens.DEFAULT_ISSUER).build(),
            Set.of("sub", "exp")));
    return p;
  }

  private static Reason failureOf(String token) {
    return failureOf(processor(), token);
  }

  private static Reason failureOf(DefaultJWTProcessor<SecurityContext> p, String token) {
    Throwable t = catchThrowable(() -> p.process(token, null));
    assertThat(t).as("the processor must reject this token").isNotNull();
    return TokenValidationFailures.reason(t);
  }

  @Test
  void aValidTokenPassesTheSameProcessor() throws Exception {
    assertThat(processor().process(TestTokens.rs256().audience(AUDIENCE).sign(), null).getSubject())
        .isEqualTo(TestTokens.DEFAULT_SUBJECT);
  }

  @Test
  void expired() {
    assertThat(failureOf(TestTokens.rs256().audience(AUDIENCE).expiredAgo(Duration.ofHours(1)).sign()))
        .isEqualTo(Reason.TOKEN_EXPIRED);
  }

  @Test
  void notYetValid() {
    assertThat(failureOf(TestTokens.rs256().audience(AUDIENCE).notBeforeIn(Duration.ofHours(1)).sign()))
        .isEqualTo(Reason.TOKEN_NOT_YET_VALID);
  }

  @Test
  void wrongAudienceIsAnAudienceMismatchNotAnInvalidToken() {
    assertThat(failureOf(TestTokens.rs256().audience("billing-api").sign()))
        .isEqualTo(Reason.AUDIENCE_MISMATCH);
  }

  @Test
  void missingAudience() {
    assertThat(failureOf(TestTokens.rs256().sign())).isEqualTo(Reason.AUDIENCE_MISMATCH);
  }

  @Test
  void wrongIssuer() {
    assertThat(failureOf(TestTokens.rs256().audience(AUDIENCE).issuer("https://evil.test").sign()))
        .isEqualTo(Reason.ISSUER_UNTRUSTED);
  }

  @Test
  void badSignature() {
    assertThat(failureOf(TestTokens.rs256().audience(AUDIENCE).otherKeySign()))
        .isEqualTo(Reason.TOKEN_INVALID);
  }

  @Test
  void unknownKeyOrAlgorithm() {
    assertThat(failureOf(TestTokens.es256().audience(AUDIENCE).sign())).isEqualTo(Reason.TOKEN_INVALID);
  }

  @Test
  void malformed() {
    assertThat(failureOf("not-a-jwt")).isEqualTo(Reason.CREDENTIAL_MALFORMED);
    assertThat(failureOf("eyJhbGciOiJSUzI1NiJ9.%%%.abc")).isEqualTo(Reason.CREDENTIAL_MALFORMED);
  }

  @Test
  void keysThatCannotBeFetchedAreADependencyFailure() {
    JWKSource<SecurityContext> down =
        (selector, context) -> {
          throw new RemoteKeySourceException("Couldn't retrieve remote JWK set: connect timed out", null);
        };
    assertThat(failureOf(processor(down), TestTokens.rs256().audience(AUDIENCE).sign()))
        .isEqualTo(Reason.AUTHN_DEPENDENCY_UNAVAILABLE);
    assertThat(TokenValidationFailures.reason(new KeySourceException("x")))
        .isEqualTo(Reason.AUTHN_DEPENDENCY_UNAVAILABLE);
  }

  @Test
  void springSecuritysOwnValidatorMessagesAreRead() {
    // What Spring Security's JwtTimestampValidator and JwtClaimValidator put in the
    // JwtValidationException that a resource server throws (no Nimbus exception underneath).
    assertThat(TokenValidationFailures.reason(new IllegalStateException(
            "An error occurred while attempting to decode the Jwt: Jwt expired at 2026-12-06T09:00:00Z")))
        .isEqualTo(Reason.TOKEN_EXPIRED);
    assertThat(TokenValidationFailures.reason(new IllegalStateException(
            "Jwt used before 2026-12-06T09:00:00Z")))
        .isEqualTo(Reason.TOKEN_NOT_YET_VALID);
    assertThat(TokenValidationFailures.reason(new IllegalStateException(
            "The aud claim is not valid")))
        .isEqualTo(Reason.AUDIENCE_MISMATCH);
    assertThat(TokenValidationFailures.reason(new IllegalStateException(
            "The iss claim is not valid")))
        .isEqualTo(Reason.ISSUER_UNTRUSTED);
  }

  @Test
  void aFrameworkWrapperIsSeenThrough() {
    Throwable nimbus = catchThrowable(
        () -> processor().process(TestTokens.rs256().audience("billing-api").sign(), null));
    RuntimeException wrapped =
        new IllegalStateException("An error occurred while attempting to decode the Jwt", nimbus);
    assertThat(TokenValidationFailures.reason(wrapped)).isEqualTo(Reason.AUDIENCE_MISMATCH);
  }

  @Test
  void messagesOfEarlierNimbusVersions() {
    assertThat(TokenValidationFailures.reason(new BadJWTException("JWT audience rejected: [x]")))
        .isEqualTo(Reason.AUDIENCE_MISMATCH);
    assertThat(TokenValidationFailures.reasonOfMessage("JWT iss claim has value https://a, must be https://b"))
        .isEqualTo(Reason.ISSUER_UNTRUSTED);
    assertThat(TokenValidationFailures.reasonOfMessage("JWT missing required audience"))
        .isEqualTo(Reason.AUDIENCE_MISMATCH);
    assertThat(TokenValidationFailures.reasonOfMessage("something else")).isNull();
  }

  @Test
  void unknownFailuresAreInvalidTokens() {
    assertThat(TokenValidationFailures.reason(new RuntimeException("boom"))).isEqualTo(Reason.TOKEN_INVALID);
    assertThat(TokenValidationFailures.reason(null)).isNull();
  }

  @Test
  void wwwAuthenticateChallenges() {
    assertThat(TokenValidationFailures.reasonOfChallenge("Bearer realm=\"api\"")).isEqualTo(Reason.CREDENTIAL_MISSING);
    assertThat(TokenValidationFailures.reasonOfChallenge("Bearer")).isEqualTo(Reason.CREDENTIAL_MISSING);
    assertThat(TokenValidationFailures.reasonOfChallenge(
            "Bearer error=\"invalid_token\", error_description=\"Jwt expired at 2026-12-06T10:00:00Z\""))
        .isEqualTo(Reason.TOKEN_EXPIRED);
    assertThat(TokenValidationFailures.reasonOfChallenge(
            "Bearer error=\"invalid_token\", error_description=\"The aud claim is not valid\""))
        .isEqualTo(Reason.AUDIENCE_MISMATCH);
    assertThat(TokenValidationFailures.reasonOfChallenge(
            "Bearer error=\"invalid_token\", error_description=\"The iss claim is not valid\""))
        .isEqualTo(Reason.ISSUER_UNTRUSTED);
    assertThat(TokenValidationFailures.reasonOfChallenge("Bearer error=invalid_token"))
        .isEqualTo(Reason.TOKEN_INVALID);
    assertThat(TokenValidationFailures.reasonOfChallenge("Bearer error=\"invalid_request\""))
        .isEqualTo(Reason.CREDENTIAL_MALFORMED);
    assertThat(TokenValidationFailures.reasonOfChallenge(
            "Bearer error=\"insufficient_scope\", scope=\"orders:write\""))
        .isEqualTo(Reason.INSUFFICIENT_SCOPE);
    assertThat(TokenValidationFailures.reasonOfChallenge("Bearer error_description=\"x\", error=\"invalid_request\""))
        .isEqualTo(Reason.CREDENTIAL_MALFORMED);
    assertThat(TokenValidationFailures.reasonOfChallenge(null)).isNull();
    assertThat(TokenValidationFailures.reasonOfError("temporarily_unavailable")).isNull();
  }
}
