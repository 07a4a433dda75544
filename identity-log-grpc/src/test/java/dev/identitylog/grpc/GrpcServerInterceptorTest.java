package dev.identitylog.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.CertSource;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenBinding;
import dev.identitylog.event.TokenType;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import dev.identitylog.trust.TrustedProxies;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server interceptor over a real Netty transport with TLS. The "orders" server asks for client
 * certificates but accepts any (the library judges them against the test CA); it calls "inventory"
 * (which requires a client certificate) and "ledger" (a port nothing listens on).
 */
class GrpcServerInterceptorTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static final CollectingSink orders = new CollectingSink();
  private static final CollectingSink inventory = new CollectingSink();
  private static IdentityLog ordersLog;
  private static IdentityLog inventoryLog;
  private static EchoService ordersService;
  private static GrpcServer inventoryServer;
  private static GrpcServer ordersServer;
  private static ManagedChannel asAlice;
  private static ManagedChannel anonymous;
  private static ManagedChannel expired;
  private static ManagedChannel untrusted;
  private static int ledgerPort;

  @BeforeAll
  static void start() {
    inventoryLog = IdentityLog.builder().serviceName("inventory").addSink(inventory).build();
    inventoryServer =
        GrpcServer.start(
            Tls.serverRequiringClient(),
            new EchoService().definition(),
            GrpcIdentityLog.create(inventoryLog).newServerInterceptor());

    ledgerPort = GrpcServer.deadPort();
    ordersLog =
        IdentityLog.builder()
            .serviceName("orders")
            .clientCertTrustAnchors(List.of(Tls.CA.rootCertificate()))
            .dependencyName("localhost", "inventory")
            .dependencyName("127.0.0.1", "ledger")
            .addSink(orders)
            .build();
    GrpcIdentityLog ordersGrpc = GrpcIdentityLog.create(ordersLog);
    ordersService =
        new EchoService()
            .downstream(
                "inventory",
                inventoryServer.channel(Tls.client(Tls.ALICE), ordersGrpc.newClientInterceptor()))
            .downstream(
                "ledger",
                GrpcServer.channelTo(
                    "127.0.0.1", ledgerPort, Tls.client(Tls.ALICE), ordersGrpc.newClientInterceptor()));
    ordersServer =
        GrpcServer.start(
            Tls.serverAcceptingAnyClient(),
            ordersService.definition(),
            ordersGrpc.newServerInterceptor());

    asAlice = ordersServer.channel(Tls.client(Tls.ALICE));
    anonymous = ordersServer.channel(Tls.client(null));
    expired = ordersServer.channel(Tls.client(Tls.EXPIRED));
    untrusted = ordersServer.channel(Tls.client(Tls.UNTRUSTED));
  }

  @AfterAll
  static void stop() {
    ordersServer.close();
    inventoryServer.close();
  }

  @BeforeEach
  void clear() {
    orders.clear();
    inventory.clear();
  }

  // ------------------------------------------------------------------ certificates

  @Test
  void validClientCertificateComesFromTheCallsTlsSession() throws Exception {
    assertThat(Calls.unary(asAlice, "ok")).isEqualTo("ok");

    IdentityEvent e = only(orders);
    assertThat(e.get(Fields.EVENT_NAME)).isEqualTo(EventName.SERVER);
    assertThat(e.get(Fields.SERVICE_NAME)).isEqualTo("orders");
    assertThat(e.get(Fields.RPC_SYSTEM)).isEqualTo("grpc");
    assertThat(e.get(Fields.RPC_SERVICE)).isEqualTo("identitylog.test.Echo");
    assertThat(e.get(Fields.RPC_METHOD)).isEqualTo("Unary");
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("OK");
    assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isNull();

    assertThat(e.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.TLS);
    assertThat(e.get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(sha256Hex(Tls.ALICE.der()));
    assertThat(e.get(Fields.TLS_CLIENT_SUBJECT)).isEqualTo("CN=alice,O=Orders");
    assertThat(e.get(Fields.TLS_CLIENT_ISSUER))
        .isEqualTo(Tls.CA.rootCertificate().getSubjectX500Principal().getName(X500Principal.RFC2253));
    assertThat(e.get(Fields.TLS_CLIENT_ALTERNATIVE_NAMES))
        .containsExactly("spiffe://example.org/ns/orders/sa/alice");
    assertThat(e.get(Fields.WORKLOAD_ID)).isEqualTo("spiffe://example.org/ns/orders/sa/alice");
    assertThat(e.get(Fields.TLS_PROTOCOL_VERSION)).isEqualTo("1.3"); // JDK to JDK
    assertThat(e.get(Fields.TLS_CIPHER)).startsWith("TLS_");

    assertThat(InetAddress.getByName(e.get(Fields.NETWORK_PEER_ADDRESS)).isLoopbackAddress()).isTrue();
    assertThat(e.get(Fields.SERVER_ADDRESS)).isEqualTo("localhost");
    assertThat(e.get(Fields.SERVER_PORT)).isEqualTo((long) ordersServer.port());
    assertThat(e.get(Fields.EVENT_DURATION)).isPositive();
    assertThat(e.get(Fields.TIMESTAMP)).isNotNull();

    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.get(Fields.AUTHN_INFERRED)).isTrue();
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.NOT_APPLICABLE);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.SUCCESS);
    assertThat(e.get(Fields.ERROR_TYPE)).isNull();
    assertThat(ordersLog.internalErrors()).isZero();
  }

  // ------------------------------------------------------------------ metadata

  @Test
  void bearerTokenComesFromAuthorizationMetadata() throws Exception {
    String token = TestTokens.rs256().audience("orders").scope("orders:read orders:write").sign();
    Calls.unary(asAlice, "ok", Calls.metadata("authorization", "Bearer " + token), 5000);

    IdentityEvent e = only(orders);
    assertThat(e.get(Fields.TOKEN_TYPE)).isEqualTo(TokenType.JWT);
    assertThat(e.get(Fields.TOKEN_HASH)).isEqualTo(tokenHash(token));
    assertThat(e.get(Fields.TOKEN_ISSUER)).isEqualTo(TestTokens.DEFAULT_ISSUER);
    assertThat(e.get(Fields.TOKEN_SUBJECT)).isEqualTo(TestTokens.DEFAULT_SUBJECT);
    assertThat(e.get(Fields.TOKEN_AUDIENCE)).containsExactly("orders");
    assertThat(e.get(Fields.TOKEN_SCOPES)).containsExactly("orders:read", "orders:write");
    assertThat(e.get(Fields.TOKEN_BINDING)).isEqualTo(TokenBinding.UNBOUND);
    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.toString()).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
  }

  @Test
  void traceContextAndRequestIdComeFromMetadata() {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentId = "00f067aa0ba902b7";
    String answer =
        Calls.unary(
            asAlice,
            "identity",
            Calls.metadata(
                "traceparent", "00-" + traceId + "-" + parentId + "-01",
                "tracestate", "vendor=opaque",
                "x-request-id", "req-4711"),
            5000);

    IdentityEvent e = only(orders);
    assertThat(e.get(Fields.TRACE_ID)).isEqualTo(traceId);
    assertThat(e.get(Fields.SPAN_PARENT_ID)).isEqualTo(parentId);
    assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.TRACEPARENT);
    assertThat(e.get(Fields.SPAN_ID)).matches("[0-9a-f]{16}").isNotEqualTo(parentId);
    assertThat(e.get(Fields.REQUEST_ID)).isEqualTo("req-4711");
    // Service code saw the same record through RequestIdentity.current(), and the MDC.
    assertThat(answer)
        .isEqualTo(traceId + " " + e.get(Fields.SPAN_ID) + " req-4711 " + traceId);
  }

  @Test
  void forwardedIdentityFromAnUntrustedPeerIsIgnoredAndFlagged() {
    Calls.unary(
        asAlice,
        "ok",
        Calls.metadata("x-forwarded-client-cert", "Hash=" + "ab".repeat(32) + ";Subject=\"CN=evil\""),
        5000);

    IdentityEvent e = only(orders);
    assertThat(e.get(Fields.FORWARDED_UNTRUSTED)).isTrue();
    assertThat(e.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.TLS);
    assertThat(e.get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(sha256Hex(Tls.ALICE.der()));
  }

  @Test
  void strictForwardingRejectsTheCallWithoutRunningTheService() throws Exception {
    CollectingSink sink = new CollectingSink();
    IdentityLog strict =
        IdentityLog.builder().serviceName("strict").strictForwarding(true).addSink(sink).build();
    EchoService service = new EchoService();
    try (GrpcServer server =
        GrpcServer.start(
            Tls.serverAcceptingAnyClient(),
            service.definition(),
            GrpcIdentityLog.create(strict).newServerInterceptor())) {
      Status status =
          Calls.failure(
              server.channel(Tls.client(Tls.ALICE)),
              "ok",
              Calls.metadata("x-forwarded-client-cert", "Hash=" + "ab".repeat(32)),
              5000);

      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(service.invocations).hasValue(0);
      IdentityEvent e = only(sink);
      assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("INVALID_ARGUMENT");
      assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.FAILURE);
      assertThat(e.get(Fields.AUTHN_REASON)).isEqualTo(Reason.IDENTITY_HEADER_UNTRUSTED);
      assertThat(e.get(Fields.FORWARDED_UNTRUSTED)).isTrue();
    }
  }

  @Test
  void aTrustedProxyCanForwardTheClientCertificateInMetadata() throws Exception {
    CollectingSink sink = new CollectingSink();
    IdentityLog behindProxy =
        IdentityLog.builder()
            .serviceName("behind-envoy")
            .trustedProxies(TrustedProxies.parse("127.0.0.1/32, ::1/128"))
            .addSink(sink)
            .build();
    try (GrpcServer server =
        GrpcServer.start(
            Tls.serverAcceptingAnyClient(),
            new EchoService().definition(),
            GrpcIdentityLog.create(behindProxy).newServerInterceptor())) {
      String pem = URLEncoder.encode(Tls.ALICE.certificatePem(), StandardCharsets.UTF_8).replace("+", "%20");
      Calls.unary(
          server.channel(Tls.client(null)),
          "ok",
          Calls.metadata(
              "x-forwarded-client-cert",
              "By=spiffe://example.org/ns/edge/sa/envoy;Cert=\"" + pem + "\""),
          5000);

      IdentityEvent e = only(sink);
      assertThat(e.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.XFCC);
      assertThat(e.get(Fields.CERT_FORWARDED_BY)).isEqualTo("spiffe://example.org/ns/edge/sa/envoy");
      assertThat(e.get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(sha256Hex(Tls.ALICE.der()));
      assertThat(e.get(Fields.FORWARDED_UNTRUSTED)).isNull();
    }
  }

  @Test
  void aForgedProxyIdentityIsNotTrustedWhenTheLibraryVerifies() throws Exception {
    String proxyId = "spiffe://example.org/ns/edge/sa/envoy";
    CollectingSink sink = new CollectingSink();
    IdentityLog behindProxy =
        IdentityLog.builder()
            .serviceName("behind-envoy")
            .trustedProxies(TrustedProxies.parse(proxyId))
            .clientCertTrustAnchors(List.of(Tls.CA.rootCertificate()))
            .addSink(sink)
            .build();
    // Same SPIFFE ID, one from the CA the library verifies against, one from a CA nobody trusts.
    Credential genuine = Tls.CA.issue(TestPki.spiffeSvid(proxyId));
    Credential forged = Tls.OTHER_CA.issue(TestPki.spiffeSvid(proxyId));
    String xfcc = "Hash=" + sha256Hex(Tls.ALICE.der()) + ";URI=spiffe://example.org/ns/orders/sa/alice";
    try (GrpcServer server =
        GrpcServer.start(
            Tls.serverAcceptingAnyClient(),
            new EchoService().definition(),
            GrpcIdentityLog.create(behindProxy).newServerInterceptor())) {
      Calls.unary(server.channel(Tls.client(forged)), "ok",
          Calls.metadata("x-forwarded-client-cert", xfcc, "x-forwarded-for", "203.0.113.9"), 5000);
      IdentityEvent e = only(sink);
      assertThat(e.get(Fields.FORWARDED_UNTRUSTED)).isTrue();
      assertThat(e.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.TLS);
      assertThat(e.get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(sha256Hex(forged.der()));
      assertThat(e.get(Fields.AUTHN_REASON)).isEqualTo(Reason.CERT_UNTRUSTED);
      assertThat(e.get(Fields.CLIENT_ADDRESS)).isNull();

      sink.clear();
      Calls.unary(server.channel(Tls.client(genuine)), "ok",
          Calls.metadata("x-forwarded-client-cert", xfcc), 5000);
      IdentityEvent trusted = only(sink);
      assertThat(trusted.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.XFCC);
      assertThat(trusted.get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(sha256Hex(Tls.ALICE.der()));
    }
  }

  @Test
  void aServerThatVerifiesClientsDeclaresItForSpiffeTrust() throws Exception {
    String proxyId = "spiffe://example.org/ns/edge/sa/envoy";
    Credential genuine = Tls.CA.issue(TestPki.spiffeSvid(proxyId));
    String xfcc = "Hash=" + sha256Hex(Tls.ALICE.der());
    for (boolean declared : new boolean[] {false, true}) {
      CollectingSink sink = new CollectingSink();
      IdentityLog log =
          IdentityLog.builder()
              .trustedProxies(TrustedProxies.parse(proxyId))
              .peerCertificatesVerified(declared)
              .addSink(sink)
              .build();
      try (GrpcServer server =
          GrpcServer.start(
              Tls.serverRequiringClient(),
              new EchoService().definition(),
              GrpcIdentityLog.create(log).newServerInterceptor())) {
        Calls.unary(server.channel(Tls.client(genuine)), "ok",
            Calls.metadata("x-forwarded-client-cert", xfcc), 5000);
        IdentityEvent e = only(sink);
        // Undeclared, nothing this library knows of verified the peer: its SPIFFE ID proves nothing.
        assertThat(e.get(Fields.CERT_SOURCE)).isEqualTo(declared ? CertSource.XFCC : CertSource.TLS);
        assertThat(e.get(Fields.FORWARDED_UNTRUSTED)).isEqualTo(declared ? null : Boolean.TRUE);
      }
    }
  }

  @Test
  void everyMetadataEntryOfAForwardedHeaderIsRead() throws Exception {
    CollectingSink sink = new CollectingSink();
    IdentityLog behindProxy =
        IdentityLog.builder()
            .trustedProxies(TrustedProxies.parse("127.0.0.1/32, ::1/128"))
            .addSink(sink)
            .build();
    try (GrpcServer server =
        GrpcServer.start(
            Tls.serverAcceptingAnyClient(),
            new EchoService().definition(),
            GrpcIdentityLog.create(behindProxy).newServerInterceptor())) {
      Calls.unary(server.channel(Tls.client(null)), "ok",
          Calls.metadata("x-forwarded-for", "6.6.6.6", "x-forwarded-for", "203.0.113.7",
              "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
              "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
          5000);
      IdentityEvent e = only(sink);
      assertThat(e.get(Fields.CLIENT_ADDRESS)).isEqualTo("203.0.113.7");
      assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.INVALID);
    }
  }

  // ------------------------------------------------------------------ statuses

  static Stream<Arguments> statuses() {
    return Stream.of(
        // status, credential, authn, authn reason, authz, authz reason, dependency, error.type, outcome
        Arguments.of("OK", "cert", Outcome.SUCCESS, null, Outcome.SUCCESS, null,
            Outcome.NOT_APPLICABLE, null, EventOutcome.SUCCESS),
        Arguments.of("UNAUTHENTICATED", "none", Outcome.FAILURE, Reason.CREDENTIAL_MISSING,
            Outcome.NOT_APPLICABLE, null, Outcome.NOT_APPLICABLE, Reason.CREDENTIAL_MISSING,
            EventOutcome.FAILURE),
        Arguments.of("UNAUTHENTICATED", "expired-token", Outcome.FAILURE, Reason.TOKEN_EXPIRED,
            Outcome.NOT_APPLICABLE, null, Outcome.NOT_APPLICABLE, Reason.TOKEN_EXPIRED,
            EventOutcome.FAILURE),
        Arguments.of("PERMISSION_DENIED", "cert", Outcome.SUCCESS, null, Outcome.FAILURE,
            Reason.POLICY_DENIED, Outcome.NOT_APPLICABLE, Reason.POLICY_DENIED,
            EventOutcome.FAILURE),
        Arguments.of("RESOURCE_EXHAUSTED", "cert", Outcome.UNKNOWN, null, Outcome.UNKNOWN, null,
            Outcome.NOT_APPLICABLE, Reason.THROTTLED, EventOutcome.FAILURE),
        // SPEC 1.1: the service failed on its own, with no other cause in sight.
        Arguments.of("INTERNAL", "cert", Outcome.UNKNOWN, null, Outcome.UNKNOWN, null,
            Outcome.NOT_APPLICABLE, Reason.INTERNAL_ERROR, EventOutcome.FAILURE),
        Arguments.of("INVALID_ARGUMENT", "none", Outcome.NOT_APPLICABLE, null,
            Outcome.NOT_APPLICABLE, null, Outcome.NOT_APPLICABLE, null, EventOutcome.FAILURE),
        // Without a failed outbound call, the library cannot name a dependency.
        Arguments.of("UNAVAILABLE", "cert", Outcome.UNKNOWN, null, Outcome.UNKNOWN, null,
            Outcome.UNKNOWN, null, EventOutcome.FAILURE),
        Arguments.of("DEADLINE_EXCEEDED", "cert", Outcome.UNKNOWN, null, Outcome.UNKNOWN, null,
            Outcome.UNKNOWN, null, EventOutcome.FAILURE));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("statuses")
  void statusesBecomeOutcomes(
      String status,
      String credential,
      Outcome authn,
      Reason authnReason,
      Outcome authz,
      Reason authzReason,
      Outcome dependency,
      Reason errorType,
      EventOutcome outcome) {
    ManagedChannel channel = credential.equals("cert") ? asAlice : anonymous;
    Metadata headers =
        credential.equals("expired-token")
            ? Calls.metadata(
                "authorization",
                "Bearer " + TestTokens.rs256().expiredAgo(Duration.ofMinutes(5)).sign())
            : new Metadata();
    String request = "status:" + status;
    if (status.equals("OK")) {
      Calls.unary(channel, "ok", headers, 5000);
    } else {
      assertThat(Calls.failure(channel, request, headers, 5000).getCode().name()).isEqualTo(status);
    }

    IdentityEvent e = only(orders);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo(status);
    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(authn);
    assertThat(e.get(Fields.AUTHN_REASON)).isEqualTo(authnReason);
    assertThat(e.get(Fields.AUTHZ_OUTCOME)).isEqualTo(authz);
    assertThat(e.get(Fields.AUTHZ_REASON)).isEqualTo(authzReason);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(dependency);
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isNull();
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(errorType);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(outcome);
  }

  // ------------------------------------------------------------------ decisions

  @Test
  void decisionsRecordedInServiceCodeWin() {
    assertThat(Calls.failure(asAlice, "deny").getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    IdentityEvent e = only(orders);
    assertThat(e.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.INSUFFICIENT_SCOPE);
    assertThat(e.get(Fields.AUTHZ_POLICY)).isEqualTo("orders:write");
    assertThat(e.get(Fields.AUTHZ_INFERRED)).isNull();
  }

  @Test
  void theRecordIsBoundInEveryMessageCallback() throws Exception {
    CompletableFuture<String> answer = new CompletableFuture<>();
    StreamObserver<String> requests =
        ClientCalls.asyncClientStreamingCall(
            asAlice.newCall(Echo.COLLECT, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS)),
            new Completion(answer));
    requests.onNext("a");
    requests.onNext("deny");
    requests.onNext("b");
    requests.onCompleted();
    assertThat(answer).failsWithin(WAIT);

    IdentityEvent e = only(orders);
    assertThat(e.get(Fields.RPC_METHOD)).isEqualTo("Collect");
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("PERMISSION_DENIED");
    assertThat(e.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.ACTOR_NOT_PERMITTED);
    assertThat(e.get(Fields.AUTHZ_POLICY)).isEqualTo("batch-policy");
    assertThat(e.get(Fields.AUTHZ_INFERRED)).isNull();
  }

  // ------------------------------------------------------------------ dependencies

  @Test
  void unavailableAfterAFailedOutboundCallIsADependencyFailure() {
    assertThat(Calls.failure(asAlice, "call:ledger:2000:ok").getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);

    List<IdentityEvent> events = orders.awaitEvents(2, WAIT);
    IdentityEvent client = byName(events, EventName.CLIENT);
    IdentityEvent server = byName(events, EventName.SERVER);

    assertThat(client.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(client.get(Fields.SERVER_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(client.get(Fields.SERVER_PORT)).isEqualTo((long) ledgerPort);
    assertThat(client.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("UNAVAILABLE");
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(server.get(Fields.SPAN_ID));
    assertThat(client.get(Fields.TRACE_ID)).isEqualTo(server.get(Fields.TRACE_ID));

    assertThat(server.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("UNAVAILABLE");
    assertThat(server.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(server.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(server.get(Fields.DEPENDENCY_NAME)).isEqualTo("ledger");
    assertThat(server.get(Fields.DEPENDENCY_STATUS)).isEqualTo("UNAVAILABLE");
    assertThat(server.get(Fields.DEPENDENCY_INFERRED)).isTrue();
    assertThat(server.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CONNECT_FAILURE);
  }

  @Test
  void deadlineExceededAfterATimedOutOutboundCallIsADependencyFailure() {
    assertThat(Calls.failure(asAlice, "call:inventory:200:sleep:800").getCode())
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);

    List<IdentityEvent> events = orders.awaitEvents(2, WAIT);
    IdentityEvent client = byName(events, EventName.CLIENT);
    IdentityEvent server = byName(events, EventName.SERVER);
    assertThat(client.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.TIMEOUT);
    assertThat(client.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(server.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(server.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(server.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.TIMEOUT);
    assertThat(server.get(Fields.DEPENDENCY_NAME)).isEqualTo("inventory");
    assertThat(server.get(Fields.DEPENDENCY_STATUS)).isEqualTo("DEADLINE_EXCEEDED");

    // The inventory service learns its caller gave up when it tries to answer.
    IdentityEvent downstream = only(inventory);
    assertThat(downstream.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(downstream.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(downstream.get(Fields.SPAN_PARENT_ID)).isEqualTo(client.get(Fields.SPAN_ID));
  }

  @Test
  void aSuccessfulOutboundCallJoinsAllThreeEvents() {
    assertThat(Calls.unary(asAlice, "call:inventory:2000:ok")).isEqualTo("downstream said ok");

    List<IdentityEvent> events = orders.awaitEvents(2, WAIT);
    IdentityEvent client = byName(events, EventName.CLIENT);
    IdentityEvent server = byName(events, EventName.SERVER);
    IdentityEvent downstream = only(inventory);

    assertThat(server.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(server.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.SUCCESS);
    assertThat(client.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(client.get(Fields.TLS_SERVER_HASH_SHA256)).isEqualTo(sha256Hex(Tls.SERVER.der()));

    String traceId = server.get(Fields.TRACE_ID);
    assertThat(client.get(Fields.TRACE_ID)).isEqualTo(traceId);
    assertThat(downstream.get(Fields.TRACE_ID)).isEqualTo(traceId);
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(server.get(Fields.SPAN_ID));
    assertThat(downstream.get(Fields.SPAN_PARENT_ID)).isEqualTo(client.get(Fields.SPAN_ID));
    assertThat(downstream.get(Fields.REQUEST_ID)).isEqualTo(server.get(Fields.REQUEST_ID));
    // The inventory server required and verified the certificate orders presented.
    assertThat(downstream.get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(sha256Hex(Tls.ALICE.der()));
  }

  @Test
  void callsFromWorkThatOnlyCarriesTheGrpcContextStillReportIntoTheCall() {
    assertThat(Calls.failure(asAlice, "call-async:ledger:2000:ok").getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);

    List<IdentityEvent> events = orders.awaitEvents(2, WAIT);
    IdentityEvent client = byName(events, EventName.CLIENT);
    IdentityEvent server = byName(events, EventName.SERVER);
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(server.get(Fields.SPAN_ID));
    assertThat(server.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(server.get(Fields.DEPENDENCY_NAME)).isEqualTo("ledger");
  }

  // ------------------------------------------------------------------ exactly one event

  @Test
  void aServiceMethodThatThrowsEndsTheCallOnce() throws Exception {
    Status status = Calls.failure(asAlice, "throw");

    IdentityEvent e = onlyAfterQuiet(orders);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo(status.getCode().name());
    assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
  }

  @Test
  void aHandlerThatCannotStartTheCallEndsItOnce() throws Exception {
    Status status;
    try {
      ClientCalls.blockingUnaryCall(
          asAlice, Echo.EXPLODE, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "x");
      throw new AssertionError("expected a failure");
    } catch (io.grpc.StatusRuntimeException expected) {
      status = expected.getStatus();
    }

    IdentityEvent e = onlyAfterQuiet(orders);
    assertThat(e.get(Fields.RPC_METHOD)).isEqualTo("Explode");
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo(status.getCode().name());
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
  }

  @Test
  void aClientWhoseDeadlinePassesIsAClientAbortOnce() throws Exception {
    assertThat(Calls.failure(asAlice, "sleep:600", new Metadata(), 150).getCode())
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);

    // The service answers after the deadline; the record says the caller gave up.
    IdentityEvent e = onlyAfterQuiet(orders);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(e.get(Fields.EVENT_DURATION)).isGreaterThanOrEqualTo(Duration.ofMillis(600).toNanos());
  }

  @Test
  void aCancelledCallEndsOnce() throws Exception {
    var future =
        io.grpc.stub.ClientCalls.futureUnaryCall(
            asAlice.newCall(Echo.UNARY, CallOptions.DEFAULT), "hang");
    assertThat(ordersService.hanging.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
    future.cancel(true);

    IdentityEvent e = onlyAfterQuiet(orders);
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("CANCELLED");
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
  }

  // ------------------------------------------------------------------ helpers

  static IdentityEvent only(CollectingSink sink) {
    sink.awaitEvents(1, WAIT);
    return sink.single();
  }

  /** The one event, after a pause long enough for a second one to show up if there were one. */
  static IdentityEvent onlyAfterQuiet(CollectingSink sink) throws InterruptedException {
    sink.awaitEvents(1, WAIT);
    Thread.sleep(300);
    return sink.single();
  }

  static IdentityEvent byName(List<IdentityEvent> events, EventName name) {
    List<IdentityEvent> found =
        events.stream().filter(e -> e.get(Fields.EVENT_NAME) == name).toList();
    assertThat(found).as("%s events in %s", name, events).hasSize(1);
    return found.get(0);
  }

  static String sha256Hex(byte[] der) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** identity.token.hash: the first 16 bytes of SHA-256 over the raw token, lowercase hex. */
  static String tokenHash(String token) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  /** Completes a future with the single answer, or exceptionally with the error. */
  static final class Completion implements StreamObserver<String> {
    private final CompletableFuture<String> future;
    private String value;

    Completion(CompletableFuture<String> future) {
      this.future = future;
    }

    @Override
    public void onNext(String v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      future.complete(value);
    }
  }
}
