package dev.identitylog.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenType;
import dev.identitylog.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the input, inspection returns and never hands the token (or, for a JWT, its signature or
 * payload) back in any output: fields, claims, event values or {@code toString}.
 */
class TokenInspectorPropertiesTest {
  private static final List<String> ALLOWED = List.of("tenant", "roles", "note", "sub", "iss");

  private final TokenInspector inspector =
      TokenInspector.builder()
          .verificationKeys(TestTokens.jwkSet())
          .allowClaims(ALLOWED)
          .hashKey(new byte[] {1, 2, 3})
          .cacheSize(64)
          .build();

  @Property(tries = 2000)
  void arbitraryStringsNeverThrowNorLeak(@ForAll @StringLength(max = 300) String raw) {
    checkNoLeak(raw, inspector.inspect(raw));
  }

  @Property(tries = 300)
  void longArbitraryStrings(@ForAll @StringLength(min = 16_000, max = 17_000) String raw) {
    checkNoLeak(raw, inspector.inspect(raw));
  }

  @Property(tries = 1000)
  void jwtShapedStringsNeverThrowNorLeak(@ForAll("jwtShaped") String raw) {
    TokenFacts f = inspector.inspect(raw);
    checkNoLeak(raw, f);
    assertThat(f.type()).isIn(TokenType.JWT, TokenType.MALFORMED);
    Statistics.label("type").collect(f.type(), f.verified());
    for (String part : raw.split("\\.")) {
      if (part.length() > 8) {
        checkNoLeak(part, f);
      }
    }
  }

  @Property(tries = 150)
  void signedTokensWithArbitraryClaimsNeverLeak(
      @ForAll @StringLength(max = 200) String subject,
      @ForAll @StringLength(max = 200) String tenant,
      @ForAll @Size(max = 8) List<@StringLength(max = 40) String> roles,
      @ForAll boolean es256) {
    // Kept well below the 16 KiB size limit: a bigger token is malformed by design.
    TestTokens t = es256 ? TestTokens.es256() : TestTokens.rs256();
    String raw =
        t.subject(subject)
            .claim("tenant", tenant)
            .claim("roles", roles)
            .claim("note", raw(tenant))
            .act(List.of(subject, tenant))
            .sign();
    TokenFacts f = inspector.inspect(raw);

    assertThat(f.type()).isEqualTo(TokenType.JWT);
    assertThat(f.verified()).isTrue();
    checkNoLeak(raw, f);
    String[] parts = raw.split("\\.");
    checkNoLeak(parts[1], f);
    checkNoLeak(parts[2], f);
  }

  private static String raw(String s) {
    return Base64.getUrlEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<String> jwtShaped() {
    Arbitrary<String> json = jsonObjects();
    Arbitrary<String> goodHeader =
        Arbitraries.of(
                "{\"alg\":\"RS256\",\"kid\":\"test-rs256\"}",
                "{\"alg\":\"ES256\"}",
                " {\"alg\":\"none\"}",
                "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}")
            .map(TokenInspectorPropertiesTest::b64);
    Arbitrary<String> jweHeader =
        Arbitraries.of(
                "{\"alg\":\"RSA-OAEP\",\"enc\":\"A128GCM\",\"kid\":\"k\"}",
                "{\"alg\":\"dir\",\"enc\":\"A256GCM\"}",
                "{\"alg\":\"RSA-OAEP\"}")
            .map(TokenInspectorPropertiesTest::b64);
    Arbitrary<String> badHeader =
        Arbitraries.oneOf(
            Arbitraries.of("{\"alg\":7}", "{}", "[[\"alg\",\"RS256\"]]", "[]", "null")
                .map(TokenInspectorPropertiesTest::b64),
            json.map(TokenInspectorPropertiesTest::b64),
            Arbitraries.strings().ofMaxLength(40).map(TokenInspectorPropertiesTest::b64),
            Arbitraries.strings().withChars("abcXYZ019-_+/=").ofMaxLength(40));
    Arbitrary<String> header =
        Arbitraries.frequencyOf(
            Tuple.of(6, goodHeader), Tuple.of(1, jweHeader), Tuple.of(3, badHeader));
    Arbitrary<String> payload =
        Arbitraries.frequencyOf(
            Tuple.of(7, json.map(TokenInspectorPropertiesTest::b64)),
            Tuple.of(
                2, Arbitraries.strings().ofMaxLength(60).map(TokenInspectorPropertiesTest::b64)),
            Tuple.of(1, Arbitraries.strings().withChars("abcXYZ019-_").ofMaxLength(60)));
    Arbitrary<String> part = Arbitraries.strings().withChars("abcXYZ019-_").ofMaxLength(80);
    Arbitrary<String> jws =
        Combinators.combine(header, payload, part).as((h, p, sig) -> h + "." + p + "." + sig);
    Arbitrary<String> jwe =
        Combinators.combine(Arbitraries.oneOf(jweHeader, header), part, part, part, part)
            .as((h, a, b, c, d) -> h + "." + a + "." + b + "." + c + "." + d);
    return Arbitraries.frequencyOf(Tuple.of(4, jws), Tuple.of(1, jwe));
  }

  private static Arbitrary<String> jsonObjects() {
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.of(
                "iss",
                "sub",
                "aud",
                "exp",
                "nbf",
                "iat",
                "scope",
                "scp",
                "act",
                "cnf",
                "tenant",
                "roles",
                "client_id",
                "azp",
                "jti"),
            Arbitraries.strings().alpha().ofMaxLength(6));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(20).map(TokenInspectorPropertiesTest::jsonString),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.doubles().map(String::valueOf),
            Arbitraries.of(
                "true",
                "false",
                "null",
                "[]",
                "{}",
                "[1,\"a\",null]",
                "{\"sub\":\"x\",\"act\":{\"sub\":\"y\"}}",
                "{\"x5t#S256\":\"abc\"}",
                "1e308",
                "-1e308",
                "99999999999999999999999"));
    // Unique names: the JSON parser rejects duplicate members, which would make most samples
    // malformed; duplicates are still covered by the arbitrary-string properties.
    return Combinators.combine(key, value)
        .as(Tuple::of)
        .list()
        .uniqueElements(Tuple.Tuple2::get1)
        .ofMaxSize(6)
        .map(
            members -> {
              List<String> out = new ArrayList<>();
              members.forEach(m -> out.add(jsonString(m.get1()) + ":" + m.get2()));
              return "{" + String.join(",", out) + "}";
            });
  }

  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** No output of the facts contains {@code secret}, when it is long enough to be one. */
  static void checkNoLeak(String secret, TokenFacts f) {
    if (secret == null || secret.isEmpty()) {
      assertThat(f).isNull();
      return;
    }
    assertThat(f).isNotNull();
    assertThat(f.hash()).matches("[0-9a-f]{32}");
    if (secret.length() <= 8) {
      return;
    }
    for (String out : outputs(f)) {
      assertThat(out).doesNotContain(secret);
    }
  }

  static List<String> outputs(TokenFacts f) {
    List<String> out = new ArrayList<>();
    out.add(f.toString());
    out.add(f.hash());
    add(out, f.issuer(), f.subject(), f.id(), f.clientId(), f.alg(), f.kid(), f.cnfX5tS256());
    out.addAll(f.audience());
    out.addAll(f.scopes());
    out.addAll(f.actorChain());
    for (Map.Entry<String, String> e : f.claims().entrySet()) {
      out.add(e.getKey());
      out.add(e.getValue());
    }
    out.add(f.applyTo(IdentityEvent.builder(), null).build().toString());
    return out;
  }

  private static void add(List<String> out, String... values) {
    for (String v : values) {
      if (v != null) {
        out.add(v);
      }
    }
  }
}
