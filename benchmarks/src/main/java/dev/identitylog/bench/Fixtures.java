package dev.identitylog.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identitylog.token.TokenInspector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The request every configuration and benchmark sees: the same HS256 bearer token, the same
 * {@code traceparent}, the same path. Keeping them in one place is what makes the figures
 * comparable.
 */
public final class Fixtures {
  public static final String PATH = "/orders/42";
  public static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  public static final String KEY_ID = "bench-hs256";
  /** A made-up key for this benchmark only; HS256 needs at least 256 bits. */
  private static final byte[] HMAC_KEY =
      "identity-log benchmark key, never used elsewhere".getBytes(StandardCharsets.US_ASCII);

  private Fixtures() {}

  /** A signed HS256 access token valid for the given time, with the claims an API token has. */
  public static String token(String subject, Duration validFor) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer("https://login.example.com/realms/main")
        .subject(subject)
        .audience(List.of("orders"))
        .claim("scope", "orders:read orders:write")
        .claim("client_id", "web")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(validFor)))
        .jwtID(subject + "-" + now.toEpochMilli())
        .build();
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEY_ID).build(), claims);
    try {
      jwt.sign(new MACSigner(HMAC_KEY));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** The token every load configuration sends, valid long enough for a full run. */
  public static String token() {
    return token("spiffe://example.org/ns/shop/sa/web", Duration.ofHours(4));
  }

  /** The key that verifies {@link #token}, as a service would configure it. */
  public static JWKSet verificationKeys() {
    return new JWKSet(new OctetSequenceKey.Builder(HMAC_KEY).keyID(KEY_ID).build());
  }

  /** A token inspector that checks the signature; caches as shipped unless told otherwise. */
  public static TokenInspector tokenInspector(int cacheSize) {
    return TokenInspector.builder().verificationKeys(verificationKeys()).cacheSize(cacheSize).build();
  }

  public static TokenInspector tokenInspector() {
    return TokenInspector.builder().verificationKeys(verificationKeys()).build();
  }
}
