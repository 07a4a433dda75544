package dev.identitylog.bench.jmh;

import dev.identitylog.bench.CountingLogExporter;

import ch.qos.logback.classic.LoggerContext;
import dev.identitylog.IdentityLog;
import dev.identitylog.bench.CountingOutputStream;
import dev.identitylog.bench.Fixtures;
import dev.identitylog.bench.Hello;
import dev.identitylog.bench.Logging;
import dev.identitylog.emit.OpenTelemetryEventSink;
import dev.identitylog.emit.Slf4jEventSink;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * One request's whole cost as a service's process pays it: a real {@link IdentityLogFilter} called
 * the way a container calls it, in front of a servlet, its event through IdentityLog's sink, SLF4J
 * and a real Logback context configured as core's README recommends ({@code
 * IdentityEventFileAppender} with the shipped {@code IdentityEventEncoder}) into a stream that
 * counts the bytes instead of writing them. Request
 * and response are cheap stand-ins ({@link StubRequest}, {@link StubResponse}) so that the
 * container's own cost does not hide the library's.
 *
 * <ul>
 *   <li>{@code baseline}: the same servlet call without a filter, the floor of every other figure;
 *   <li>{@code warm}: bearer JWT + {@code traceparent} over plain HTTP, caches warm (the request
 *       the whole-server run sends);
 *   <li>{@code warmEncoderPath}: {@code warm} into Logback's own {@code OutputStreamAppender} with
 *       the same encoder (a {@code byte[]} per line, the event prepared for deferred processing),
 *       the configuration of a plain {@code FileAppender};
 *   <li>{@code mtlsJwtTraceparent}: the same plus a client certificate, caches warm;
 *   <li>{@code firstSeenCertificate}: a certificate the cache has not seen on every call;
 *   <li>{@code firstSeenToken}: a token the cache has not seen on every call;
 *   <li>{@code openTelemetry}: {@code warm} into the OpenTelemetry sink of an SDK whose exporter
 *       drops everything.
 * </ul>
 *
 * Run with {@code -prof gc} and read {@code gc.alloc.rate.norm} beside the time: see
 * docs/performance.md. The teardown fails a run whose filter wrote fewer lines than it was called
 * (on either path), so a broken pipeline cannot look fast.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class PipelineBenchmark {
  /** Distinct credentials cycled through by the first-seen variants; the caches hold one. */
  private static final int ROTATION = 16;

  /** The logger of {@code warmEncoderPath}'s events, routed to Logback's own appender. */
  static final String ENCODER_PATH_LOGGER = "identity.events.encoder-path";

  private final CountingOutputStream out = new CountingOutputStream();
  private final CountingOutputStream encoderPathOut = new CountingOutputStream();
  private final LongAdder exported = new LongAdder();
  private long loggedCalls;
  private long encoderPathCalls;
  private long otelCalls;
  private Hello hello;
  private FilterChain servlet;
  private Filter warmFilter;
  private Filter encoderPathFilter;
  private Filter firstSeenCertificateFilter;
  private Filter firstSeenTokenFilter;
  private Filter openTelemetryFilter;
  private StubRequest jwtRequest;
  private StubRequest mtlsRequest;
  private StubRequest rotatingCertificateRequest;
  private StubRequest rotatingTokenRequest;
  private StubResponse response;
  private X509Certificate[][] certificates;
  private String[] tokens;
  private int next;
  private SdkLoggerProvider loggerProvider;

  @Setup(Level.Trial)
  public void setUp() {
    LoggerContext logback = Logging.reset();
    Logging.identityEventsTo(logback, out);
    Logging.identityEventsThroughEncoderTo(logback, ENCODER_PATH_LOGGER, encoderPathOut);

    TestPki pki = TestPki.create("Bench Root");
    Credential client = pki.issue(TestPki.spiffeSvid("spiffe://example.org/ns/shop/sa/web"));
    String token = Fixtures.token();
    certificates = new X509Certificate[ROTATION][];
    tokens = new String[ROTATION];
    for (int i = 0; i < ROTATION; i++) {
      Credential c = pki.issue(TestPki.spiffeSvid("spiffe://example.org/ns/shop/sa/w" + i));
      certificates[i] = new X509Certificate[] {c.certificate()};
      tokens[i] = "Bearer " + Fixtures.token("spiffe://example.org/ns/shop/sa/w" + i, Duration.ofHours(4));
    }

    hello = new Hello();
    servlet = (req, res) -> {
      try {
        hello.service(req, res);
      } catch (ServletException e) {
        throw new IOException(e);
      }
    };
    warmFilter = filter(IdentityLog.builder()
        .serviceName("orders").tokenInspector(Fixtures.tokenInspector()).build());
    encoderPathFilter = filter(IdentityLog.builder()
        .serviceName("orders").tokenInspector(Fixtures.tokenInspector())
        .addSink(Slf4jEventSink.create(logback.getLogger(ENCODER_PATH_LOGGER))).build());
    firstSeenCertificateFilter = filter(IdentityLog.builder()
        .serviceName("orders").tokenInspector(Fixtures.tokenInspector())
        .certificateCacheSize(1).build());
    firstSeenTokenFilter = filter(IdentityLog.builder()
        .serviceName("orders").tokenInspector(Fixtures.tokenInspector(1)).build());

    loggerProvider = SdkLoggerProvider.builder()
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(new CountingLogExporter(exported)))
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setLoggerProvider(loggerProvider).build();
    openTelemetryFilter = filter(IdentityLog.builder()
        .serviceName("orders").tokenInspector(Fixtures.tokenInspector())
        .addSink(OpenTelemetryEventSink.create(sdk)).build());

    String bearer = "Bearer " + token;
    jwtRequest = new StubRequest(null,
        "Authorization", bearer, "traceparent", Fixtures.TRACEPARENT, "Host", "localhost:8080");
    mtlsRequest = new StubRequest(new X509Certificate[] {client.certificate()},
        "Authorization", bearer, "traceparent", Fixtures.TRACEPARENT, "Host", "localhost:8080");
    rotatingCertificateRequest = new StubRequest(certificates[0],
        "Authorization", bearer, "traceparent", Fixtures.TRACEPARENT, "Host", "localhost:8080");
    rotatingTokenRequest = new StubRequest(null,
        "Authorization", tokens[0], "traceparent", Fixtures.TRACEPARENT, "Host", "localhost:8080");
    response = new StubResponse();
  }

  private static Filter filter(IdentityLog log) {
    return IdentityLogFilter.builder(log).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    loggerProvider.close();
    Logging.reset();
    if (out.lines() != loggedCalls) {
      throw new IllegalStateException(
          "the filter wrote " + out.lines() + " lines for " + loggedCalls + " requests");
    }
    if (encoderPathOut.lines() != encoderPathCalls) {
      throw new IllegalStateException("the encoder path wrote " + encoderPathOut.lines()
          + " lines for " + encoderPathCalls + " requests");
    }
    if (exported.sum() != otelCalls) {
      throw new IllegalStateException(
          "OpenTelemetry exported " + exported.sum() + " records for " + otelCalls + " requests");
    }
  }

  /** Bytes written so far and calls made, for the smoke test. */
  long bytesWritten() {
    return out.bytes();
  }

  long linesWritten() {
    return out.lines();
  }

  long encoderPathLines() {
    return encoderPathOut.lines();
  }

  long exportedRecords() {
    return exported.sum();
  }

  private int serve(Filter filter, StubRequest request) throws IOException, ServletException {
    request.ready();
    response.ready();
    filter.doFilter(request, response, servlet);
    return response.getStatus();
  }

  @Benchmark
  public int baseline() throws IOException, ServletException {
    jwtRequest.ready();
    response.ready();
    servlet.doFilter(jwtRequest, response);
    return response.getStatus();
  }

  @Benchmark
  public int warm() throws IOException, ServletException {
    loggedCalls++;
    return serve(warmFilter, jwtRequest);
  }

  @Benchmark
  public int warmEncoderPath() throws IOException, ServletException {
    encoderPathCalls++;
    return serve(encoderPathFilter, jwtRequest);
  }

  @Benchmark
  public int mtlsJwtTraceparent() throws IOException, ServletException {
    loggedCalls++;
    return serve(warmFilter, mtlsRequest);
  }

  @Benchmark
  public int firstSeenCertificate() throws IOException, ServletException {
    loggedCalls++;
    next = (next + 1) % ROTATION;
    rotatingCertificateRequest.certificate(certificates[next]);
    return serve(firstSeenCertificateFilter, rotatingCertificateRequest);
  }

  @Benchmark
  public int firstSeenToken() throws IOException, ServletException {
    loggedCalls++;
    next = (next + 1) % ROTATION;
    rotatingTokenRequest.header("Authorization", tokens[next]);
    return serve(firstSeenTokenFilter, rotatingTokenRequest);
  }

  @Benchmark
  public int openTelemetry() throws IOException, ServletException {
    otelCalls++;
    return serve(openTelemetryFilter, jwtRequest);
  }
}
