package dev.identitylog.examples;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The demo's token issuer, generated at start: one ES256 signing key, published as a JWK set by
 * the {@link TokenService}. It mints the access tokens the demo's client presents (standing in for
 * a login the demo does not show) and the tokens the token service issues in an RFC 8693 exchange.
 */
final class DemoTokens {
  static final String ISSUER = "https://tokens.identitylog.test";

  /** The token type of RFC 9068 JWT access tokens. */
  private static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

  private final ECKey signingKey;
  private final ECDSASigner signer;
  /** Every token signed, so that a test can prove none of them reached the events file. */
  private final List<String> issued = new CopyOnWriteArrayList<>();

  private DemoTokens() throws JOSEException {
    signingKey = new ECKeyGenerator(Curve.P_256)
        .keyID("demo-" + UUID.randomUUID().toString().substring(0, 8))
        .generate();
    signer = new ECDSASigner(signingKey);
  }

  static DemoTokens create() {
    try {
      return new DemoTokens();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot create the demo signing key", e);
    }
  }

  /** The public half of the signing key, as the token service publishes it. */
  JWKSet publicKeys() {
    return new JWKSet(signingKey.toPublicJWK());
  }

  /**
   * An access token for a user.
   *
   * @param lifetime how long from now it stays valid; negative for a token that already expired
   * @param boundTo the RFC 8705 {@code x5t#S256} of the certificate it is bound to, or null
   */
  String accessToken(String subject, String audience, List<String> scopes, Duration lifetime,
      String boundTo) {
    Instant now = Instant.now();
    Instant expires = now.plus(lifetime);
    Instant issued = lifetime.isNegative() ? expires.minus(Duration.ofMinutes(15)) : now;
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject(subject)
        .audience(audience)
        .issueTime(Date.from(issued))
        .expirationTime(Date.from(expires))
        .jwtID(UUID.randomUUID().toString())
        .claim("client_id", "demo-mobile-app")
        .claim("scope", String.join(" ", scopes));
    if (boundTo != null) {
      claims.claim("cnf", Map.of("x5t#S256", boundTo));
    }
    return sign(claims.build());
  }

  /**
   * The token an RFC 8693 exchange issues: the subject's identity and scopes, for {@code audience},
   * with an {@code act} claim naming the actor (nesting the subject token's own actors), bound to
   * the certificate the actor used to call the token service (RFC 8705 section 3), so that only
   * the actor can present it.
   */
  String exchange(JWTClaimsSet subjectToken, String actor, String audience, String actorX5tS256) {
    Instant now = Instant.now();
    Map<String, Object> act = new LinkedHashMap<>();
    act.put("sub", actor);
    Object previous = subjectToken.getClaim("act");
    if (previous instanceof Map) {
      act.put("act", previous);
    }
    Object scope = subjectToken.getClaim("scope");
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject(subjectToken.getSubject())
        .audience(audience)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
        .jwtID(UUID.randomUUID().toString())
        .claim("client_id", actor)
        .claim("act", act)
        .claim("cnf", Map.of("x5t#S256", actorX5tS256));
    if (scope != null) {
      claims.claim("scope", scope);
    }
    return sign(claims.build());
  }

  private String sign(JWTClaimsSet claims) {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
        .keyID(signingKey.getKeyID())
        .type(ACCESS_TOKEN_TYPE)
        .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    String token = jwt.serialize();
    issued.add(token);
    return token;
  }

  /** Every token this issuer has signed so far. */
  List<String> issued() {
    return List.copyOf(issued);
  }
}
