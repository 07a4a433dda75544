package dev.identitylog.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenType;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.context.RequestContext;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.context.Scope;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.TestRequests;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * What every OkHttp client call must log and send, run against real HTTPS servers by one small
 * subclass per server. The receiving server records the headers it read, so propagation is
 * checked where it matters: on the wire.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractClientSuite {
  static final TestPki PKI = TestPki.create("okhttp suite root");
  static final Credential SERVER = PKI.issue(TestPki.server("localhost"));
  static final Duration WAIT = Duration.ofSeconds(5);

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN = "00f067aa0ba902b7";

  TestServer server;
  CollectingSink sink;

  /** Starts the server under test, presenting {@code credential}. */
  abstract TestServer startServer(Credential credential) throws Exception;

  @BeforeAll
  void startServer() throws Exception {
    server = startServer(SERVER);
  }

  @AfterAll
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void reset() throws InterruptedException {
    sink = new CollectingSink();
    while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
      // drop what earlier tests left behind (e.g. the tail of a redirect loop)
    }
  }

  // ------------------------------------------------------------------ fixtures

  IdentityLog log() {
    return log(b -> {});
  }

  IdentityLog log(Consumer<IdentityLog.Builder> config) {
    IdentityLog.Builder b = IdentityLog.builder().serviceName("caller").addSink(sink);
    config.accept(b);
    return b.build();
  }

  static OkHttpClient.Builder clientBuilder() {
    return new OkHttpClient.Builder()
        .sslSocketFactory(PKI.trustOnlySslContext().getSocketFactory(), PKI.trustManager())
        .connectTimeout(2, TimeUnit.SECONDS)
        .readTimeout(2, TimeUnit.SECONDS);
  }

  static Call.Factory calls(IdentityLog log) {
    return IdentityLogOkHttp.create(log).newCallFactory(clientBuilder().build());
  }

  Request get(String path) {
    return new Request.Builder().url(server.url(path)).build();
  }

  static ServerRecord inbound(IdentityLog log, Map<String, String> headers) {
    return inbound(log, headers, null);
  }

  /** A request this hop received, as a servlet filter would report it. */
  static ServerRecord inbound(
      IdentityLog log, Map<String, String> headers, X509Certificate[] peerCertificates) {
    return ServerHandler.create(log).start(
        TestRequests.server("GET", "/front").headers(headers).peerCertificates(peerCertificates).build());
  }

  static Map<String, String> traceHeaders() {
    Map<String, String> h = new HashMap<>();
    h.put("traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01");
    h.put("tracestate", "vendor=opaque-value");
    h.put("X-Request-ID", "req-inbound-1");
    return h;
  }

  static String execute(Call.Factory calls, Request request) throws IOException {
    try (Response response = calls.newCall(request).execute()) {
      return response.code() + " " + response.body().string();
    }
  }

  static String upperHexSha256(byte[] bytes) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
    StringBuilder sb = new StringBuilder();
    for (byte b : d) {
      sb.append(String.format("%02X", b));
    }
    return sb.toString();
  }

  /** identity.token.hash: the first 16 bytes of SHA-256 over the raw token, lowercase hex. */
  static String tokenHash(String token) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      sb.append(String.format("%02x", d[i]));
    }
    return sb.toString();
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void assertFailure(IdentityEvent e, Reason reason) {
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isEqualTo(reason);
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(reason);
  }

  // ------------------------------------------------------------------ success

  @Test
  void successLogsOneClientEventWithTheCallFactsAndServerCertificate() throws Exception {
    IdentityLog log = log();
    String token = TestTokens.rs256().audience("orders-api").scope("orders:read").sign();
    Request request =
        new Request.Builder()
            .url(server.url("/ok?api_key=s3cr3t&x=1"))
            .header("Authorization", "Bearer " + token)
            .build();

    assertThat(execute(calls(log), request)).isEqualTo("200 hello");

    IdentityEvent e = sink.single();
    assertThat(e.get(Fields.EVENT_NAME)).isEqualTo(EventName.CLIENT);
    assertThat(e.get(Fields.SERVICE_NAME)).isEqualTo("caller");
    assertThat(e.get(Fields.HTTP_REQUEST_METHOD)).isEqualTo("GET");
    assertThat(e.get(Fields.URL_FULL)).isEqualTo("https://localhost:" + server.port() + "/ok");
    assertThat(e.get(Fields.SERVER_ADDRESS)).isEqualTo("localhost");
    assertThat(e.get(Fields.SERVER_PORT)).isEqualTo((long) server.port());
    assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(e.get(Fields.CLIENT_ATTEMPTS)).isEqualTo(1L);
    assertThat(e.get(Fields.EVENT_DURATION)).isPositive();
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.SUCCESS);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.has(Fields.DEPENDENCY_REASON)).isFalse();
    assertThat(e.has(Fields.ERROR_TYPE)).isFalse();

    // The called server's certificate, from this call's own handshake.
    X509Certificate cert = server.certificate();
    assertThat(e.get(Fields.TLS_SERVER_SUBJECT)).isEqualTo("CN=localhost");
    assertThat(e.get(Fields.TLS_SERVER_HASH_SHA256)).isEqualTo(upperHexSha256(cert.getEncoded()));
    assertThat(e.get(Fields.TLS_SERVER_NOT_AFTER)).isEqualTo(cert.getNotAfter().toInstant());
    assertThat(e.get(Fields.TLS_PROTOCOL_VERSION)).matches("1\\.[23]"); // OpenTelemetry's form of TLSv1.x
    assertThat(e.get(Fields.TLS_CIPHER)).startsWith("TLS_");

    // The outbound token's facts: its audience shows which API it was minted (exchanged) for.
    assertThat(e.get(Fields.TOKEN_TYPE)).isEqualTo(TokenType.JWT);
    assertThat(e.get(Fields.TOKEN_AUDIENCE)).containsExactly("orders-api");
    assertThat(e.get(Fields.TOKEN_SCOPES)).containsExactly("orders:read");
    assertThat(e.get(Fields.TOKEN_HASH)).isEqualTo(tokenHash(token));

    // Never the Authorization value, nor the query.
    String json = JsonLineWriter.toJson(e);
    assertThat(json).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    assertThat(json).doesNotContain("s3cr3t").doesNotContain("Bearer");
  }

  @Test
  void urlCredentialsAndFragmentsAreNotLogged() throws Exception {
    Request request =
        new Request.Builder()
            .url("https://svc-user:pa55word@localhost:" + server.port() + "/ok?token=abc#frag")
            .build();
    execute(calls(log()), request);

    IdentityEvent e = sink.single();
    assertThat(e.get(Fields.URL_FULL)).isEqualTo("https://localhost:" + server.port() + "/ok");
    assertThat(JsonLineWriter.toJson(e)).doesNotContain("pa55word").doesNotContain("svc-user");
  }

  @Test
  void propagatesANewSpanOfTheCurrentTraceWithTraceStateAndRequestId() throws Exception {
    IdentityLog log = log();
    Call.Factory calls = calls(log);
    ServerRecord parent = inbound(log, traceHeaders());

    try (Scope ignored = parent.makeCurrent()) {
      execute(calls, get("/ok"));
      execute(calls, get("/ok"));
    }

    Received first = server.takeRequest();
    Received second = server.takeRequest();
    List<IdentityEvent> events = sink.events();
    assertThat(events).hasSize(2);
    IdentityEvent e = events.get(0);
    assertThat(e.get(Fields.TRACE_ID)).isEqualTo(TRACE_ID);
    assertThat(e.get(Fields.SPAN_PARENT_ID)).isEqualTo(parent.spanId());
    assertThat(e.get(Fields.SPAN_ID)).isNotEqualTo(parent.spanId()).isNotEqualTo(PARENT_SPAN);
    assertThat(e.get(Fields.REQUEST_ID)).isEqualTo("req-inbound-1");
    assertThat(first.header("traceparent"))
        .isEqualTo("00-" + TRACE_ID + "-" + e.get(Fields.SPAN_ID) + "-01");
    assertThat(first.header("tracestate")).isEqualTo("vendor=opaque-value");
    assertThat(first.header("X-Request-ID")).isEqualTo("req-inbound-1");
    assertThat(first.headers("traceparent")).hasSize(1);

    // A new span id per call.
    IdentityEvent e2 = events.get(1);
    assertThat(e2.get(Fields.SPAN_ID)).isNotEqualTo(e.get(Fields.SPAN_ID));
    assertThat(second.header("traceparent"))
        .isEqualTo("00-" + TRACE_ID + "-" + e2.get(Fields.SPAN_ID) + "-01");
  }

  @Test
  void withoutAnInboundRequestACallStartsItsOwnTrace() throws Exception {
    execute(calls(log()), get("/ok"));

    IdentityEvent e = sink.single();
    Received r = server.takeRequest();
    assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.GENERATED);
    assertThat(e.get(Fields.TRACE_ID)).matches("[0-9a-f]{32}");
    assertThat(r.header("traceparent"))
        .isEqualTo("00-" + e.get(Fields.TRACE_ID) + "-" + e.get(Fields.SPAN_ID) + "-01");
    assertThat(r.header("X-Request-ID")).isEqualTo(e.get(Fields.REQUEST_ID));
    assertThat(r.header("tracestate")).isNull();
  }

  @Test
  void headersTheApplicationSetAreNotOverwritten() throws Exception {
    IdentityLog log = log();
    ServerRecord parent = inbound(log, traceHeaders());
    String own = "00-11111111111111111111111111111111-2222222222222222-00";
    Request request =
        new Request.Builder()
            .url(server.url("/ok"))
            .header("traceparent", own)
            .header("x-request-id", "app-chosen")
            .build();

    try (Scope ignored = parent.makeCurrent()) {
      execute(calls(log), request);
    }

    Received r = server.takeRequest();
    assertThat(r.headers("traceparent")).containsExactly(own);
    assertThat(r.headers("X-Request-ID")).containsExactly("app-chosen");
    assertThat(r.header("tracestate")).isEqualTo("vendor=opaque-value"); // not set by the app
  }

  @Test
  void theRequestIdHeaderNameIsConfigurable() throws Exception {
    IdentityLog log = log(b -> b.requestIdHeader("X-Correlation-ID"));
    execute(calls(log), get("/ok"));

    Received r = server.takeRequest();
    assertThat(r.header("X-Correlation-ID")).isEqualTo(sink.single().get(Fields.REQUEST_ID));
    assertThat(r.header("X-Request-ID")).isNull();
  }

  @Test
  void theResponseBodyIsLeftToTheApplicationAndTheEventIsEmittedAtTheHeaders() throws Exception {
    Call.Factory calls = calls(log());
    try (Response response = calls.newCall(get("/stream")).execute()) {
      // The body has not been sent yet: the event exists anyway, so nothing waited for the body.
      IdentityEvent e = sink.single();
      assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
      server.releaseStream();
      assertThat(response.body().string()).isEqualTo("late-body");
    }
    assertThat(sink.events()).hasSize(1);
  }

  // ------------------------------------------------------------------ attempts

  @Test
  void aRedirectIsOneCallWithTwoAttempts() throws Exception {
    assertThat(execute(calls(log()), get("/redirect"))).isEqualTo("200 hello");

    IdentityEvent e = sink.single();
    assertThat(e.get(Fields.CLIENT_ATTEMPTS)).isEqualTo(2L);
    assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(e.get(Fields.URL_FULL)).endsWith("/redirect");
    // Both attempts carry the call's span.
    String traceparent = "00-" + e.get(Fields.TRACE_ID) + "-" + e.get(Fields.SPAN_ID) + "-01";
    assertThat(server.takeRequest().header("traceparent")).isEqualTo(traceparent);
    Received followUp = server.takeRequest();
    assertThat(followUp.path).isEqualTo("/ok");
    assertThat(followUp.headers("traceparent")).containsExactly(traceparent);
  }

  @Test
  void aRetryIsOneCallWithTwoAttempts() throws Exception {
    String path = "/flaky/" + UUID.randomUUID();
    assertThat(execute(calls(log()), get(path))).isEqualTo("200 flaky 200");

    IdentityEvent e = sink.single();
    assertThat(e.get(Fields.CLIENT_ATTEMPTS)).isEqualTo(2L);
    assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(server.takeRequest().path).isEqualTo(path);
    assertThat(server.takeRequest().path).isEqualTo(path);
  }

  @Test
  void endlessRedirectsAreRetryExhausted() throws Exception {
    Throwable thrown = catchThrowable(() -> execute(calls(log()), get("/loop")));

    assertThat(thrown).isInstanceOf(ProtocolException.class);
    IdentityEvent e = sink.single();
    assertFailure(e, Reason.RETRY_EXHAUSTED);
    assertThat(e.get(Fields.CLIENT_ATTEMPTS)).isGreaterThan(20L);
    assertThat(e.has(Fields.HTTP_RESPONSE_STATUS_CODE)).isFalse();
  }

  // ------------------------------------------------------------------ failures

  @ParameterizedTest
  @CsvSource({
    "401, upstream_unauthenticated",
    "403, upstream_forbidden",
    "503, upstream_unavailable",
    "500, upstream_error",
    "502, upstream_error"
  })
  void anErrorStatusIsADependencyFailureAndTheResponseIsUnchanged(int status, String reason)
      throws Exception {
    assertThat(execute(calls(log()), get("/status/" + status)))
        .isEqualTo(status + " status " + status);

    IdentityEvent e = sink.single();
    assertFailure(e, Reason.fromCode(reason));
    assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo((long) status);
    assertThat(e.get(Fields.DEPENDENCY_STATUS)).isEqualTo(Integer.toString(status));
    assertThat(e.get(Fields.DEPENDENCY_NAME)).isEqualTo("localhost");
  }

  @Test
  void throttlingFailsTheCallWithoutADependencyReason() throws Exception {
    execute(calls(log()), get("/status/429"));

    IdentityEvent e = sink.single();
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.THROTTLED);
    assertThat(e.has(Fields.DEPENDENCY_REASON)).isFalse();
    assertThat(e.get(Fields.DEPENDENCY_STATUS)).isEqualTo("429");
  }

  @Test
  void aClientErrorOtherThan401And403IsNotADependencyFailure() throws Exception {
    execute(calls(log()), get("/status/404"));

    IdentityEvent e = sink.single();
    assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(404L);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void theDependencyNameIsConfigurablePerHost() throws Exception {
    IdentityLog log = log(b -> b.dependencyName("LocalHost", "inventory"));
    execute(calls(log), get("/status/503"));

    assertThat(sink.single().get(Fields.DEPENDENCY_NAME)).isEqualTo("inventory");
  }

  @Test
  void anUnresolvableHostIsADnsFailure() throws Exception {
    Request request = new Request.Builder().url("https://no-such-host.invalid/ok").build();

    Throwable thrown = catchThrowable(() -> execute(calls(log()), request));

    assertThat(thrown).isInstanceOf(UnknownHostException.class);
    IdentityEvent e = sink.single();
    assertFailure(e, Reason.DNS_FAILURE);
    assertThat(e.get(Fields.SERVER_ADDRESS)).isEqualTo("no-such-host.invalid");
    assertThat(e.get(Fields.DEPENDENCY_NAME)).isEqualTo("no-such-host.invalid");
  }

  @Test
  void aDroppedConnectionIsAReset() throws Exception {
    assumeTrue(server.dropsConnectionsOnReset(), server + " cannot drop a connection per route");
    OkHttpClient client = clientBuilder().retryOnConnectionFailure(false).build();
    Call.Factory calls = IdentityLogOkHttp.create(log()).newCallFactory(client);

    Throwable thrown = catchThrowable(() -> execute(calls, get("/reset")));

    assertThat(thrown).isInstanceOf(IOException.class);
    IdentityEvent e = sink.single();
    assertFailure(e, Reason.RESET);
    assertThat(e.get(Fields.CLIENT_ATTEMPTS)).isEqualTo(1L);
  }

  @Test
  void exceptionsReachTheCallerUnchanged() throws Exception {
    IOException io = new IOException("thrown by the application's network interceptor");
    IllegalStateException runtime = new IllegalStateException("also the application's");
    AtomicReference<RuntimeException> nextRuntime = new AtomicReference<>();
    OkHttpClient client =
        clientBuilder()
            .retryOnConnectionFailure(false)
            .addNetworkInterceptor(
                chain -> {
                  RuntimeException r = nextRuntime.get();
                  if (r != null) {
                    throw r;
                  }
                  throw io;
                })
            .build();
    Call.Factory calls = IdentityLogOkHttp.create(log()).newCallFactory(client);

    assertThat(catchThrowable(() -> execute(calls, get("/ok")))).isSameAs(io);
    nextRuntime.set(runtime);
    assertThat(catchThrowable(() -> execute(calls, get("/ok")))).isSameAs(runtime);

    List<IdentityEvent> events = sink.awaitEvents(2, WAIT);
    assertThat(events).allSatisfy(e -> assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE));
  }

  // ------------------------------------------------------------------ threads

  @Test
  void anEnqueuedCallCarriesTheRequestItWasCreatedFor() throws Exception {
    IdentityLog log = log();
    ServerRecord parent = inbound(log, traceHeaders());
    CompletableFuture<String> body = new CompletableFuture<>();
    Call call;
    try (Scope ignored = parent.makeCurrent()) {
      call = calls(log).newCall(get("/ok"));
    }
    // Enqueued after the scope closed, run on OkHttp's dispatcher: the call remembers anyway.
    call.enqueue(
        new Callback() {
          @Override
          public void onResponse(Call c, Response response) throws IOException {
            try (Response r = response) {
              body.complete(r.body().string());
            }
          }

          @Override
          public void onFailure(Call c, IOException e) {
            body.completeExceptionally(e);
          }
        });

    assertThat(body.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
    IdentityEvent e = sink.awaitEvents(1, WAIT).get(0);
    assertThat(e.get(Fields.TRACE_ID)).isEqualTo(TRACE_ID);
    assertThat(e.get(Fields.SPAN_PARENT_ID)).isEqualTo(parent.spanId());
    Received r = server.takeRequest();
    assertThat(r.header("traceparent")).startsWith("00-" + TRACE_ID + "-" + e.get(Fields.SPAN_ID));
    assertThat(r.header("X-Request-ID")).isEqualTo("req-inbound-1");
  }

  @Test
  void aFailedEnqueuedCallReachesTheCallbackUnchangedAndIsLogged() throws Exception {
    Request request = new Request.Builder().url("https://localhost:" + closedPort() + "/").build();
    CompletableFuture<IOException> failure = new CompletableFuture<>();
    calls(log())
        .newCall(request)
        .enqueue(
            new Callback() {
              @Override
              public void onResponse(Call c, Response response) {
                response.close();
                failure.complete(null);
              }

              @Override
              public void onFailure(Call c, IOException e) {
                failure.complete(e);
              }
            });

    assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(ConnectException.class);
    assertFailure(sink.awaitEvents(1, WAIT).get(0), Reason.CONNECT_FAILURE);
  }

  @Test
  void anEnqueuedCallKeepsTheOpenTelemetrySpanItWasCreatedIn() throws Exception {
    String otelTrace = "5b8aa5a2d2c872e8321cf37308d69df2";
    String otelSpan = "051581bf3cb55c13";
    Span span =
        Span.wrap(
            SpanContext.create(otelTrace, otelSpan, TraceFlags.getSampled(), TraceState.getDefault()));
    Call call;
    try (io.opentelemetry.context.Scope ignored = Context.current().with(span).makeCurrent()) {
      call = calls(log()).newCall(get("/ok"));
    }
    CompletableFuture<Integer> code = new CompletableFuture<>();
    call.enqueue(
        new Callback() {
          @Override
          public void onResponse(Call c, Response response) {
            response.close();
            code.complete(response.code());
          }

          @Override
          public void onFailure(Call c, IOException e) {
            code.completeExceptionally(e);
          }
        });

    assertThat(code.get(5, TimeUnit.SECONDS)).isEqualTo(200);
    IdentityEvent e = sink.awaitEvents(1, WAIT).get(0);
    assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.OTEL);
    assertThat(e.get(Fields.TRACE_ID)).isEqualTo(otelTrace);
    assertThat(e.get(Fields.SPAN_PARENT_ID)).isEqualTo(otelSpan);
    assertThat(server.takeRequest().header("traceparent")).startsWith("00-" + otelTrace + "-");
  }

  @Test
  void anApplicationExecutorCarriesTheRequestThroughWrap() throws Exception {
    IdentityLog log = log();
    Call.Factory calls = calls(log);
    ServerRecord parent = inbound(log, traceHeaders());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> done;
      try (Scope ignored = parent.makeCurrent()) {
        done =
            pool.submit(
                RequestContext.wrap(parent, 
                    () -> {
                      try {
                        execute(calls, get("/ok"));
                      } catch (IOException e) {
                        throw new IllegalStateException(e);
                      }
                    }));
      }
      done.get(5, TimeUnit.SECONDS);
      // Without wrap, the same executor thread has no request bound.
      pool.submit(() -> execute(calls, get("/ok"))).get(5, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    List<IdentityEvent> events = sink.events();
    assertThat(events).hasSize(2);
    assertThat(events.get(0).get(Fields.TRACE_ID)).isEqualTo(TRACE_ID);
    assertThat(events.get(0).get(Fields.SPAN_PARENT_ID)).isEqualTo(parent.spanId());
    assertThat(events.get(1).get(Fields.TRACE_ID)).isNotEqualTo(TRACE_ID);
  }

  // ------------------------------------------------------------------ the request's event

  @Test
  void aFailedCallIsReportedIntoTheRequestBeingServed() throws Exception {
    IdentityLog log = log(b -> b.dependencyName("localhost", "inventory"));
    ServerRecord parent = inbound(log, traceHeaders());
    try (Scope ignored = parent.makeCurrent()) {
      execute(calls(log), get("/status/503"));
    }
    IdentityEvent serverEvent = ServerHandler.create(log).finish(parent, HttpServerResponse.of(503, null, null));

    assertThat(serverEvent.get(Fields.EVENT_NAME)).isEqualTo(EventName.SERVER);
    assertThat(serverEvent.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(serverEvent.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(serverEvent.get(Fields.DEPENDENCY_NAME)).isEqualTo("inventory");
    assertThat(serverEvent.get(Fields.DEPENDENCY_STATUS)).isEqualTo("503");
    assertThat(serverEvent.get(Fields.DEPENDENCY_INFERRED)).isTrue();
  }

  @Test
  void aConnectionFailureIsReportedIntoTheRequestBeingServed() throws Exception {
    IdentityLog log = log();
    ServerRecord parent = inbound(log, traceHeaders());
    Request request = new Request.Builder().url("https://localhost:" + closedPort() + "/").build();
    try (Scope ignored = parent.makeCurrent()) {
      catchThrowable(() -> execute(calls(log), request));
    }
    IdentityEvent serverEvent = ServerHandler.create(log).finish(parent, HttpServerResponse.of(502, null, null));

    assertThat(serverEvent.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(serverEvent.get(Fields.DEPENDENCY_NAME)).isEqualTo("localhost");
    assertThat(serverEvent.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CONNECT_FAILURE);
  }

  // ------------------------------------------------------------------ Client-Cert

  @Test
  void theInboundClientCertificateIsForwardedOnlyWhereConfigured() throws Exception {
    Credential client = PKI.issue(TestPki.leaf("CN=edge-client").clientAuth());
    X509Certificate[] chain = client.chain().toArray(new X509Certificate[0]);

    IdentityLog configured = log(b -> b.forwardClientCertTo("localhost"));
    ServerRecord parent = inbound(configured, traceHeaders(), chain);
    try (Scope ignored = parent.makeCurrent()) {
      execute(calls(configured), get("/ok"));
    }
    String header = server.takeRequest().header("Client-Cert");
    assertThat(header).startsWith(":").endsWith(":");
    byte[] der = Base64.getDecoder().decode(header.substring(1, header.length() - 1));
    assertThat(der).isEqualTo(client.certificate().getEncoded());

    IdentityLog notConfigured = log();
    ServerRecord other = inbound(notConfigured, traceHeaders(), chain);
    try (Scope ignored = other.makeCurrent()) {
      execute(calls(notConfigured), get("/ok"));
    }
    assertThat(server.takeRequest().header("Client-Cert")).isNull();
  }

  @Test
  void theClientCertificateDoesNotFollowARedirectToAnotherHost() throws Exception {
    Credential client = PKI.issue(TestPki.leaf("CN=edge-client").clientAuth());
    IdentityLog log = log(b -> b.forwardClientCertTo("localhost"));
    ServerRecord parent =
        inbound(log, traceHeaders(), client.chain().toArray(new X509Certificate[0]));
    try (Scope ignored = parent.makeCurrent()) {
      assertThat(execute(calls(log), get("/redirect-ip"))).isEqualTo("200 hello");
    }

    Received first = server.takeRequest();
    Received second = server.takeRequest();
    assertThat(first.header("Client-Cert")).isNotNull();
    assertThat(second.path).isEqualTo("/ok");
    assertThat(second.header("Client-Cert")).isNull(); // 127.0.0.1 was not configured
    assertThat(second.header("traceparent")).isEqualTo(first.header("traceparent"));
  }

  @Test
  void aClientCertificateTheApplicationSetIsKept() throws Exception {
    Credential client = PKI.issue(TestPki.leaf("CN=edge-client").clientAuth());
    IdentityLog log = log(b -> b.forwardClientCertTo("localhost"));
    ServerRecord parent =
        inbound(log, traceHeaders(), client.chain().toArray(new X509Certificate[0]));
    Request request =
        new Request.Builder().url(server.url("/ok")).header("client-cert", ":AAAA:").build();
    try (Scope ignored = parent.makeCurrent()) {
      execute(calls(log), request);
    }
    assertThat(server.takeRequest().headers("Client-Cert")).containsExactly(":AAAA:");
  }

  // ------------------------------------------------------------------ settings and safety

  @Test
  void propagationCanBeTurnedOffWhileCallsAreStillLogged() throws Exception {
    IdentityLog log = log();
    Call.Factory calls =
        IdentityLogOkHttp.builder(log).propagate(false).build().newCallFactory(clientBuilder().build());
    ServerRecord parent = inbound(log, traceHeaders());
    try (Scope ignored = parent.makeCurrent()) {
      execute(calls, get("/ok"));
    }

    Received r = server.takeRequest();
    assertThat(r.header("traceparent")).isNull();
    assertThat(r.header("tracestate")).isNull();
    assertThat(r.header("X-Request-ID")).isNull();
    assertThat(sink.single().get(Fields.TRACE_ID)).isEqualTo(TRACE_ID);
  }

  @Test
  void outboundTokenFactsCanBeTurnedOff() throws Exception {
    IdentityLog log = log();
    Call.Factory calls =
        IdentityLogOkHttp.builder(log)
            .recordOutboundToken(false)
            .build()
            .newCallFactory(clientBuilder().build());
    String token = TestTokens.rs256().audience("orders-api").sign();
    execute(
        calls,
        new Request.Builder().url(server.url("/ok")).header("Authorization", "Bearer " + token).build());

    IdentityEvent e = sink.single();
    assertThat(e.has(Fields.TOKEN_HASH)).isFalse();
    assertThat(e.has(Fields.TOKEN_AUDIENCE)).isFalse();
    assertThat(server.takeRequest().header("Authorization")).isEqualTo("Bearer " + token);
  }

  @Test
  void twoAuthorizationLinesAreNoTokenOfEither() throws Exception {
    String first = TestTokens.rs256().audience("orders-api").sign();
    String second = TestTokens.rs256().audience("other-api").sign();
    execute(
        IdentityLogOkHttp.create(log()).newCallFactory(clientBuilder().build()),
        new Request.Builder().url(server.url("/ok"))
            .addHeader("Authorization", "Bearer " + first)
            .addHeader("Authorization", "Bearer " + second).build());

    // Read as one value joined with ',' (as the servlet and gRPC adapters read headers): not a
    // single bearer token, so neither token's facts are attributed to the call.
    IdentityEvent e = sink.single();
    assertThat(e.has(Fields.TOKEN_HASH)).isFalse();
    assertThat(e.has(Fields.TOKEN_AUDIENCE)).isFalse();
  }

  @Test
  void theAuthorizationValueNeverReachesTheLog() throws Exception {
    Logger events = (Logger) LoggerFactory.getLogger("identity.events");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    events.addAppender(appender);
    Level previous = events.getLevel();
    events.setLevel(Level.INFO);
    try {
      IdentityLog log = IdentityLog.builder().serviceName("caller").build(); // the SLF4J sink
      String token = TestTokens.rs256().audience("orders-api").sign();
      String opaque = "opaque-secret-" + UUID.randomUUID();
      Call.Factory calls = calls(log);
      execute(
          calls,
          new Request.Builder().url(server.url("/ok")).header("Authorization", "Bearer " + token).build());
      execute(
          calls,
          new Request.Builder().url(server.url("/status/401")).header("Authorization", "Bearer " + opaque).build());
      execute(
          calls,
          new Request.Builder().url(server.url("/ok")).header("Authorization", "Basic dXNlcjpwYXNz").build());

      await().atMost(WAIT).until(() -> appender.list.size() >= 3);
      List<String> lines = new ArrayList<>();
      for (ILoggingEvent le : appender.list) {
        lines.add(le.getFormattedMessage() + " " + le.getKeyValuePairs());
      }
      assertThat(String.join("\n", lines))
          .doesNotContain(token)
          .doesNotContain(token.substring(token.lastIndexOf('.') + 1))
          .doesNotContain(opaque)
          .doesNotContain("dXNlcjpwYXNz");
    } finally {
      events.detachAppender(appender);
      events.setLevel(previous);
    }
  }

  @Test
  void aFailingSinkNeverFailsTheCall() throws Exception {
    IdentityLog log =
        IdentityLog.builder()
            .addSink(
                e -> {
                  throw new IllegalStateException("sink down");
                })
            .build();
    assertThat(execute(calls(log), get("/ok"))).isEqualTo("200 hello");
  }

  @Test
  void aPropagatedValueOkHttpWouldRejectIsLeftOutAndTheCallProceeds() throws Exception {
    IdentityLog log = log();
    Map<String, String> headers = traceHeaders();
    headers.put("X-Request-ID", "r\u00e9q-\u00fc"); // not visible ASCII: OkHttp refuses such values
    ServerRecord parent = inbound(log, headers);
    try (Scope ignored = parent.makeCurrent()) {
      assertThat(execute(calls(log), get("/ok"))).isEqualTo("200 hello");
    }

    Received r = server.takeRequest();
    assertThat(r.header("X-Request-ID")).isNull();
    assertThat(r.header("traceparent")).startsWith("00-" + TRACE_ID);
    assertThat(log.internalErrors()).isZero();
  }

  @Test
  void aRequestReusedOutsideTheRequestIsNotReportedIntoIt() throws Exception {
    IdentityLog log = log();
    Call.Factory calls = calls(log);
    ServerRecord parent = inbound(log, traceHeaders());
    Request sent;
    try (Scope ignored = parent.makeCurrent()) {
      try (Response response = calls.newCall(get("/ok")).execute()) {
        sent = response.request();
      }
    }
    calls.newCall(sent).execute().close(); // later, with no request being served

    List<IdentityEvent> events = sink.events();
    assertThat(events).hasSize(2);
    assertThat(events.get(0).get(Fields.TRACE_ID)).isEqualTo(TRACE_ID);
    assertThat(events.get(1).get(Fields.TRACE_ID)).isNotEqualTo(TRACE_ID);
    assertThat(events.get(1).get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.GENERATED);
  }

  @Test
  void aClonedCallIsAnotherLogicalCall() throws Exception {
    Call call = calls(log()).newCall(get("/ok"));
    call.execute().close();
    call.clone().execute().close();

    List<IdentityEvent> events = sink.events();
    assertThat(events).hasSize(2);
    assertThat(events.get(0).get(Fields.SPAN_ID)).isNotEqualTo(events.get(1).get(Fields.SPAN_ID));
  }
}
