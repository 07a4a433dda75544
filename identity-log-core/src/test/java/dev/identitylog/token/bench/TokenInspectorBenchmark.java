package dev.identitylog.token.bench;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identitylog.testing.TestTokens;
import dev.identitylog.token.TokenFacts;
import dev.identitylog.token.TokenInspector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the facts cache buys: the same realistic access token inspected without a cache (parse, hash
 * and, with keys, a signature check on every request) and with one (a map look-up), next to
 * nimbus's own parse as a baseline. Each call copies the token first, as every request brings a new
 * header string whose hash code is not computed yet; the copy costs the same in every method.
 *
 * <p>Not run by the build. To run it (a few minutes):
 *
 * <pre>
 * mvn -o -q -pl identity-log-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.identitylog.token.bench.TokenInspectorBenchmark
 * </pre>
 *
 * Arguments are passed to JMH, e.g. {@code -Dexec.args="-p alg=ES256 -f 1"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenInspectorBenchmark {
  @Param({"RS256", "ES256"})
  public String alg;

  /** Whether the inspectors check the signature against configured keys. */
  @Param({"false", "true"})
  public boolean verify;

  private char[] token;
  private TokenInspector fresh;
  private TokenInspector cached;

  @Setup
  public void setUp() {
    TestTokens t = "RS256".equals(alg) ? TestTokens.rs256() : TestTokens.es256();
    token =
        t.issuer("https://login.example.com/realms/main")
            .subject("f3b9c2a4-7d1e-4c8a-9b6f-2e5d8a1c7f40")
            .audiences("orders-api", "billing-api")
            .scope("openid profile orders:read orders:write")
            .clientId("web-frontend")
            .jti("5e8a1b7c-3d2f-4a6e-8c9b-1f0d2e3a4b5c")
            .act(List.of("api-gateway"))
            .claim("tenant", "acme")
            .expiresIn(Duration.ofHours(1))
            .sign()
            .toCharArray();
    TokenInspector.Builder base = TokenInspector.builder().allowClaims("tenant");
    if (verify) {
      base.verificationKeys(TestTokens.jwkSet());
    }
    fresh = base.cacheSize(0).build();
    cached = base.cacheSize(TokenInspector.DEFAULT_CACHE_SIZE).build();
    cached.inspect(new String(token));
  }

  /** Baseline: nimbus parse and claims set, no hash, no verification. */
  @Benchmark
  public JWTClaimsSet nimbusParse() throws Exception {
    return SignedJWT.parse(new String(token)).getJWTClaimsSet();
  }

  /** Every request parses, hashes and (with keys) verifies. */
  @Benchmark
  public TokenFacts freshInspect() {
    return fresh.inspect(new String(token));
  }

  /** Every request after the first is a cache hit. */
  @Benchmark
  public TokenFacts cachedInspect() {
    return cached.inspect(new String(token));
  }

  public static void main(String[] args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = TokenInspectorBenchmark.class.getName();
    System.arraycopy(args, 0, all, 1, args.length);
    org.openjdk.jmh.Main.main(all);
  }
}
