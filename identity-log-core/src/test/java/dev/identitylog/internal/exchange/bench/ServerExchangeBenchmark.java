package dev.identitylog.internal.exchange.bench;

import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.HopLayer;
import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.protocol.ServerRequest;
import dev.identitylog.context.Scope;
import dev.identitylog.internal.exchange.ServerExchange;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import dev.identitylog.token.TokenInspector;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The whole per-request cost of the library on one hop, side by side in one run, so the ratios
 * hold on a noisy machine:
 *
 * <ul>
 *   <li>{@code bare}: no credentials, no headers: ids, timing, inference, the JSON line;
 *   <li>{@code mtlsAndJwt}: a client certificate (same object per TLS session, as containers
 *       hand it over), a signed access token, a {@code traceparent} and a request id: the common
 *       request of an API hop, with the library's caches warm;
 *   <li>{@code mtlsAndJwtUncached}: the same request with caches that never hit (every request a
 *       new certificate and token), the cost the caches save.
 * </ul>
 *
 * Each emits the canonical JSON line into a blackhole, as a file appender would receive it.
 *
 * <p>Not run by the build. To run it (about two minutes):
 *
 * <pre>
 * mvn -B -q -pl identity-log-core -am test-compile
 * mvn -B -q -pl identity-log-core exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath org.openjdk.jmh.Main ServerExchangeBenchmark"
 * </pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ServerExchangeBenchmark {
  private Blackhole blackhole;
  private IdentityLog cachedLog;
  private IdentityLog uncachedLog;
  private ServerRequest bare;
  private ServerRequest mtlsAndJwt;
  private ServerRequest[] rotating;
  private int next;

  @Setup
  public void setUp(Blackhole bh) {
    this.blackhole = bh;
    TestPki pki = TestPki.create("Bench Root");
    Credential client = pki.issue(TestPki.spiffeSvid("spiffe://example.org/ns/shop/sa/web"));
    String token = token(client.certificate());
    cachedLog = log(TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).build(), 4096);
    uncachedLog =
        log(TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).cacheSize(0).build(), 1);
    bare = new Request(null, null);
    mtlsAndJwt = new Request(client.certificate(), token);
    rotating = new ServerRequest[8];
    for (int i = 0; i < rotating.length; i++) {
      Credential c = pki.issue(TestPki.spiffeSvid("spiffe://example.org/ns/shop/sa/w" + i));
      rotating[i] = new Request(c.certificate(), token(c.certificate()));
    }
  }

  private IdentityLog log(TokenInspector tokens, int certificateCache) {
    return IdentityLog.builder()
        .serviceName("orders")
        .hopLayer(HopLayer.BACKEND)
        .tokenInspector(tokens)
        .certificateCacheSize(certificateCache)
        .addSink(e -> blackhole.consume(JsonLineWriter.toJson(e)))
        .build();
  }

  private static String token(X509Certificate certificate) {
    return TestTokens.rs256()
        .issuer("https://login.example.com/realms/main")
        .subject("spiffe://example.org/ns/shop/sa/web")
        .audiences("orders")
        .scope("orders:read orders:write")
        .cnfX5tS256(TestTokens.x5tS256(certificate))
        .expiresIn(Duration.ofHours(1))
        .sign();
  }

  private static Object serve(IdentityLog log, ServerRequest request) {
    ServerExchange x = ServerExchange.start(log, request);
    try (Scope ignored = x.makeCurrent()) {
      x.authzSucceeded("orders:read");
    }
    return x.finishHttp(200, null, null);
  }

  @Benchmark
  public Object bare() {
    return serve(cachedLog, bare);
  }

  @Benchmark
  public Object mtlsAndJwt() {
    return serve(cachedLog, mtlsAndJwt);
  }

  @Benchmark
  public Object mtlsAndJwtUncached() {
    next = (next + 1) & 7;
    return serve(uncachedLog, rotating[next]);
  }

  /** A request as the servlet adapter describes it. */
  private static final class Request implements HttpServerRequest {
    private final X509Certificate[] chain;
    private final String authorization;

    Request(X509Certificate certificate, String token) {
      this.chain = certificate == null ? null : new X509Certificate[] {certificate};
      this.authorization = token == null ? null : "Bearer " + token;
    }

    @Override
    public String header(String name) {
      if (chain == null) {
        return null;
      }
      switch (name.toLowerCase(java.util.Locale.ROOT)) {
        case "authorization":
          return authorization;
        case "traceparent":
          return "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        case "x-request-id":
          return "6f1c3a52-8d1e-4c8e-9a53-0c2a7e1d9b44";
        default:
          return null;
      }
    }

    @Override
    public String method() {
      return "GET";
    }

    @Override
    public String path() {
      return "/orders/42";
    }

    @Override
    public String peerAddress() {
      return "10.1.2.3";
    }

    @Override
    public X509Certificate[] peerCertificates() {
      return chain;
    }

    @Override
    public String tlsProtocol() {
      return "TLSv1.3";
    }
  }
}
