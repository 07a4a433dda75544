package dev.identitylog.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenBinding;
import dev.identitylog.event.TokenType;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenInspectorTest {
  private static final TokenInspector PLAIN = TokenInspector.builder().build();
  private static final TokenInspector VERIFYING =
      TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).build();

  /** The first 16 bytes of SHA-256 over the UTF-8 bytes, computed here without the library. */
  static String sha256Prefix(String raw) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(Arrays.copyOf(d, 16));
  }

  static String hmacPrefix(byte[] key, String value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] d = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(Arrays.copyOf(d, 16));
  }

  @Nested
  class SignedTokens {
    @Test
    void rs256TokenYieldsEveryStandardClaim() throws Exception {
      Instant iat = Instant.parse("2026-11-28T09:00:00Z");
      Instant exp = Instant.parse("2026-11-28T09:05:00Z");
      Instant nbf = Instant.parse("2026-11-28T08:59:00Z");
      String jwt =
          TestTokens.rs256()
              .issuer("https://login.example")
              .subject("user-42")
              .audience("orders")
              .scope("read write")
              .jti("id-1")
              .clientId("web-app")
              .issuedAt(iat)
              .expiresAt(exp)
              .notBefore(nbf)
              .sign();

      TokenFacts f = PLAIN.inspect(jwt);

      assertThat(f.type()).isEqualTo(TokenType.JWT);
      assertThat(f.hash()).isEqualTo(sha256Prefix(jwt));
      assertThat(f.alg()).isEqualTo("RS256");
      assertThat(f.kid()).isEqualTo(TestTokens.RS256_KID);
      assertThat(f.issuer()).isEqualTo("https://login.example");
      assertThat(f.subject()).isEqualTo("user-42");
      assertThat(f.audience()).containsExactly("orders");
      assertThat(f.scopes()).containsExactly("read", "write");
      assertThat(f.id()).isEqualTo("id-1");
      assertThat(f.clientId()).isEqualTo("web-app");
      assertThat(f.issuedAt()).isEqualTo(iat);
      assertThat(f.expiresAt()).isEqualTo(exp);
      assertThat(f.notBefore()).isEqualTo(nbf);
      assertThat(f.verified()).as("no keys configured: not checked").isNull();
      assertThat(f.problem()).isNull();
      assertThat(f.cnfX5tS256()).isNull();
      assertThat(f.actorChain()).isEmpty();
      assertThat(f.claims()).isEmpty();
      assertThat(f.binding(null)).isEqualTo(TokenBinding.UNBOUND);
    }

    @Test
    void es256TokenVerifiesAgainstTheRightKeys() {
      String jwt = TestTokens.es256().subject("svc").sign();

      TokenFacts f = VERIFYING.inspect(jwt);

      assertThat(f.type()).isEqualTo(TokenType.JWT);
      assertThat(f.alg()).isEqualTo("ES256");
      assertThat(f.kid()).isEqualTo(TestTokens.ES256_KID);
      assertThat(f.subject()).isEqualTo("svc");
      assertThat(f.verified()).isTrue();
      assertThat(f.problem()).isNull();
    }

    @Test
    void rs256TokenVerifiesAgainstTheRightKeys() {
      assertThat(VERIFYING.inspect(TestTokens.rs256().sign()).verified()).isTrue();
    }

    @Test
    void tokenWithoutKidIsVerifiedByTrying() {
      assertThat(VERIFYING.inspect(TestTokens.rs256().kid(null).sign()).verified()).isTrue();
      assertThat(VERIFYING.inspect(TestTokens.es256().kid(null).sign()).verified()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "ES256"})
    void unknownKeyFailsVerification(String alg) {
      TestTokens t = alg.equals("RS256") ? TestTokens.rs256() : TestTokens.es256();
      TokenFacts f = VERIFYING.inspect(t.otherKeySign());

      assertThat(f.type()).isEqualTo(TokenType.JWT);
      assertThat(f.verified()).isFalse();
      assertThat(f.problem()).isEqualTo(Reason.TOKEN_INVALID);
      assertThat(f.subject()).as("claims are still reported").isEqualTo(TestTokens.DEFAULT_SUBJECT);
    }

    @Test
    void otherKeySetVerifiesTheOtherKeyOnly() {
      TokenInspector other =
          TokenInspector.builder().verificationKeys(TestTokens.otherJwkSet()).build();
      assertThat(other.inspect(TestTokens.rs256().otherKeySign()).verified()).isTrue();
      assertThat(other.inspect(TestTokens.rs256().sign()).verified()).isFalse();
    }

    @Test
    void kidOfAnotherKeyFailsVerification() {
      String jwt = TestTokens.rs256().kid("not-published").sign();
      assertThat(VERIFYING.inspect(jwt).verified()).isFalse();
    }

    @Test
    void tamperedPayloadFailsVerification() {
      String jwt = TestTokens.rs256().subject("alice").sign();
      String[] parts = jwt.split("\\.");
      String forged =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(
                  new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                      .replace("\"alice\"", "\"admin\"")
                      .getBytes(StandardCharsets.UTF_8));
      TokenFacts f = VERIFYING.inspect(parts[0] + "." + forged + "." + parts[2]);

      assertThat(f.subject()).isEqualTo("admin");
      assertThat(f.verified()).isFalse();
      assertThat(f.problem()).isEqualTo(Reason.TOKEN_INVALID);
    }

    @Test
    void hmacTokenSignedWithThePublicRsaKeyIsRejected() throws Exception {
      // Algorithm confusion: HS256 keyed with the RSA public key's bytes must not verify.
      RSAKey publicKey = (RSAKey) TestTokens.jwkSet().getKeyByKeyId(TestTokens.RS256_KID);
      byte[] secret = publicKey.toRSAPublicKey().getEncoded();
      JWSObject jws =
          new JWSObject(
              new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(TestTokens.RS256_KID).build(),
              new Payload(Map.of("sub", "mallory")));
      jws.sign(new MACSigner(secret));

      TokenFacts f = VERIFYING.inspect(jws.serialize());

      assertThat(f.alg()).isEqualTo("HS256");
      assertThat(f.verified()).isFalse();
    }

    @Test
    void hmacKeysInTheSetVerifyHmacTokens() throws Exception {
      OctetSequenceKey key = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();
      JWSObject jws =
          new JWSObject(
              new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("hmac").build(),
              new Payload(Map.of("sub", "svc")));
      jws.sign(new MACSigner(key));
      TokenInspector inspector = TokenInspector.builder().verificationKeys(new JWKSet(key)).build();

      assertThat(inspector.inspect(jws.serialize()).verified()).isTrue();
    }

    @Test
    void unsecuredJwtIsReadButNeverVerified() {
      PlainJWT plain = new PlainJWT(new JWTClaimsSet.Builder().subject("nobody").build());
      String raw = plain.serialize();

      TokenFacts unchecked = PLAIN.inspect(raw);
      assertThat(unchecked.type()).isEqualTo(TokenType.JWT);
      assertThat(unchecked.alg()).isEqualTo("none");
      assertThat(unchecked.subject()).isEqualTo("nobody");
      assertThat(unchecked.verified()).isNull();

      TokenFacts checked = VERIFYING.inspect(raw);
      assertThat(checked.verified()).isFalse();
      assertThat(checked.problem()).isEqualTo(Reason.TOKEN_INVALID);
    }

    @Test
    void encryptedJwtGivesHeaderFactsOnly() throws Exception {
      RSAKey key = new RSAKeyGenerator(2048).keyID("enc-1").generate();
      EncryptedJWT jwe =
          new EncryptedJWT(
              new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A128GCM)
                  .keyID("enc-1")
                  .build(),
              new JWTClaimsSet.Builder().subject("hidden").build());
      jwe.encrypt(new RSAEncrypter(key.toRSAPublicKey()));
      String raw = jwe.serialize();

      TokenFacts f = VERIFYING.inspect(raw);

      assertThat(raw.chars().filter(c -> c == '.').count()).isEqualTo(4);
      assertThat(f.type()).isEqualTo(TokenType.JWT);
      assertThat(f.hash()).isEqualTo(sha256Prefix(raw));
      assertThat(f.alg()).isEqualTo("RSA-OAEP-256");
      assertThat(f.kid()).isEqualTo("enc-1");
      assertThat(f.subject()).isNull();
      assertThat(f.verified()).as("an encrypted token's signature is not checked here").isNull();
      assertThat(f.problem()).isNull();
      IdentityEvent e = f.applyTo(IdentityEvent.builder(), null).build();
      assertThat(e.has(Fields.TOKEN_BINDING)).as("binding unknown without the claims").isFalse();
    }

    @Test
    void directlyEncryptedJwtWithAnEmptyKeyPartIsAJwt() throws Exception {
      EncryptedJWT jwe =
          new EncryptedJWT(
              new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A128GCM).build(),
              new JWTClaimsSet.Builder().subject("hidden").build());
      jwe.encrypt(new DirectEncrypter(new OctetSequenceKeyGenerator(128).generate().toSecretKey()));
      String raw = jwe.serialize();

      TokenFacts f = PLAIN.inspect(raw);

      assertThat(raw).contains("..");
      assertThat(f.type()).isEqualTo(TokenType.JWT);
      assertThat(f.alg()).isEqualTo("dir");
      assertThat(f.subject()).isNull();
    }
  }

  @Nested
  class Claims {
    @Test
    void audienceAsStringOrArray() {
      assertThat(PLAIN.inspect(TestTokens.rs256().audience("api").sign()).audience())
          .containsExactly("api");
      assertThat(PLAIN.inspect(TestTokens.rs256().audiences("api").sign()).audience())
          .containsExactly("api");
      assertThat(PLAIN.inspect(TestTokens.rs256().audiences("a", "b", "c").sign()).audience())
          .containsExactly("a", "b", "c");
      assertThat(PLAIN.inspect(TestTokens.rs256().sign()).audience()).isEmpty();
    }

    @Test
    void scopeAndScp() {
      assertThat(PLAIN.inspect(TestTokens.rs256().scope("  read   write ").sign()).scopes())
          .containsExactly("read", "write");
      assertThat(PLAIN.inspect(TestTokens.rs256().scp("read", "write").sign()).scopes())
          .containsExactly("read", "write");
      assertThat(PLAIN.inspect(TestTokens.rs256().claim("scp", "a b").sign()).scopes())
          .containsExactly("a", "b");
      assertThat(PLAIN.inspect(TestTokens.rs256().scope("s1").scp("s2").sign()).scopes())
          .as("scope wins over scp")
          .containsExactly("s1");
    }

    @Test
    void clientIdFallsBackToAzp() {
      assertThat(PLAIN.inspect(TestTokens.rs256().azp("spa").sign()).clientId()).isEqualTo("spa");
      assertThat(PLAIN.inspect(TestTokens.rs256().azp("spa").clientId("cli").sign()).clientId())
          .isEqualTo("cli");
      assertThat(PLAIN.inspect(TestTokens.rs256().sign()).clientId()).isNull();
    }

    @Test
    void nestedActorsCurrentFirst() {
      String jwt =
          TestTokens.rs256()
              .subject("alice")
              .act(List.of("gateway", "orders-svc", "batch-job"))
              .sign();
      assertThat(PLAIN.inspect(jwt).actorChain())
          .containsExactly("gateway", "orders-svc", "batch-job");
    }

    @Test
    void actorChainIsBoundedAt16() {
      List<String> actors = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        actors.add("actor-" + i);
      }
      List<String> chain = PLAIN.inspect(TestTokens.rs256().act(actors).sign()).actorChain();
      assertThat(chain).hasSize(16).startsWith("actor-0").endsWith("actor-15");
    }

    @Test
    void wronglyTypedClaimsAreLeftOutNotFatal() {
      String jwt =
          TestTokens.rs256()
              .claim("exp", "tomorrow")
              .claim("iss", 42)
              .claim("aud", List.of(1, "ok", ""))
              .claim("act", "not-an-object")
              .sign();
      TokenFacts f = PLAIN.inspect(jwt);

      assertThat(f.type()).isEqualTo(TokenType.JWT);
      assertThat(f.problem()).isNull();
      assertThat(f.expiresAt()).isNull();
      assertThat(f.issuer()).isNull();
      assertThat(f.audience()).containsExactly("ok");
      assertThat(f.actorChain()).isEmpty();
    }

    @Test
    void fractionalAndOutOfRangeTimes() {
      TokenFacts f =
          PLAIN.inspect(TestTokens.rs256().claim("exp", 1700000000.25).claim("nbf", 1e300).sign());
      assertThat(f.expiresAt()).isEqualTo(Instant.ofEpochSecond(1700000000L, 250_000_000L));
      assertThat(f.notBefore()).isNull();
    }

    @Test
    void expiryAndNotBefore() {
      Instant now = Instant.now();
      TokenFacts expired =
          PLAIN.inspect(TestTokens.rs256().expiredAgo(Duration.ofMinutes(1)).sign());
      assertThat(expired.expired(now)).isTrue();
      assertThat(expired.notYetValid(now)).isFalse();

      TokenFacts fresh = PLAIN.inspect(TestTokens.rs256().expiresIn(Duration.ofMinutes(5)).sign());
      assertThat(fresh.expired(now)).isFalse();

      TokenFacts early =
          PLAIN.inspect(TestTokens.rs256().notBeforeIn(Duration.ofMinutes(5)).sign());
      assertThat(early.notYetValid(now)).isTrue();
      assertThat(early.notYetValid(now.plus(Duration.ofMinutes(6)))).isFalse();

      Instant exp = Instant.parse("2030-01-01T00:00:00Z");
      TokenFacts edge = PLAIN.inspect(TestTokens.rs256().expiresAt(exp).sign());
      assertThat(edge.expired(exp)).as("at exp the token is no longer valid").isTrue();
      assertThat(edge.expired(exp.minusMillis(1))).isFalse();

      TokenFacts none = PLAIN.inspect(TestTokens.rs256().expiresAt(null).sign());
      assertThat(none.expired(now)).isFalse();
      assertThat(none.notYetValid(now)).isFalse();
    }

    @Test
    void onlyAllowlistedClaimsAreReported() {
      String jwt =
          TestTokens.rs256()
              .claim("tenant", "acme")
              .claim("roles", List.of("admin", "ops"))
              .claim("level", 3)
              .claim("ratio", 0.5)
              .claim("big", 1.0e10)
              .claim("mfa", true)
              .claim("org", Map.of("id", "o-1"))
              .claim("email", "alice@example.com")
              .sign();
      TokenInspector inspector =
          TokenInspector.builder()
              .allowClaims(List.of("tenant", "roles", "level", "ratio", "big", "mfa", "org"))
              .allowClaims("missing")
              .build();

      Map<String, String> claims = inspector.inspect(jwt).claims();

      assertThat(claims)
          .containsExactly(
              Map.entry("tenant", "acme"),
              Map.entry("roles", "admin ops"),
              Map.entry("level", "3"),
              Map.entry("ratio", "0.5"),
              Map.entry("big", "10000000000"),
              Map.entry("mfa", "true"),
              Map.entry("org", "{\"id\":\"o-1\"}"));
      assertThat(PLAIN.inspect(jwt).claims()).isEmpty();
      assertThat(inspector.inspect(jwt).toString()).doesNotContain("alice@example.com");
    }
  }

  @Nested
  class Binding {
    @Test
    void boundWhenTheThumbprintMatchesTheCertificate() throws Exception {
      X509Certificate cert = Certificates.selfSigned("client");
      String jwt = TestTokens.rs256().cnfX5tS256(Certificates.x5tS256(cert)).sign();

      TokenFacts f = PLAIN.inspect(jwt);

      assertThat(f.cnfX5tS256()).isEqualTo(Certificates.x5tS256(cert));
      assertThat(f.binding(Certificates.sha256UpperHex(cert))).isEqualTo(TokenBinding.BOUND);
      assertThat(f.binding(Certificates.sha256UpperHex(cert).toLowerCase()))
          .isEqualTo(TokenBinding.BOUND);
      assertThat(f.binding(null)).isEqualTo(TokenBinding.NO_CERT);
      assertThat(f.binding("")).isEqualTo(TokenBinding.NO_CERT);
    }

    @Test
    void mismatchForAnotherCertificate() throws Exception {
      X509Certificate bound = Certificates.selfSigned("client");
      X509Certificate other = Certificates.selfSigned("other");
      TokenFacts f =
          PLAIN.inspect(TestTokens.rs256().cnfX5tS256(Certificates.x5tS256(bound)).sign());

      assertThat(f.binding(Certificates.sha256UpperHex(other))).isEqualTo(TokenBinding.MISMATCH);
      assertThat(f.binding("not hex")).isEqualTo(TokenBinding.MISMATCH);
    }

    @Test
    void undecodableThumbprintIsAMismatch() throws Exception {
      String hex = Certificates.sha256UpperHex(Certificates.selfSigned("client"));
      TokenFacts garbage = PLAIN.inspect(TestTokens.rs256().cnfX5tS256("***").sign());
      TokenFacts shortOne = PLAIN.inspect(TestTokens.rs256().cnfX5tS256("AAAA").sign());
      TokenFacts wrongType =
          PLAIN.inspect(TestTokens.rs256().claim("cnf", Map.of("x5t#S256", 7)).sign());

      assertThat(garbage.binding(hex)).isEqualTo(TokenBinding.MISMATCH);
      assertThat(shortOne.binding(hex)).isEqualTo(TokenBinding.MISMATCH);
      assertThat(wrongType.cnfX5tS256()).isNull();
      assertThat(wrongType.binding(hex)).isEqualTo(TokenBinding.MISMATCH);
    }

    @Test
    void unboundWithoutCertificateConfirmation() throws Exception {
      String hex = Certificates.sha256UpperHex(Certificates.selfSigned("client"));
      TokenFacts dpopBound =
          PLAIN.inspect(TestTokens.rs256().claim("cnf", Map.of("jkt", "abc")).sign());
      assertThat(dpopBound.binding(hex)).isEqualTo(TokenBinding.UNBOUND);
      assertThat(PLAIN.inspect("opaque-token-value").binding(hex)).isEqualTo(TokenBinding.UNBOUND);
    }
  }

  @Nested
  class Hashing {
    @Test
    void hashIsTruncatedSha256OfTheUtf8Bytes() throws Exception {
      String jwt = TestTokens.rs256().sign();
      assertThat(PLAIN.inspect(jwt).hash()).isEqualTo(sha256Prefix(jwt)).hasSize(32);
      assertThat(PLAIN.inspect("opaque_1").hash()).isEqualTo(sha256Prefix("opaque_1"));
    }

    @Test
    void hashKeyMakesItAnHmac() throws Exception {
      byte[] key = "a key shared by every hop".getBytes(StandardCharsets.UTF_8);
      TokenInspector keyed = TokenInspector.builder().hashKey(key).build();
      String jwt = TestTokens.es256().sign();

      String hash = keyed.inspect(jwt).hash();

      assertThat(hash).isEqualTo(hmacPrefix(key, jwt)).isNotEqualTo(sha256Prefix(jwt));
      assertThat(keyed.inspect("opaque_1").hash()).isEqualTo(hmacPrefix(key, "opaque_1"));
      byte[] otherKey = "another key".getBytes(StandardCharsets.UTF_8);
      assertThat(TokenInspector.builder().hashKey(otherKey).build().inspect(jwt).hash())
          .isNotEqualTo(hash);
    }

    @Test
    void theKeyIsCopied() throws Exception {
      byte[] key = "k1".getBytes(StandardCharsets.UTF_8);
      TokenInspector keyed = TokenInspector.builder().hashKey(key).build();
      key[0] = 'x';
      assertThat(keyed.inspect("opaque_1").hash())
          .isEqualTo(hmacPrefix("k1".getBytes(StandardCharsets.UTF_8), "opaque_1"));
    }

    @Test
    void subjectPseudonym() throws Exception {
      byte[] key = "pseudonym key".getBytes(StandardCharsets.UTF_8);
      TokenInspector inspector =
          TokenInspector.builder().pseudonymizeSubject(key).allowClaims("sub").build();

      TokenFacts f = inspector.inspect(TestTokens.rs256().subject("alice@example.com").sign());

      assertThat(f.subject()).isEqualTo("anon:" + hmacPrefix(key, "alice@example.com"));
      assertThat(f.claims()).doesNotContainKey("sub");
      assertThat(f.toString()).doesNotContain("alice@example.com");
      assertThat(
              inspector
                  .inspect(TestTokens.rs256().subject("alice@example.com").jti("2").sign())
                  .subject())
          .as("stable for one key, so requests still join")
          .isEqualTo(f.subject());
      assertThat(
              inspector
                  .inspect(TestTokens.rs256().subject("spiffe://example.org/web").sign())
                  .subject())
          .as("workload ids are not personal data and stay readable")
          .isEqualTo("spiffe://example.org/web");
    }
  }

  @Nested
  class SpiffeSubjects {
    @Test
    void onlyAValidSpiffeIdIsAWorkloadsName() {
      assertThat(PLAIN.inspect(TestTokens.rs256().subject("spiffe://example.org/web").sign())
              .subjectIsSpiffeId())
          .isTrue();
      assertThat(PLAIN.inspect(TestTokens.rs256().subject("spiffe://Example.org/web").sign())
              .subjectIsSpiffeId())
          .as("upper case is not allowed in a trust domain")
          .isFalse();
      assertThat(PLAIN.inspect(TestTokens.rs256().subject("spiffe://example.org/a/../b").sign())
              .subjectIsSpiffeId())
          .isFalse();
      assertThat(PLAIN.inspect(TestTokens.rs256().subject("alice").sign()).subjectIsSpiffeId())
          .isFalse();
      assertThat(PLAIN.inspect(TestTokens.rs256().subject(null).sign()).subjectIsSpiffeId())
          .isFalse();
    }
  }

  @Nested
  class NotJwts {
    @Test
    void nullAndEmptyGiveNull() {
      assertThat(PLAIN.inspect(null)).isNull();
      assertThat(PLAIN.inspect("")).isNull();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
          "ya29.a0AfH6SMBx",
          "dGhpcyBpcyBvcGFxdWU=",
          "a.b.c.d",
          "...",
          "abc~def+ghi/jkl"
        })
    void opaqueTokensHaveTypeAndHashOnly(String raw) throws Exception {
      TokenFacts f = VERIFYING.inspect(raw);

      assertThat(f.type()).isEqualTo(TokenType.OPAQUE);
      assertThat(f.hash()).isEqualTo(sha256Prefix(raw));
      assertThat(f.problem()).isNull();
      assertThat(f.verified()).isNull();
      assertThat(f.issuer()).isNull();
      assertThat(f.subject()).isNull();
      assertThat(f.alg()).isNull();
      assertThat(f.audience()).isEmpty();
      assertThat(f.claims()).isEmpty();
      IdentityEvent e = f.applyTo(IdentityEvent.builder(), null).build();
      assertThat(e.get(Fields.TOKEN_TYPE)).isEqualTo(TokenType.OPAQUE);
      assertThat(e.get(Fields.TOKEN_HASH)).isEqualTo(f.hash());
      assertThat(e.has(Fields.TOKEN_BINDING)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "a.b.c",
          "..",
          "eyJhbGciOiJSUzI1NiJ9..",
          "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
          "eyJ0eXAiOiJKV1QifQ.e30.c2ln",
          "eyJhbGciOiJSUzI1NiJ9.W10.c2ln",
          "e30.e30.c2ln",
          "eyJhbGciOiJub25lIn0.e30.c2ln",
          "eyJhbGciOiJSUzI1NiJ9.e30+.c2ln",
          "a.b.c.d.e",
          "eyJhbGciOiJSUzI1NiJ9.e30.c2ln.YQ.YQ",
          "токен",
          "tok en",
          "tok\nen",
          "tok\u0000en",
          "\"quoted\"",
          "tok,en"
        })
    void garbageIsMalformed(String raw) throws Exception {
      TokenFacts f = VERIFYING.inspect(raw);

      assertThat(f.type()).isEqualTo(TokenType.MALFORMED);
      assertThat(f.problem()).isEqualTo(Reason.CREDENTIAL_MALFORMED);
      assertThat(f.hash()).isEqualTo(sha256Prefix(raw));
      assertThat(f.verified()).isNull();
      assertThat(f.alg()).isNull();
    }

    @Test
    void headerAndPayloadMustBeJsonObjects() throws Exception {
      String object = b64("{\"alg\":\"RS256\"}");
      String pairs = b64("[[\"alg\",\"RS256\"]]");
      String[] malformed = {
        pairs + "." + b64("{}") + ".c2ln",
        object + "." + b64("[]") + ".c2ln",
        object + "." + b64("[[\"sub\",\"x\"]]") + ".c2ln",
        object + "." + b64("\"text\"") + ".c2ln",
        object + "." + b64("{\"sub\":\"a\"} trailing") + ".c2ln",
        object + "." + b64("{\"sub\":\"a\",\"sub\":\"b\"}") + ".c2ln",
        object + "." + b64("{\"exp\":1e400}") + ".c2ln"
      };
      for (String raw : malformed) {
        assertThat(PLAIN.inspect(raw).type()).as(raw).isEqualTo(TokenType.MALFORMED);
      }
      TokenFacts spaced = PLAIN.inspect(b64(" {\"alg\":\"RS256\"}") + "." + b64(" {}") + ".c2ln");
      assertThat(spaced.type()).isEqualTo(TokenType.JWT);
      assertThat(spaced.alg()).isEqualTo("RS256");
    }

    private String b64(String json) {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void deeplyNestedJsonNeverBreaksInspection() {
      TokenInspector inspector = TokenInspector.builder().allowClaims("deep").build();
      for (int depth : new int[] {20, 200, 5_000}) {
        String payload = "{\"deep\":" + "[".repeat(depth) + "1" + "]".repeat(depth) + "}";
        String raw = b64("{\"alg\":\"RS256\"}") + "." + b64(payload) + ".c2ln";

        TokenFacts f = inspector.inspect(raw);

        assertThat(f).as("depth " + depth).isNotNull();
        if (depth == 20) {
          assertThat(f.claims()).containsEntry("deep", "1");
        } else if (depth == 200) {
          assertThat(f.type()).isEqualTo(TokenType.JWT);
          assertThat(f.claims()).as("nested past the rendering bound").doesNotContainKey("deep");
        }
      }
    }

    @Test
    void oversizedTokenIsMalformedWithTheHashOfTheWholeValue() throws Exception {
      String huge = "A".repeat(100 * 1024);
      TokenFacts f = PLAIN.inspect(huge);

      assertThat(f.type()).isEqualTo(TokenType.MALFORMED);
      assertThat(f.problem()).isEqualTo(Reason.CREDENTIAL_MALFORMED);
      assertThat(f.hash()).isEqualTo(sha256Prefix(huge));
    }

    @Test
    void sizeLimitIsConfigurable() throws Exception {
      TokenInspector small = TokenInspector.builder().maxTokenLength(10).build();
      assertThat(small.inspect("A".repeat(10)).type()).isEqualTo(TokenType.OPAQUE);
      assertThat(small.inspect("A".repeat(11)).type()).isEqualTo(TokenType.MALFORMED);
      String jwt = TestTokens.rs256().sign();
      assertThat(PLAIN.inspect(jwt).type()).isEqualTo(TokenType.JWT);
      assertThat(
              TokenInspector.builder().maxTokenLength(jwt.length() - 1).build().inspect(jwt).type())
          .isEqualTo(TokenType.MALFORMED);
    }

    @Test
    void bigJwtJustBelowTheLimitIsStillRead() {
      String jwt = TestTokens.rs256().claim("pad", "x".repeat(10_000)).sign();
      assertThat(jwt.length()).isBetween(10_000, TokenInspector.DEFAULT_MAX_TOKEN_LENGTH);
      assertThat(PLAIN.inspect(jwt).type()).isEqualTo(TokenType.JWT);
    }
  }

  @Nested
  class Output {
    @Test
    void toStringHasFactsButNeverTheTokenOrItsSignature() {
      String jwt =
          TestTokens.rs256()
              .subject("alice")
              .audiences("a", "b")
              .claim("tenant", "acme\nevil")
              .sign();
      String signature = jwt.substring(jwt.lastIndexOf('.') + 1);
      String payload = jwt.split("\\.")[1];
      TokenFacts f = TokenInspector.builder().allowClaims("tenant").build().inspect(jwt);

      String s = f.toString();

      assertThat(s)
          .contains("type=jwt", "sub=alice", "alg=RS256", "hash=" + f.hash())
          .doesNotContain(jwt)
          .doesNotContain(signature)
          .doesNotContain(payload)
          .doesNotContain("\n");
    }

    @Test
    void applyToWritesTheTokenFields() throws Exception {
      X509Certificate cert = Certificates.selfSigned("client");
      Instant exp = Instant.parse("2030-01-01T00:00:00Z");
      String jwt =
          TestTokens.es256()
              .issuer("https://login.example")
              .subject("alice")
              .audiences("orders", "billing")
              .scp("read")
              .jti("j1")
              .azp("spa")
              .expiresAt(exp)
              .cnfX5tS256(Certificates.x5tS256(cert))
              .act(List.of("gw"))
              .claim("tenant", "acme")
              .sign();
      TokenFacts f =
          TokenInspector.builder()
              .verificationKeys(TestTokens.jwkSet())
              .allowClaims("tenant")
              .build()
              .inspect(jwt);

      IdentityEvent e =
          f.applyTo(IdentityEvent.builder(), Certificates.sha256UpperHex(cert)).build();

      assertThat(e.get(Fields.TOKEN_TYPE)).isEqualTo(TokenType.JWT);
      assertThat(e.get(Fields.TOKEN_HASH)).isEqualTo(sha256Prefix(jwt));
      assertThat(e.get(Fields.TOKEN_ISSUER)).isEqualTo("https://login.example");
      assertThat(e.get(Fields.TOKEN_SUBJECT)).isEqualTo("alice");
      assertThat(e.get(Fields.TOKEN_ID)).isEqualTo("j1");
      assertThat(e.get(Fields.TOKEN_CLIENT_ID)).isEqualTo("spa");
      assertThat(e.get(Fields.TOKEN_AUDIENCE)).containsExactly("orders", "billing");
      assertThat(e.get(Fields.TOKEN_SCOPES)).containsExactly("read");
      assertThat(e.get(Fields.TOKEN_EXPIRES_AT)).isEqualTo(exp);
      assertThat(e.get(Fields.TOKEN_ALG)).isEqualTo("ES256");
      assertThat(e.get(Fields.TOKEN_KID)).isEqualTo(TestTokens.ES256_KID);
      assertThat(e.get(Fields.TOKEN_CNF_X5T_S256)).isEqualTo(Certificates.x5tS256(cert));
      assertThat(e.get(Fields.TOKEN_BINDING)).isEqualTo(TokenBinding.BOUND);
      assertThat(e.get(Fields.TOKEN_ACTOR_CHAIN)).containsExactly("gw");
      assertThat(e.get(Fields.TOKEN_VERIFIED)).isTrue();
      assertThat(e.claims()).containsExactly(Map.entry("identity.token.claim.tenant", "acme"));
      assertThat(e.has(Fields.TOKEN_NOT_BEFORE)).isFalse();
    }

    @Test
    void defaultsIsShared() {
      assertThat(TokenInspector.defaults()).isSameAs(TokenInspector.defaults());
      assertThat(TokenInspector.defaults().inspect(TestTokens.rs256().sign()).verified()).isNull();
    }

    @Test
    void inspectorToStringShowsNoKeyMaterial() {
      byte[] key = "super secret hash key".getBytes(StandardCharsets.UTF_8);
      String s = TokenInspector.builder().hashKey(key).build().toString();
      assertThat(s).contains("hashKey=set").doesNotContain("super secret");
    }
  }
}
