package dev.identitylog.grpc;

import static dev.identitylog.grpc.GrpcServerInterceptorTest.byName;
import static dev.identitylog.grpc.GrpcServerInterceptorTest.only;
import static dev.identitylog.grpc.GrpcServerInterceptorTest.onlyAfterQuiet;
import static dev.identitylog.grpc.GrpcServerInterceptorTest.sha256Hex;
import static dev.identitylog.grpc.GrpcServerInterceptorTest.tokenHash;
import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.context.Scope;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.protocol.ServerRequest;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.event.CertSource;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.trust.TrustedProxies;
import dev.identitylog.testing.TestTokens;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client interceptor over a real Netty transport with mutual TLS. The "edge" client calls the
 * "backend" server, which keeps the metadata it received so propagation is checked where it
 * arrives.
 */
class GrpcClientInterceptorTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static final CollectingSink edge = new CollectingSink();
  private static final CollectingSink backend = new CollectingSink();
  private static final ReceivedMetadata received = new ReceivedMetadata();
  private static IdentityLog edgeLog;
  private static EchoService backendService;
  private static GrpcServer backendServer;
  private static GrpcIdentityLog edgeGrpc;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() {
    IdentityLog backendLog =
        IdentityLog.builder()
            .serviceName("backend")
            .clientCertTrustAnchors(List.of(Tls.CA.rootCertificate()))
            .addSink(backend)
            .build();
    backendService = new EchoService();
    backendServer =
        GrpcServer.start(
            Tls.serverAcceptingAnyClient(),
            backendService.definition(),
            received,
            GrpcIdentityLog.create(backendLog).newServerInterceptor());

    edgeLog =
        IdentityLog.builder()
            .serviceName("edge")
            .dependencyName("localhost", "backend")
            .dependencyName("127.0.0.1", "nowhere")
            .addSink(edge)
            .build();
    edgeGrpc = GrpcIdentityLog.create(edgeLog);
    channel = backendServer.channel(Tls.client(Tls.ALICE), edgeGrpc.newClientInterceptor());
  }

  @AfterAll
  static void stop() {
    backendServer.close();
  }

  @BeforeEach
  void clear() {
    edge.clear();
    backend.clear();
    received.clear();
  }

  // ------------------------------------------------------------------ propagation

  @Test
  void traceContextAndRequestIdArriveAtTheServer() throws Exception {
    assertThat(Calls.unary(channel, "ok")).isEqualTo("ok");

    IdentityEvent client = only(edge);
    Metadata arrived = received.next();
    assertThat(ReceivedMetadata.get(arrived, "traceparent"))
        .isEqualTo("00-" + client.get(Fields.TRACE_ID) + "-" + client.get(Fields.SPAN_ID) + "-01");
    assertThat(ReceivedMetadata.get(arrived, "x-request-id")).isEqualTo(client.get(Fields.REQUEST_ID));
    assertThat(ReceivedMetadata.get(arrived, "tracestate")).isNull(); // none received, none made up
    assertThat(client.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.GENERATED);

    IdentityEvent server = only(backend);
    assertThat(server.get(Fields.TRACE_ID)).isEqualTo(client.get(Fields.TRACE_ID));
    assertThat(server.get(Fields.SPAN_PARENT_ID)).isEqualTo(client.get(Fields.SPAN_ID));
    assertThat(server.get(Fields.REQUEST_ID)).isEqualTo(client.get(Fields.REQUEST_ID));
    assertThat(server.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.TRACEPARENT);
  }

  @Test
  void callsMadeWhileServingARequestCarryItsTraceAndReportIntoIt() throws Exception {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    ServerRecord parent =
        ServerHandler.create(edgeLog).start(
            headers(
                "traceparent", "00-" + traceId + "-b7ad6b7169203331-01",
                "tracestate", "congo=t61rcWkgMzE",
                "X-Request-ID", "edge-req-1"));
    Status status;
    Scope bound = parent.makeCurrent();
    try {
      status = Calls.failure(channel, "status:UNAVAILABLE");
    } finally {
      bound.close();
    }
    IdentityEvent parentEvent =
        ServerHandler.create(edgeLog).finish(parent, HttpServerResponse.of(503, null, null));

    Metadata arrived = received.next();
    IdentityEvent client = byName(edge.awaitEvents(2, WAIT), EventName.CLIENT);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ReceivedMetadata.get(arrived, "traceparent"))
        .isEqualTo("00-" + traceId + "-" + client.get(Fields.SPAN_ID) + "-01");
    assertThat(ReceivedMetadata.get(arrived, "tracestate")).isEqualTo("congo=t61rcWkgMzE");
    assertThat(ReceivedMetadata.get(arrived, "x-request-id")).isEqualTo("edge-req-1");
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(parent.spanId());

    assertThat(parentEvent.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(parentEvent.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(parentEvent.get(Fields.DEPENDENCY_NAME)).isEqualTo("backend");
    assertThat(parentEvent.get(Fields.DEPENDENCY_STATUS)).isEqualTo("UNAVAILABLE");
  }

  @Test
  void metadataTheApplicationSetIsNotOverwritten() throws Exception {
    String theirs = "00-11111111111111111111111111111111-2222222222222222-01";
    Calls.unary(channel, "ok", Calls.metadata("x-request-id", "app-chose-this", "traceparent", theirs), 5000);

    Metadata arrived = received.next();
    assertThat(ReceivedMetadata.get(arrived, "x-request-id")).isEqualTo("app-chose-this");
    assertThat(ReceivedMetadata.count(arrived, "x-request-id")).isEqualTo(1);
    assertThat(ReceivedMetadata.get(arrived, "traceparent")).isEqualTo(theirs);
    assertThat(ReceivedMetadata.count(arrived, "traceparent")).isEqualTo(1);
    only(edge);
  }

  @Test
  void propagationCanBeTurnedOff() throws Exception {
    GrpcIdentityLog quiet = GrpcIdentityLog.builder(edgeLog).propagate(false).build();
    Calls.unary(backendServer.channel(Tls.client(Tls.ALICE), quiet.newClientInterceptor()), "ok");

    Metadata arrived = received.next();
    assertThat(ReceivedMetadata.get(arrived, "traceparent")).isNull();
    assertThat(ReceivedMetadata.get(arrived, "x-request-id")).isNull();
    assertThat(only(edge).get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void theCallersCertificateIsForwardedOnlyWhereConfigured() throws Exception {
    Credential carol = Tls.CA.issue(TestPki.leaf("CN=carol").clientAuth());
    CollectingSink backSink = new CollectingSink();
    ReceivedMetadata backReceived = new ReceivedMetadata();
    IdentityLog frontLog =
        IdentityLog.builder().serviceName("front").forwardClientCertTo("localhost").addSink(new CollectingSink()).build();
    IdentityLog backLog =
        IdentityLog.builder()
            .serviceName("back")
            .trustedProxies(TrustedProxies.parse("127.0.0.1/32, ::1/128"))
            .addSink(backSink)
            .build();
    GrpcIdentityLog front = GrpcIdentityLog.create(frontLog);
    try (GrpcServer back =
            GrpcServer.start(
                Tls.serverAcceptingAnyClient(),
                new EchoService().definition(),
                backReceived,
                GrpcIdentityLog.create(backLog).newServerInterceptor());
        GrpcServer frontServer =
            GrpcServer.start(
                Tls.serverRequiringClient(),
                new EchoService()
                    .downstream("back", back.channel(Tls.client(Tls.ALICE), front.newClientInterceptor()))
                    .downstream(
                        "elsewhere",
                        GrpcServer.channelTo(
                            "127.0.0.1", back.port(), Tls.client(Tls.ALICE), front.newClientInterceptor()))
                    .definition(),
                front.newServerInterceptor())) {
      ManagedChannel asCarol = frontServer.channel(Tls.client(carol));
      assertThat(Calls.unary(asCarol, "call:back:2000:ok")).isEqualTo("downstream said ok");

      assertThat(ReceivedMetadata.get(backReceived.next(), "client-cert"))
          .isEqualTo(":" + Base64.getEncoder().encodeToString(carol.der()) + ":");
      IdentityEvent e = only(backSink);
      assertThat(e.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.CLIENT_CERT);
      assertThat(e.get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(sha256Hex(carol.der()));
      assertThat(e.get(Fields.TLS_CLIENT_SUBJECT)).isEqualTo("CN=carol");

      // 127.0.0.1 is not a host the front forwards to.
      backSink.clear();
      assertThat(Calls.unary(asCarol, "call:elsewhere:2000:ok")).isEqualTo("downstream said ok");
      assertThat(ReceivedMetadata.get(backReceived.next(), "client-cert")).isNull();
      assertThat(only(backSink).get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(sha256Hex(Tls.ALICE.der()));
    }
  }

  // ------------------------------------------------------------------ the server's certificate

  @Test
  void serverCertificateFactsComeFromTheCallsTlsSession() {
    Calls.unary(channel, "ok");

    IdentityEvent e = only(edge);
    assertThat(e.get(Fields.EVENT_NAME)).isEqualTo(EventName.CLIENT);
    assertThat(e.get(Fields.SERVICE_NAME)).isEqualTo("edge");
    assertThat(e.get(Fields.TLS_SERVER_HASH_SHA256)).isEqualTo(sha256Hex(Tls.SERVER.der()));
    assertThat(e.get(Fields.TLS_SERVER_SUBJECT)).isEqualTo("CN=localhost");
    assertThat(e.get(Fields.TLS_SERVER_NOT_AFTER))
        .isEqualTo(Tls.SERVER.certificate().getNotAfter().toInstant());
    assertThat(e.get(Fields.TLS_PROTOCOL_VERSION)).isEqualTo("1.3"); // JDK to JDK
    assertThat(e.get(Fields.TLS_CIPHER)).startsWith("TLS_");
    assertThat(e.get(Fields.RPC_SYSTEM)).isEqualTo("grpc");
    assertThat(e.get(Fields.RPC_SERVICE)).isEqualTo(Echo.SERVICE);
    assertThat(e.get(Fields.RPC_METHOD)).isEqualTo("Unary");
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("OK");
    assertThat(e.get(Fields.SERVER_ADDRESS)).isEqualTo("localhost");
    assertThat(e.get(Fields.SERVER_PORT)).isEqualTo((long) backendServer.port());
    assertThat(e.get(Fields.CLIENT_ATTEMPTS)).isEqualTo(1L);
    assertThat(e.get(Fields.EVENT_DURATION)).isPositive();
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.SUCCESS);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    // ...and the server saw the client's certificate.
    assertThat(only(backend).get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(sha256Hex(Tls.ALICE.der()));
  }

  @Test
  void serverCertificateIsKnownEvenWhenTheAnswerHasNoHeaders() {
    // An error status alone is a trailers-only answer: onHeaders is never called.
    Calls.failure(channel, "status:UNAUTHENTICATED");

    IdentityEvent e = only(edge);
    assertThat(e.get(Fields.TLS_SERVER_HASH_SHA256)).isEqualTo(sha256Hex(Tls.SERVER.der()));
  }

  // ------------------------------------------------------------------ dependency reasons

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of("UNAVAILABLE", Reason.UPSTREAM_UNAVAILABLE),
        Arguments.of("UNAUTHENTICATED", Reason.UPSTREAM_UNAUTHENTICATED),
        Arguments.of("PERMISSION_DENIED", Reason.UPSTREAM_FORBIDDEN),
        Arguments.of("INTERNAL", Reason.UPSTREAM_ERROR),
        Arguments.of("UNKNOWN", Reason.UPSTREAM_ERROR),
        Arguments.of("DATA_LOSS", Reason.UPSTREAM_ERROR));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("statuses")
  void failedStatusesNameTheDependencyReason(String status, Reason reason) {
    assertThat(Calls.failure(channel, "status:" + status).getCode().name()).isEqualTo(status);

    IdentityEvent e = only(edge);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo(status);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isEqualTo(reason);
    assertThat(e.get(Fields.DEPENDENCY_NAME)).isEqualTo("backend");
    assertThat(e.get(Fields.DEPENDENCY_STATUS)).isEqualTo(status);
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(reason);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
  }

  @Test
  void theCallersOwnMistakeIsNotADependencyFailure() {
    Calls.failure(channel, "status:NOT_FOUND");

    IdentityEvent e = only(edge);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("NOT_FOUND");
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isNull();
  }

  @Test
  void aPassedDeadlineIsATimeout() throws Exception {
    assertThat(Calls.failure(channel, "sleep:500", new Metadata(), 100).getCode())
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);

    IdentityEvent e = onlyAfterQuiet(edge);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.TIMEOUT);
    assertThat(e.get(Fields.EVENT_DURATION))
        .isBetween(Duration.ofMillis(80).toNanos(), Duration.ofMillis(450).toNanos());
    only(backend); // let the server finish before the next test
  }

  @Test
  void aServerThatIsDownIsAConnectFailure() {
    int port = GrpcServer.deadPort();
    ManagedChannel down =
        GrpcServer.channelTo("127.0.0.1", port, Tls.client(Tls.ALICE), edgeGrpc.newClientInterceptor());
    try {
      assertThat(Calls.failure(down, "ok").getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      down.shutdownNow();
    }

    IdentityEvent e = only(edge);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("UNAVAILABLE");
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_NAME)).isEqualTo("nowhere");
    assertThat(e.get(Fields.SERVER_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(e.get(Fields.SERVER_PORT)).isEqualTo((long) port);
    assertThat(e.get(Fields.TLS_SERVER_HASH_SHA256)).isNull();
    assertThat(edgeLog.internalErrors()).isZero();
  }

  // ------------------------------------------------------------------ exactly one event

  @Test
  void aListenerThatThrowsStillEndsTheCallOnce() throws Exception {
    ClientCall<String, String> call = channel.newCall(Echo.UNARY, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(String message) {
            throw new IllegalStateException("the application cannot take this answer");
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(1);
    call.sendMessage("ok");
    call.halfClose();

    Status status = closed.get(5, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.CANCELLED);
    IdentityEvent e = onlyAfterQuiet(edge);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("CANCELLED");
  }

  @Test
  void aCancelledCallEndsOnce() throws Exception {
    var future = ClientCalls.futureUnaryCall(channel.newCall(Echo.UNARY, CallOptions.DEFAULT), "hang");
    assertThat(backendService.hanging.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
    future.cancel(true);

    IdentityEvent e = onlyAfterQuiet(edge);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("CANCELLED");
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(dev.identitylog.outcome.Outcome.UNKNOWN);
    assertThat(e.has(Fields.DEPENDENCY_REASON)).isFalse();
    IdentityEvent server = onlyAfterQuiet(backend);
    assertThat(server.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(server.get(Fields.SPAN_PARENT_ID)).isEqualTo(e.get(Fields.SPAN_ID));
  }

  @Test
  void retriesAreAttemptsOfOneCall() throws Exception {
    ManagedChannel retrying =
        backendServer.retryingChannel(Tls.client(Tls.ALICE), edgeGrpc.newClientInterceptor());
    assertThat(Calls.unary(retrying, "flaky:retries-test")).isEqualTo("ok");

    IdentityEvent e = onlyAfterQuiet(edge);
    assertThat(e.get(Fields.CLIENT_ATTEMPTS)).isEqualTo(2L);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("OK");
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);

    // Both attempts carried this call's span as their parent.
    List<IdentityEvent> attempts = backend.awaitEvents(2, WAIT);
    assertThat(attempts).extracting(a -> a.get(Fields.RPC_GRPC_STATUS_CODE))
        .containsExactly("UNAVAILABLE", "OK");
    assertThat(attempts).allSatisfy(a -> assertThat(a.get(Fields.SPAN_PARENT_ID)).isEqualTo(e.get(Fields.SPAN_ID)));
  }

  // ------------------------------------------------------------------ the outbound token

  @Test
  void theOutboundTokensFactsAreRecordedNeverTheToken() throws Exception {
    String token = TestTokens.es256().audience("backend").scope("inventory:read").sign();
    Calls.unary(channel, "ok", Calls.metadata("authorization", "Bearer " + token), 5000);

    IdentityEvent e = only(edge);
    assertThat(e.get(Fields.TOKEN_AUDIENCE)).containsExactly("backend");
    assertThat(e.get(Fields.TOKEN_SCOPES)).containsExactly("inventory:read");
    assertThat(e.get(Fields.TOKEN_HASH)).isEqualTo(tokenHash(token));
    assertThat(e.toString()).doesNotContain(token);
    // The server joins on the same hash.
    assertThat(only(backend).get(Fields.TOKEN_HASH)).isEqualTo(tokenHash(token));
  }

  @Test
  void outboundTokenRecordingCanBeTurnedOff() throws Exception {
    GrpcIdentityLog noToken = GrpcIdentityLog.builder(edgeLog).recordOutboundToken(false).build();
    String token = TestTokens.es256().audience("backend").sign();
    Calls.unary(
        backendServer.channel(Tls.client(Tls.ALICE), noToken.newClientInterceptor()),
        "ok",
        Calls.metadata("authorization", "Bearer " + token),
        5000);

    IdentityEvent e = only(edge);
    assertThat(e.get(Fields.TOKEN_HASH)).isNull();
    assertThat(e.get(Fields.TOKEN_AUDIENCE)).isNull();
  }

  // ------------------------------------------------------------------ helpers

  /** An inbound request with these headers, as a servlet or gRPC server would describe it. */
  private static ServerRequest headers(String... nameValue) {
    Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      map.put(nameValue[i].toLowerCase(Locale.ROOT), nameValue[i + 1]);
    }
    return name -> map.get(name.toLowerCase(Locale.ROOT));
  }
}
