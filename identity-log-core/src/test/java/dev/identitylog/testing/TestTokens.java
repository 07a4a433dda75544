package dev.identitylog.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mints real signed JWTs for tests, fluently:
 *
 * <pre>{@code
 * String jwt = TestTokens.rs256().issuer("https://issuer.test").subject("alice")
 *     .audience("orders").scope("read write").expiresIn(Duration.ofMinutes(5)).sign();
 * TokenInspector inspector =
 *     TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).build();
 * }</pre>
 *
 * <p>The RS256 (2048-bit) and ES256 (P-256) keys are generated once per JVM and shared by every
 * test; {@link #jwkSet()} holds their public halves. {@link #otherKeySign()} signs with a second,
 * unpublished key under the same {@code kid}, for "wrong key" cases.
 *
 * <p>Defaults: issuer {@value #DEFAULT_ISSUER}, subject {@value #DEFAULT_SUBJECT}, {@code iat} now
 * and {@code exp} in five minutes, header {@code typ} JWT and the key's {@code kid}. Every setter
 * overrides, and {@code null} removes the claim. The payload is written exactly as set: {@link
 * #audience(String)} writes a JSON string, {@link #audiences(String...)} always an array. Instances
 * are not thread-safe; make one per token.
 */
public final class TestTokens {
  public static final String DEFAULT_ISSUER = "https://issuer.test";
  public static final String DEFAULT_SUBJECT = "alice";
  public static final String RS256_KID = "test-rs256";
  public static final String ES256_KID = "test-es256";

  private final JWSAlgorithm alg;
  private final Map<String, Object> claims = new LinkedHashMap<>();
  private String kid;

  private TestTokens(JWSAlgorithm alg, String kid) {
    this.alg = alg;
    this.kid = kid;
    Instant now = Instant.now();
    claims.put("iss", DEFAULT_ISSUER);
    claims.put("sub", DEFAULT_SUBJECT);
    claims.put("iat", now.getEpochSecond());
    claims.put("exp", now.plus(Duration.ofMinutes(5)).getEpochSecond());
  }

  /** A token signed with the shared RSA key (RS256). */
  public static TestTokens rs256() {
    return new TestTokens(JWSAlgorithm.RS256, RS256_KID);
  }

  /** A token signed with the shared P-256 key (ES256). */
  public static TestTokens es256() {
    return new TestTokens(JWSAlgorithm.ES256, ES256_KID);
  }

  /** The public keys that verify {@link #sign()}: one RSA and one EC key. */
  public static JWKSet jwkSet() {
    return new JWKSet(List.of(Keys.RSA.toPublicJWK(), Keys.EC.toPublicJWK()));
  }

  /** The public keys of {@link #otherKeySign()}, which {@link #jwkSet()} does not contain. */
  public static JWKSet otherJwkSet() {
    return new JWKSet(List.of(OtherKeys.RSA.toPublicJWK(), OtherKeys.EC.toPublicJWK()));
  }

  /** RFC 8705 {@code x5t#S256} of a certificate: base64url (no padding) of SHA-256 over its DER. */
  public static String x5tS256(X509Certificate certificate) {
    try {
      return x5tS256(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** RFC 8705 {@code x5t#S256} of certificate DER bytes. */
  public static String x5tS256(byte[] der) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public TestTokens issuer(String issuer) {
    return claim("iss", issuer);
  }

  public TestTokens subject(String subject) {
    return claim("sub", subject);
  }

  /** {@code aud} as a single JSON string. */
  public TestTokens audience(String audience) {
    return claim("aud", audience);
  }

  /** {@code aud} as a JSON array, even with one element. */
  public TestTokens audiences(String... audiences) {
    return claim("aud", Arrays.asList(audiences));
  }

  /** {@code scope}, a space-separated string (RFC 8693 / RFC 9068). */
  public TestTokens scope(String scope) {
    return claim("scope", scope);
  }

  /** {@code scp} as a JSON array. */
  public TestTokens scp(String... scopes) {
    return claim("scp", Arrays.asList(scopes));
  }

  /** {@code exp} this long from now. */
  public TestTokens expiresIn(Duration duration) {
    return claim("exp", Instant.now().plus(duration).getEpochSecond());
  }

  /** {@code exp} this long ago, with {@code iat} five minutes before it. */
  public TestTokens expiredAgo(Duration duration) {
    Instant exp = Instant.now().minus(duration);
    claim("iat", exp.minus(Duration.ofMinutes(5)).getEpochSecond());
    return claim("exp", exp.getEpochSecond());
  }

  /** {@code nbf} this long from now. */
  public TestTokens notBeforeIn(Duration duration) {
    return claim("nbf", Instant.now().plus(duration).getEpochSecond());
  }

  public TestTokens issuedAt(Instant issuedAt) {
    return claim("iat", issuedAt == null ? null : issuedAt.getEpochSecond());
  }

  public TestTokens expiresAt(Instant expiresAt) {
    return claim("exp", expiresAt == null ? null : expiresAt.getEpochSecond());
  }

  public TestTokens notBefore(Instant notBefore) {
    return claim("nbf", notBefore == null ? null : notBefore.getEpochSecond());
  }

  public TestTokens jti(String jti) {
    return claim("jti", jti);
  }

  public TestTokens clientId(String clientId) {
    return claim("client_id", clientId);
  }

  public TestTokens azp(String azp) {
    return claim("azp", azp);
  }

  /** {@code cnf} with this {@code x5t#S256} (see {@link #x5tS256(X509Certificate)}). */
  public TestTokens cnfX5tS256(String thumbprint) {
    return claim("cnf", thumbprint == null ? null : Map.of("x5t#S256", thumbprint));
  }

  /**
   * RFC 8693 {@code act}: the current actor first, each earlier one nested inside the previous
   * ({@code act: {sub: a0, act: {sub: a1}}}).
   */
  public TestTokens act(List<String> actorsCurrentFirst) {
    if (actorsCurrentFirst == null || actorsCurrentFirst.isEmpty()) {
      return claim("act", null);
    }
    Map<String, Object> inner = null;
    for (int i = actorsCurrentFirst.size() - 1; i >= 0; i--) {
      Map<String, Object> level = new LinkedHashMap<>();
      level.put("sub", actorsCurrentFirst.get(i));
      if (inner != null) {
        level.put("act", inner);
      }
      inner = level;
    }
    return claim("act", inner);
  }

  /**
   * Any claim: a String, Number, Boolean, List or Map (written as JSON); {@code null} removes it.
   */
  public TestTokens claim(String name, Object value) {
    if (value == null) {
      claims.remove(name);
    } else {
      claims.put(name, value instanceof List ? new ArrayList<>((List<?>) value) : value);
    }
    return this;
  }

  /** The header {@code kid}; {@code null} leaves it out. */
  public TestTokens kid(String kid) {
    this.kid = kid;
    return this;
  }

  /** The compact JWS, signed with the shared key of this algorithm. */
  public String sign() {
    return signWith(alg == JWSAlgorithm.RS256 ? Keys.RSA : Keys.EC);
  }

  /** The same token signed with a key that {@link #jwkSet()} does not hold (same {@code kid}). */
  public String otherKeySign() {
    return signWith(alg == JWSAlgorithm.RS256 ? OtherKeys.RSA : OtherKeys.EC);
  }

  private String signWith(JWK key) {
    try {
      JWSHeader header = new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build();
      JWSObject jws = new JWSObject(header, new Payload(new LinkedHashMap<>(claims)));
      JWSSigner signer =
          key instanceof RSAKey ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key);
      jws.sign(signer);
      return PlantedSecrets.token(jws.serialize());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }

  private static RSAKey rsa(String kid) {
    try {
      return planted(new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ECKey ec(String kid) {
    try {
      return planted(new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records the private key in its JWK, PKCS#8 and PEM forms (see {@link PlantedSecrets}). */
  private static <K extends JWK> K planted(K key) {
    try {
      if (key instanceof RSAKey) {
        RSAKey rsa = (RSAKey) key;
        PlantedSecrets.record(PlantedSecrets.Kind.PRIVATE_KEY, rsa.getPrivateExponent().toString());
        PlantedSecrets.privateKey(rsa.toPrivateKey());
      } else if (key instanceof ECKey) {
        ECKey ec = (ECKey) key;
        PlantedSecrets.record(PlantedSecrets.Kind.PRIVATE_KEY, ec.getD().toString());
        PlantedSecrets.privateKey(ec.toPrivateKey());
      }
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return key;
  }

  /** The published keys, generated on first use (class initialisation is thread-safe). */
  private static final class Keys {
    static final RSAKey RSA = rsa(RS256_KID);
    static final ECKey EC = ec(ES256_KID);
  }

  /** Keys nobody publishes, under the same kids. */
  private static final class OtherKeys {
    static final RSAKey RSA = rsa(RS256_KID);
    static final ECKey EC = ec(ES256_KID);
  }
}
