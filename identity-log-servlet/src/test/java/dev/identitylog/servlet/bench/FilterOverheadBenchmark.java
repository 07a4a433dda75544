package dev.identitylog.servlet.bench;

import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import dev.identitylog.token.TokenInspector;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the filter adds to a real request: one Jetty server over mTLS with two identical servlets,
 * one behind {@link IdentityLogFilter} and one without, called alternately by the same keep-alive
 * client with a client certificate and a signed bearer token. The ratio logged/plain is the
 * library's cost on the request path, measured side by side in one run.
 *
 * <p>Not run by the build. To run it:
 *
 * <pre>
 * mvn -B -q -pl identity-log-servlet -am test-compile
 * mvn -B -q -pl identity-log-servlet exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath org.openjdk.jmh.Main FilterOverheadBenchmark"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FilterOverheadBenchmark {
  private final LongAdder lines = new LongAdder();
  private final LongAdder loggedCalls = new LongAdder();
  private Server server;
  private OkHttpClient client;
  private Request plain;
  private Request logged;

  @Setup(Level.Trial)
  public void start() throws Exception {
    TestPki pki = TestPki.create("Bench Root");
    Credential serverCredential = pki.issue(TestPki.server("localhost"));
    Credential clientCredential = pki.issue(TestPki.spiffeSvid("spiffe://example.org/ns/shop/sa/web"));
    IdentityLog log = IdentityLog.builder()
        .serviceName("bench")
        .tokenInspector(TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).build())
        .addSink(e -> {
          if (JsonLineWriter.toJson(e).length() > 0) {
            lines.increment();
          }
        })
        .build();

    server = new Server();
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(serverCredential.serverSslContext());
    tls.setWantClientAuth(true);
    HttpConfiguration http = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(
        server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    server.addConnector(connector);

    ServletContextHandler plainContext = new ServletContextHandler("/plain");
    plainContext.addServlet(new ServletHolder(new Hello()), "/*");
    ServletContextHandler loggedContext = new ServletContextHandler("/logged");
    loggedContext.addServlet(new ServletHolder(new Hello()), "/*");
    loggedContext.addFilter(new FilterHolder(IdentityLogFilter.builder(log).build()), "/*",
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    server.setHandler(new ContextHandlerCollection(plainContext, loggedContext));
    server.start();

    client = new OkHttpClient.Builder()
        .sslSocketFactory(clientCredential.clientSslContext(pki).getSocketFactory(),
            (X509TrustManager) pki.trustManager())
        .hostnameVerifier((h, s) -> true)
        .build();
    String token = TestTokens.rs256().audiences("orders").scope("orders:read")
        .cnfX5tS256(TestTokens.x5tS256(clientCredential.certificate()))
        .expiresIn(Duration.ofHours(1)).sign();
    String base = "https://127.0.0.1:" + connector.getLocalPort();
    plain = new Request.Builder().url(base + "/plain/orders/42")
        .header("Authorization", "Bearer " + token)
        .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").build();
    logged = plain.newBuilder().url(base + "/logged/orders/42").build();
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    server.stop();
    if (loggedCalls.sum() > 0 && lines.sum() == 0) {
      throw new IllegalStateException("the filter logged nothing: the benchmark measured nothing");
    }
  }

  private int call(Request request) throws IOException {
    try (Response r = client.newCall(request).execute()) {
      return r.body().bytes().length;
    }
  }

  @Benchmark
  public int plain() throws IOException {
    return call(plain);
  }

  @Benchmark
  public int logged() throws IOException {
    loggedCalls.increment();
    return call(logged);
  }

  /** The same small answer on both paths. */
  public static final class Hello extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("application/json");
      resp.getWriter().write("{\"order\":42}");
    }
  }
}
