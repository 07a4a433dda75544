package dev.identitylog.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenType;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.context.Scope;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.TestRequests;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.EventSchema;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What every call through the wrapped {@code java.net.http.HttpClient} must log and send, against
 * a real HTTPS server (Jetty 12) that records the headers it received: propagation is checked on
 * the wire.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdkHttpClientTest {
  static final TestPki PKI = TestPki.create("jdk-http suite root");
  static final Credential SERVER = PKI.issue(TestPki.server("localhost"));
  static final Duration WAIT = Duration.ofSeconds(5);

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN = "00f067aa0ba902b7";

  JettyBackend server;
  CollectingSink sink;
  /** The thread each event was emitted on, in order. */
  final List<String> emittedOn = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The HTTP version the server offers and the client asks for. */
  HttpClient.Version version() {
    return HttpClient.Version.HTTP_1_1;
  }

  @BeforeAll
  void startServer() throws Exception {
    server = new JettyBackend(SERVER, null, version() == HttpClient.Version.HTTP_2);
  }

  @AfterAll
  void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void reset() {
    sink = new CollectingSink();
    emittedOn.clear();
    server.drain();
  }

  /** Every event any test produced is a valid event of the standard. */
  @AfterEach
  void everyEventIsSchemaValid() {
    for (IdentityEvent e : sink.events()) {
      assertThat(EventSchema.validate(JsonLineWriter.toJson(e))).as(e.toString()).isEmpty();
    }
  }

  // ------------------------------------------------------------------ fixtures

  IdentityLog log() {
    return log(b -> {});
  }

  IdentityLog log(Consumer<IdentityLog.Builder> config) {
    IdentityLog.Builder b =
        IdentityLog.builder()
            .serviceName("caller")
            .addSink(
                e -> {
                  emittedOn.add(Thread.currentThread().getName());
                  sink.emit(e);
                });
    config.accept(b);
    return b.build();
  }

  HttpClient.Builder clientBuilder() {
    return HttpClient.newBuilder()
        .sslContext(PKI.trustOnlySslContext())
        .version(version())
        .connectTimeout(Duration.ofSeconds(2));
  }

  HttpClient client(IdentityLog log) {
    return IdentityLogHttpClient.create(log).wrap(clientBuilder().build());
  }

  HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(5)).build();
  }

  String send(HttpClient client, HttpRequest request) throws Exception {
    HttpResponse<String> r = client.send(request, BodyHandlers.ofString());
    assertThat(r.version()).isEqualTo(version());
    return r.statusCode() + " " + r.body();
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

  static String upperHexSha256(byte[] bytes) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
    StringBuilder sb = new StringBuilder();
    for (byte b : d) {
      sb.append(String.format("%02X", b));
    }
    return sb.toString();
  }

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
    String token = TestTokens.rs256().audience("orders-api").scope("orders:read").sign();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url("/ok?api_key=s3cr3t&x=1")))
            .header("Authorization", "Bearer " + token)
            .build();

    assertThat(send(client(log()), request)).isEqualTo("200 hello");

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
    assertThat(e.has(Fields.ERROR_TYPE)).isFalse();

    X509Certificate cert = server.certificate();
    assertThat(e.get(Fields.TLS_SERVER_SUBJECT)).isEqualTo("CN=localhost");
    assertThat(e.get(Fields.TLS_SERVER_HASH_SHA256)).isEqualTo(upperHexSha256(cert.getEncoded()));
    assertThat(e.get(Fields.TLS_SERVER_NOT_AFTER)).isEqualTo(cert.getNotAfter().toInstant());
    assertThat(e.get(Fields.TLS_PROTOCOL_VERSION)).matches("1\\.[23]");
    assertThat(e.get(Fields.TLS_CIPHER)).startsWith("TLS_");

    assertThat(e.get(Fields.TOKEN_TYPE)).isEqualTo(TokenType.JWT);
    assertThat(e.get(Fields.TOKEN_AUDIENCE)).containsExactly("orders-api");
    assertThat(e.get(Fields.TOKEN_SCOPES)).containsExactly("orders:read");
    assertThat(e.get(Fields.TOKEN_HASH)).isEqualTo(tokenHash(token));

    String json = JsonLineWriter.toJson(e);
    assertThat(json).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    assertThat(json).doesNotContain("s3cr3t").doesNotContain("Bearer");
    // The application's Authorization header went out unchanged.
    assertThat(server.takeRequest().headers("Authorization")).containsExactly("Bearer " + token);
  }

  @Test
  void recordOutboundTokenOffLeavesTheTokenOut() throws Exception {
    HttpClient client =
        IdentityLogHttpClient.builder(log()).recordOutboundToken(false).build().wrap(clientBuilder().build());
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url("/ok")))
            .header("Authorization", "Bearer " + TestTokens.rs256().sign())
            .build();
    send(client, request);

    assertThat(sink.single().has(Fields.TOKEN_HASH)).isFalse();
  }

  @Test
  void propagatesANewSpanOfTheCurrentTraceWithTraceStateAndRequestId() throws Exception {
    IdentityLog log = log();
    HttpClient client = client(log);
    ServerRecord parent = inbound(log, traceHeaders(), null);

    try (Scope ignored = parent.makeCurrent()) {
      send(client, get("/ok"));
      send(client, get("/ok"));
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
    assertThat(first.headers("traceparent"))
        .containsExactly("00-" + TRACE_ID + "-" + e.get(Fields.SPAN_ID) + "-01");
    assertThat(first.header("tracestate")).isEqualTo("vendor=opaque-value");
    assertThat(first.headers("X-Request-ID")).containsExactly("req-inbound-1");

    IdentityEvent e2 = events.get(1);
    assertThat(e2.get(Fields.SPAN_ID)).isNotEqualTo(e.get(Fields.SPAN_ID));
    assertThat(second.header("traceparent"))
        .isEqualTo("00-" + TRACE_ID + "-" + e2.get(Fields.SPAN_ID) + "-01");
  }

  @Test
  void withoutAnInboundRequestACallStartsItsOwnTrace() throws Exception {
    send(client(log()), get("/ok"));

    IdentityEvent e = sink.single();
    Received r = server.takeRequest();
    assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.GENERATED);
    assertThat(e.has(Fields.SPAN_PARENT_ID)).isFalse();
    assertThat(r.header("traceparent"))
        .isEqualTo("00-" + e.get(Fields.TRACE_ID) + "-" + e.get(Fields.SPAN_ID) + "-01");
    assertThat(r.header("X-Request-ID")).isEqualTo(e.get(Fields.REQUEST_ID));
    assertThat(r.header("tracestate")).isNull();
  }

  @Test
  void headersTheApplicationSetAreNotOverwrittenAndItsTraceparentIsTheEventsSpan()
      throws Exception {
    IdentityLog log = log();
    ServerRecord parent = inbound(log, traceHeaders(), null);
    String own = "00-" + TRACE_ID + "-2222222222222222-01";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url("/ok")))
            .header("traceparent", own)
            .header("x-request-id", "app-chosen")
            .build();

    try (Scope ignored = parent.makeCurrent()) {
      send(client(log), request);
    }

    Received r = server.takeRequest();
    assertThat(r.headers("traceparent")).containsExactly(own);
    assertThat(r.headers("X-Request-ID")).containsExactly("app-chosen");
    assertThat(r.header("tracestate")).isEqualTo("vendor=opaque-value");
    // The span id on the wire is what the callee names as its parent.
    assertThat(sink.single().get(Fields.SPAN_ID)).isEqualTo("2222222222222222");
  }

  @Test
  void aPropagatedValueTheJdkRefusesIsLeftOutAndTheCallGoesOut() throws Exception {
    IdentityLog log = log();
    Map<String, String> headers = traceHeaders();
    headers.put("X-Request-ID", "req-\u96ea"); // not a character an HTTP header can carry
    ServerRecord parent = inbound(log, headers, null);

    try (Scope ignored = parent.makeCurrent()) {
      assertThat(send(client(log), get("/ok"))).isEqualTo("200 hello");
    }

    Received r = server.takeRequest();
    assertThat(r.header("X-Request-ID")).isNull();
    assertThat(r.header("traceparent")).contains(TRACE_ID); // the other headers still went out
    assertThat(sink.single().get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(log.internalErrors()).isZero();
  }

  @Test
  void propagateOffSendsNothingButStillLogs() throws Exception {
    HttpClient client =
        IdentityLogHttpClient.builder(log()).propagate(false).build().wrap(clientBuilder().build());
    send(client, get("/ok"));

    Received r = server.takeRequest();
    assertThat(r.header("traceparent")).isNull();
    assertThat(r.header("X-Request-ID")).isNull();
    assertThat(sink.single().get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
  }

  @Test
  void theRequestIdHeaderNameIsConfigurable() throws Exception {
    send(client(log(b -> b.requestIdHeader("X-Correlation-ID"))), get("/ok"));

    Received r = server.takeRequest();
    assertThat(r.header("X-Correlation-ID")).isEqualTo(sink.single().get(Fields.REQUEST_ID));
    assertThat(r.header("X-Request-ID")).isNull();
  }

  // ------------------------------------------------------------------ async

  @Test
  void sendAsyncReportsIntoTheRequestItWasCalledFromThoughItCompletesElsewhere() throws Exception {
    IdentityLog log = log();
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "client-pool"));
    try {
      HttpClient client =
          IdentityLogHttpClient.create(log).wrap(clientBuilder().executor(executor).build());
      ServerRecord parent = inbound(log, traceHeaders(), null);
      CompletableFuture<HttpResponse<String>> future;
      try (Scope ignored = parent.makeCurrent()) {
        future = client.sendAsync(get("/status/503"), BodyHandlers.ofString());
      }
      // Not future.get() first: a thread waiting on a CompletableFuture may run its dependents.
      IdentityEvent e = sink.awaitEvents(1, WAIT).get(0);
      assertThat(emittedOn).hasSize(1).doesNotContain(Thread.currentThread().getName());
      assertThat(future.get(5, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(503);
      assertThat(e.get(Fields.TRACE_ID)).isEqualTo(TRACE_ID);
      assertThat(e.get(Fields.SPAN_PARENT_ID)).isEqualTo(parent.spanId());
      assertThat(e.get(Fields.REQUEST_ID)).isEqualTo("req-inbound-1");
      assertFailure(e, Reason.UPSTREAM_UNAVAILABLE);
      assertThat(server.takeRequest().header("traceparent")).contains(e.get(Fields.SPAN_ID));

      // The request being served heard of the failed call: a 503 there names it.
      ServerHandler.create(log).finish(parent, HttpServerResponse.of(503, null, null));
      IdentityEvent served = sink.awaitEvents(2, WAIT).get(1);
      assertThat(served.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
      assertThat(served.get(Fields.DEPENDENCY_NAME)).isEqualTo("localhost");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void sendAsyncWithAPushPromiseHandlerIsLoggedToo() throws Exception {
    HttpResponse<String> r =
        client(log())
            .sendAsync(get("/ok"), BodyHandlers.ofString(), (initiating, push, accept) -> {})
            .get(5, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(r.body()).isEqualTo("hello");
    IdentityEvent e = sink.awaitEvents(1, WAIT).get(0);
    assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(server.takeRequest().header("traceparent")).contains(e.get(Fields.SPAN_ID));
  }

  @Test
  void cancellingTheFutureIsAClientAbortLoggedOnce() throws Exception {
    CompletableFuture<HttpResponse<String>> future =
        client(log()).sendAsync(get("/slow"), BodyHandlers.ofString());
    server.takeRequest(); // the request is in flight

    assertThat(future.cancel(true)).isTrue();

    IdentityEvent e = sink.awaitEvents(1, WAIT).get(0);
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.UNKNOWN);
    assertThat(e.has(Fields.DEPENDENCY_REASON)).isFalse();
    assertThat(catchThrowable(future::join)).isInstanceOf(CancellationException.class);
    Thread.sleep(200);
    assertThat(sink.events()).hasSize(1);
  }

  @Test
  void anInterruptedSendIsAClientAbort() throws Exception {
    HttpClient client = client(log());
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                send(client, get("/slow"));
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    caller.start();
    server.takeRequest();
    caller.interrupt();
    caller.join(5000);

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    IdentityEvent e = sink.awaitEvents(1, WAIT).get(0);
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.UNKNOWN);
  }

  // ------------------------------------------------------------------ attempts

  @Test
  void aFollowedRedirectIsOneCallWithTwoAttempts() throws Exception {
    HttpClient client =
        IdentityLogHttpClient.create(log())
            .wrap(clientBuilder().followRedirects(HttpClient.Redirect.NORMAL).build());

    assertThat(send(client, get("/redirect"))).isEqualTo("200 hello");

    IdentityEvent e = sink.single();
    assertThat(e.get(Fields.CLIENT_ATTEMPTS)).isEqualTo(2L);
    assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(e.get(Fields.URL_FULL)).endsWith("/redirect");
    String traceparent = "00-" + e.get(Fields.TRACE_ID) + "-" + e.get(Fields.SPAN_ID) + "-01";
    assertThat(server.takeRequest().header("traceparent")).isEqualTo(traceparent);
    Received followUp = server.takeRequest();
    assertThat(followUp.path).isEqualTo("/ok");
    assertThat(followUp.headers("traceparent")).containsExactly(traceparent);
  }

  // ------------------------------------------------------------------ failures

  @ParameterizedTest
  @CsvSource({
    "401, upstream_unauthenticated",
    "403, upstream_forbidden",
    "503, upstream_unavailable",
    "500, upstream_error"
  })
  void anErrorStatusIsADependencyFailureAndTheResponseIsUnchanged(int status, String reason)
      throws Exception {
    assertThat(send(client(log()), get("/status/" + status))).isEqualTo(status + " status " + status);

    IdentityEvent e = sink.single();
    assertFailure(e, Reason.fromCode(reason));
    assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo((long) status);
    assertThat(e.get(Fields.DEPENDENCY_STATUS)).isEqualTo(Integer.toString(status));
    assertThat(e.get(Fields.DEPENDENCY_NAME)).isEqualTo("localhost");
  }

  @Test
  void connectionRefusedIsAConnectFailure() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("https://localhost:" + closedPort() + "/ok")).build();

    Throwable thrown = catchThrowable(() -> send(client(log()), request));

    assertThat(thrown).isInstanceOf(ConnectException.class);
    IdentityEvent e = sink.single();
    assertFailure(e, Reason.CONNECT_FAILURE);
    assertThat(e.get(Fields.CLIENT_ATTEMPTS)).isEqualTo(1L);
    assertThat(e.has(Fields.HTTP_RESPONSE_STATUS_CODE)).isFalse();
  }

  @Test
  void anUnresolvableHostIsADnsFailure() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://no-such-host.invalid/ok")).build();

    Throwable thrown = catchThrowable(() -> send(client(log()), request));

    assertThat(thrown).isInstanceOf(IOException.class);
    IdentityEvent e = sink.single();
    assertFailure(e, Reason.DNS_FAILURE);
    assertThat(e.get(Fields.SERVER_ADDRESS)).isEqualTo("no-such-host.invalid");
    assertThat(e.get(Fields.SERVER_PORT)).isEqualTo(443L);
  }

  @Test
  void aRequestTimeoutIsATimeout() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url("/slow"))).timeout(Duration.ofMillis(300)).build();

    HttpClient client = client(log());
    send(client, get("/ok")); // connected: the timeout below is the answer's, not the handshake's
    sink.clear();

    Throwable thrown = catchThrowable(() -> send(client, request));

    assertThat(thrown)
        .isInstanceOf(HttpTimeoutException.class)
        .isNotInstanceOf(java.net.http.HttpConnectTimeoutException.class);
    assertFailure(sink.single(), Reason.TIMEOUT);
  }

  @Test
  void aDroppedConnectionIsAReset() throws Exception {
    Throwable thrown = catchThrowable(() -> send(client(log()), get("/reset")));

    assertThat(thrown).isInstanceOf(IOException.class);
    assertFailure(sink.single(), Reason.RESET);
  }

  @Test
  void anUntrustedServerCertificateIsAnUpstreamTlsFailure() throws Exception {
    TestPki other = TestPki.create("some other root");
    HttpClient client =
        IdentityLogHttpClient.create(log())
            .wrap(clientBuilder().sslContext(other.trustOnlySslContext()).build());

    Throwable thrown = catchThrowable(() -> send(client, get("/ok")));

    assertThat(thrown).isInstanceOf(SSLHandshakeException.class);
    IdentityEvent e = sink.single();
    assertFailure(e, Reason.UPSTREAM_TLS_FAILURE);
    assertThat(e.has(Fields.TLS_SERVER_HASH_SHA256)).isFalse();
  }

  @Test
  void anAsyncFailureIsLoggedAndTheFutureFailsAsTheJdksDoes() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("https://localhost:" + closedPort() + "/ok")).build();

    Throwable thrown = catchThrowable(() -> client(log()).sendAsync(request, BodyHandlers.ofString()).join());

    assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ConnectException.class);
    assertFailure(sink.awaitEvents(1, WAIT).get(0), Reason.CONNECT_FAILURE);
  }

  // ------------------------------------------------------------------ Client-Cert

  @Test
  void theCallersCertificateIsForwardedOnlyWhereConfiguredAndNeverWithRedirectsFollowed()
      throws Exception {
    Credential caller = PKI.issue(TestPki.leaf("CN=caller,O=Example").clientAuth());
    X509Certificate[] chain = {caller.certificate()};
    IdentityLog configured = log(b -> b.forwardClientCertTo("localhost"));
    ServerRecord parent = inbound(configured, Map.of(), chain);

    try (Scope ignored = parent.makeCurrent()) {
      send(client(configured), get("/ok"));
      send(
          IdentityLogHttpClient.create(configured)
              .wrap(clientBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()),
          get("/ok"));
    }

    String header = server.takeRequest().header("Client-Cert");
    assertThat(header)
        .isEqualTo(":" + java.util.Base64.getEncoder().encodeToString(caller.certificate().getEncoded()) + ":");
    // A client that follows redirects would carry it to whatever host a redirect names.
    assertThat(server.takeRequest().header("Client-Cert")).isNull();

    IdentityLog unconfigured = log();
    ServerRecord other = inbound(unconfigured, Map.of(), chain);
    try (Scope ignored = other.makeCurrent()) {
      send(client(unconfigured), get("/ok"));
    }
    assertThat(server.takeRequest().header("Client-Cert")).isNull();
  }

  // ------------------------------------------------------------------ the wrapper

  @Test
  void everySettingIsTheWrappedClients() {
    HttpClient original =
        clientBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build();
    HttpClient wrapped = IdentityLogHttpClient.create(log()).wrap(original);

    assertThat(wrapped.followRedirects()).isEqualTo(HttpClient.Redirect.ALWAYS);
    assertThat(wrapped.connectTimeout()).isEqualTo(original.connectTimeout());
    assertThat(wrapped.sslContext()).isSameAs(original.sslContext());
    assertThat(wrapped.version()).isEqualTo(version());
    assertThat(wrapped.executor()).isEqualTo(original.executor());
    assertThat(wrapped.proxy()).isEqualTo(original.proxy());
    assertThat(wrapped.authenticator()).isEqualTo(original.authenticator());
    assertThat(wrapped.cookieHandler()).isEqualTo(original.cookieHandler());
    assertThat(wrapped.newWebSocketBuilder()).isNotNull();
  }
}
