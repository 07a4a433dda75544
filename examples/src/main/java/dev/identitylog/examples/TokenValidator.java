package dev.identitylog.examples;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identitylog.outcome.Reason;
import java.io.IOException;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * What the gateway, the backend and the token service do with a bearer token, with nimbus: check
 * the ES256 signature against the issuer's published keys, then the issuer, the validity window
 * and the audience; optionally the RFC 8705 certificate binding. Each way to fail is one of the
 * standard's reason codes, which the caller records with {@code RequestIdentity.authnFailed}.
 */
final class TokenValidator {
  private final String issuer;
  private final JWKSet keys;

  TokenValidator(String issuer, JWKSet keys) {
    this.issuer = issuer;
    this.keys = keys;
  }

  /**
   * A validator for the demo issuer's tokens, with the keys the token service publishes, fetched
   * once at start (a real service would refresh them; nimbus's {@code JWKSourceBuilder} does).
   */
  static TokenValidator load(OkHttpClient client, String tokenServiceUrl) throws IOException {
    Request request = new Request.Builder().url(tokenServiceUrl + "/.well-known/jwks.json").build();
    try (Response response = client.newCall(request).execute()) {
      if (response.code() != 200) {
        throw new IOException("the token service answered " + response.code() + " for its keys");
      }
      return new TokenValidator(DemoTokens.ISSUER, JWKSet.parse(response.body().string()));
    } catch (ParseException e) {
      throw new IOException("the token service published no JWK set", e);
    }
  }

  /** The issuer's public keys. */
  JWKSet keys() {
    return keys;
  }

  /** The raw token of a {@code Bearer} Authorization header, or null when there is none. */
  static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  /** Checks a raw token for {@code audience}; never throws. */
  Result validate(String rawToken, String audience) {
    if (rawToken == null) {
      return Result.failed(Reason.CREDENTIAL_MISSING, "no bearer token");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(rawToken);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return Result.failed(Reason.CREDENTIAL_MALFORMED, "not a signed JWT");
    }
    if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
      return Result.failed(Reason.TOKEN_INVALID, "unexpected algorithm");
    }
    JWK key = jwt.getHeader().getKeyID() == null ? null : keys.getKeyByKeyId(jwt.getHeader().getKeyID());
    if (!(key instanceof ECKey)) {
      return Result.failed(Reason.TOKEN_INVALID, "unknown signing key");
    }
    try {
      if (!jwt.verify(new ECDSAVerifier((ECKey) key))) {
        return Result.failed(Reason.TOKEN_INVALID, "bad signature");
      }
    } catch (JOSEException e) {
      return Result.failed(Reason.TOKEN_INVALID, "signature not checkable");
    }
    if (!issuer.equals(claims.getIssuer())) {
      return Result.failed(Reason.ISSUER_UNTRUSTED, "untrusted issuer");
    }
    Instant now = Instant.now();
    Date exp = claims.getExpirationTime();
    if (exp == null || !now.isBefore(exp.toInstant())) {
      return Result.failed(Reason.TOKEN_EXPIRED, "token expired");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant())) {
      return Result.failed(Reason.TOKEN_NOT_YET_VALID, "token not yet valid");
    }
    List<String> aud = claims.getAudience();
    if (aud == null || !aud.contains(audience)) {
      return Result.failed(Reason.AUDIENCE_MISMATCH, "token not meant for " + audience);
    }
    return new Result(claims, null, null);
  }

  /**
   * The RFC 8705 check: a token with {@code cnf.x5t#S256} is only good when presented with that
   * certificate. {@code certificateSha256} is the SHA-256 of the client certificate's DER, or null
   * when there is none. Returns null when the token is unbound or the binding holds.
   */
  static Reason bindingProblem(JWTClaimsSet claims, byte[] certificateSha256) {
    Object cnf = claims.getClaim("cnf");
    if (!(cnf instanceof Map)) {
      return null;
    }
    Object thumbprint = ((Map<?, ?>) cnf).get("x5t#S256");
    if (!(thumbprint instanceof String)) {
      return null;
    }
    if (certificateSha256 == null) {
      return Reason.BINDING_MISMATCH;
    }
    byte[] expected;
    try {
      expected = Base64.getUrlDecoder().decode((String) thumbprint);
    } catch (IllegalArgumentException e) {
      return Reason.BINDING_MISMATCH;
    }
    return MessageDigest.isEqual(expected, certificateSha256) ? null : Reason.BINDING_MISMATCH;
  }

  /** The scopes of a token ({@code scope}, space-separated). */
  static List<String> scopes(JWTClaimsSet claims) {
    Object scope = claims.getClaim("scope");
    return scope instanceof String ? List.of(((String) scope).trim().split("\\s+")) : List.of();
  }

  /** The outcome of a check: the claims, or the reason and a short description. */
  static final class Result {
    final JWTClaimsSet claims;
    final Reason failure;
    final String description;

    private Result(JWTClaimsSet claims, Reason failure, String description) {
      this.claims = claims;
      this.failure = failure;
      this.description = description;
    }

    static Result failed(Reason reason, String description) {
      return new Result(null, reason, description);
    }

    boolean ok() {
      return failure == null;
    }

    /**
     * The RFC 6750 challenge for this failure: {@code invalid_token} when a token was presented,
     * a bare challenge when none was.
     */
    String challenge() {
      if (failure == Reason.CREDENTIAL_MISSING) {
        return "Bearer realm=\"identity-log demo\"";
      }
      String error = failure == Reason.CREDENTIAL_MALFORMED ? "invalid_request" : "invalid_token";
      return "Bearer realm=\"identity-log demo\", error=\"" + error + "\", error_description=\""
          + description + "\"";
    }
  }
}
