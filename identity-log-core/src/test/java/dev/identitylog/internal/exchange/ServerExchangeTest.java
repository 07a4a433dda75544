package dev.identitylog.internal.exchange;

import dev.identitylog.protocol.ServerRequest;
import dev.identitylog.protocol.ClientRequest;
import dev.identitylog.protocol.HttpClientRequest;
import dev.identitylog.context.Scope;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.event.CertSource;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenType;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.redact.Limits;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import dev.identitylog.token.TokenInspector;
import dev.identitylog.trust.TrustedProxies;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class ServerExchangeTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final CollectingSink sink = new CollectingSink();

  private IdentityLog log(TrustedProxies trust, boolean strict) {
    return IdentityLog.builder()
        .serviceName("gateway")
        .hopLayer(HopLayer.GATEWAY)
        .trustedProxies(trust)
        .strictForwarding(strict)
        .addSink(sink)
        .build();
  }

  private IdentityLog log() {
    return log(TrustedProxies.none(), false);
  }

  @Test
  void startsATraceAndARequestIdWhenNoneArrive() {
    ServerExchange x = ServerExchange.start(log(), new FakeInboundRequest());
    IdentityEvent e = x.finishHttp(200, null, null);

    assertThat(e.get(Fields.EVENT_NAME)).isEqualTo(EventName.SERVER);
    assertThat(e.get(Fields.SCHEMA)).isEqualTo("1.1");
    assertThat(e.get(Fields.SERVICE_NAME)).isEqualTo("gateway");
    assertThat(e.get(Fields.HOP_LAYER)).isEqualTo(HopLayer.GATEWAY);
    assertThat(e.get(Fields.TRACE_ID)).matches("[0-9a-f]{32}");
    assertThat(e.get(Fields.SPAN_ID)).matches("[0-9a-f]{16}");
    assertThat(e.has(Fields.SPAN_PARENT_ID)).isFalse();
    assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.GENERATED);
    assertThat(e.get(Fields.REQUEST_ID)).isNotBlank();
    assertThat(e.get(Fields.HTTP_REQUEST_METHOD)).isEqualTo("GET");
    assertThat(e.get(Fields.URL_PATH)).isEqualTo("/orders/42");
    assertThat(e.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(e.get(Fields.NETWORK_PEER_ADDRESS)).isEqualTo("192.0.2.10");
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.SUCCESS);
    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.NOT_APPLICABLE);
    assertThat(e.get(Fields.AUTHN_INFERRED)).isTrue();
    assertThat(e.get(Fields.EVENT_DURATION)).isNotNegative();
    assertThat(e.has(Fields.ERROR_TYPE)).isFalse();
    assertThat(sink.events()).containsExactly(e);
  }

  @Test
  void continuesAReceivedTraceAndRequestId() {
    ServerExchange x =
        ServerExchange.start(log(), 
            new FakeInboundRequest()
                .header("traceparent", TRACEPARENT)
                .header("tracestate", "congo=t61rcWkgMzE")
                .header("X-Request-ID", "req-123"));
    IdentityEvent e = x.finishHttp(204, null, null);

    assertThat(e.get(Fields.TRACE_ID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(e.get(Fields.SPAN_PARENT_ID)).isEqualTo("00f067aa0ba902b7");
    assertThat(e.get(Fields.SPAN_ID)).isNotEqualTo("00f067aa0ba902b7").matches("[0-9a-f]{16}");
    assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.TRACEPARENT);
    assertThat(e.get(Fields.REQUEST_ID)).isEqualTo("req-123");
    assertThat(x.traceState()).isEqualTo("congo=t61rcWkgMzE");
  }

  @Test
  void replacesAnInvalidTraceparentAndSaysSo() {
    IdentityEvent e =
        ServerExchange.start(log(), new FakeInboundRequest().header("traceparent", "00-XYZ-bad-01"))
            .finishHttp(200, null, null);
    assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.INVALID);
    assertThat(e.get(Fields.TRACE_ID)).matches("[0-9a-f]{32}");
  }

  @Test
  void recordedDecisionsWinOverInference() {
    ServerExchange x = ServerExchange.start(log(), new FakeInboundRequest().header("Authorization", "Bearer opaque-token-value"));
    x.authnSucceeded().authzFailed(Reason.ACTOR_NOT_PERMITTED, "orders:admin");
    IdentityEvent e = x.finishHttp(403, "Bearer error=\"insufficient_scope\"", null);

    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.has(Fields.AUTHN_INFERRED)).isFalse();
    assertThat(e.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.ACTOR_NOT_PERMITTED);
    assertThat(e.get(Fields.AUTHZ_POLICY)).isEqualTo("orders:admin");
    assertThat(e.has(Fields.AUTHZ_INFERRED)).isFalse();
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.ACTOR_NOT_PERMITTED);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
  }

  @Test
  void infersAnExpiredTokenFromA401() throws Exception {
    String token = hs256(Instant.now().minusSeconds(60));
    IdentityEvent e =
        ServerExchange.start(log(), new FakeInboundRequest().header("Authorization", "Bearer " + token))
            .finishHttp(401, "Bearer error=\"invalid_token\"", null);

    assertThat(e.get(Fields.TOKEN_TYPE)).isEqualTo(TokenType.JWT);
    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.AUTHN_REASON)).isEqualTo(Reason.TOKEN_EXPIRED);
    assertThat(e.get(Fields.AUTHN_INFERRED)).isTrue();
    assertThat(e.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.NOT_APPLICABLE);
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.TOKEN_EXPIRED);
    assertThat(e.toString()).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
  }

  @Test
  void infersAMissingCredentialFromA401() {
    IdentityEvent e = ServerExchange.start(log(), new FakeInboundRequest()).finishHttp(401, null, null);
    assertThat(e.get(Fields.AUTHN_REASON)).isEqualTo(Reason.CREDENTIAL_MISSING);
  }

  @Test
  void infersInsufficientScopeOrPolicyFromA403() throws Exception {
    String token = hs256(Instant.now().plusSeconds(600));
    IdentityEvent scope =
        ServerExchange.start(log(), new FakeInboundRequest().header("Authorization", "Bearer " + token))
            .finishHttp(403, "Bearer error=\"insufficient_scope\"", null);
    assertThat(scope.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(scope.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.INSUFFICIENT_SCOPE);
    assertThat(scope.get(Fields.AUTHZ_INFERRED)).isTrue();

    IdentityEvent policy =
        ServerExchange.start(log(), new FakeInboundRequest().header("Authorization", "Bearer " + token))
            .finishHttp(403, null, null);
    assertThat(policy.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.POLICY_DENIED);
  }

  @Test
  void namesTheDependencyBehindA503() {
    IdentityLog log = log();
    ServerExchange x = ServerExchange.start(log, new FakeInboundRequest());
    try (Scope ignored = x.makeCurrent()) {
      ClientExchange call = ClientExchange.start(log, new ClientRequest() {
        @Override
        public String serverAddress() {
          return "inventory";
        }
      }, ServerExchange.current());
      call.finishHttp(-1, new ConnectException("Connection refused"));
    }
    IdentityEvent e = x.finishHttp(503, null, null);

    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_NAME)).isEqualTo("inventory");
    assertThat(e.get(Fields.DEPENDENCY_INFERRED)).isTrue();
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(sink.events()).hasSize(2);
  }

  @Test
  void aCallTheApplicationCancelledIsNotADependencyFailure() {
    IdentityLog log = log();
    ServerExchange x = ServerExchange.start(log, new FakeInboundRequest());
    IdentityEvent call;
    try (Scope ignored = x.makeCurrent()) {
      call = ClientExchange.start(log, new ClientRequest() {
        @Override
        public String serverAddress() {
          return "inventory";
        }
      }, ServerExchange.current()).finishHttp(-1, new java.io.IOException("Canceled"));
    }
    assertThat(call.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.UNKNOWN);
    assertThat(call.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(call.has(Fields.DEPENDENCY_REASON)).isFalse();
    IdentityEvent e = x.finishHttp(503, null, null);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.UNKNOWN);
    assertThat(e.has(Fields.DEPENDENCY_REASON)).isFalse();
  }

  @Test
  void a503WithoutAFailedCallIsAnUnknownDependencyOutcome() {
    IdentityEvent e = ServerExchange.start(log(), new FakeInboundRequest()).finishHttp(503, null, null);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.UNKNOWN);
    assertThat(e.has(Fields.DEPENDENCY_REASON)).isFalse();
  }

  @Test
  void throttlingAndClientAbortAreNeitherPhase() {
    assertThat(ServerExchange.start(log(), new FakeInboundRequest()).finishHttp(429, null, null)
            .get(Fields.ERROR_TYPE))
        .isEqualTo(Reason.THROTTLED);
    IdentityEvent aborted = ServerExchange.start(log(), new FakeInboundRequest()).finishAborted(200, null);
    assertThat(aborted.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(aborted.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
  }

  @Test
  void ignoresAndFlagsForwardedIdentityFromAnUntrustedPeer() {
    FakeInboundRequest req = xfccRequest();
    ServerExchange x = ServerExchange.start(log(), req);
    assertThat(x.shouldReject()).isFalse();
    IdentityEvent e = x.finishHttp(200, null, null);

    assertThat(e.get(Fields.FORWARDED_UNTRUSTED)).isTrue();
    assertThat(e.has(Fields.TLS_CLIENT_HASH_SHA256)).isFalse();
    assertThat(e.has(Fields.CERT_SOURCE)).isFalse();
    assertThat(e.has(Fields.WORKLOAD_ID)).isFalse();
    assertThat(e.has(Fields.CLIENT_ADDRESS)).isFalse();
  }

  @Test
  void strictModeRejectsUntrustedForwardedIdentity() {
    ServerExchange x = ServerExchange.start(log(TrustedProxies.none(), true), xfccRequest());
    assertThat(x.shouldReject()).isTrue();
    IdentityEvent e = x.finishHttp(400, null, null);
    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.AUTHN_REASON)).isEqualTo(Reason.IDENTITY_HEADER_UNTRUSTED);
    assertThat(e.has(Fields.AUTHN_INFERRED)).isFalse();
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.IDENTITY_HEADER_UNTRUSTED);
  }

  @Test
  void takesForwardedIdentityFromATrustedProxy() {
    IdentityEvent e =
        ServerExchange.start(log(TrustedProxies.parse("192.0.2.0/24"), true), xfccRequest())
            .finishHttp(200, null, null);

    assertThat(e.has(Fields.FORWARDED_UNTRUSTED)).isFalse();
    assertThat(e.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.XFCC);
    assertThat(e.get(Fields.CERT_FORWARDED_BY)).isEqualTo("spiffe://example.org/edge");
    assertThat(e.get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo("AB".repeat(32));
    assertThat(e.get(Fields.TLS_CLIENT_ALTERNATIVE_NAMES))
        .containsExactly("spiffe://example.org/ns/shop/sa/web", "web.example.org");
    assertThat(e.get(Fields.WORKLOAD_ID)).isEqualTo("spiffe://example.org/ns/shop/sa/web");
    assertThat(e.get(Fields.CLIENT_ADDRESS)).isEqualTo("203.0.113.7");
  }

  @Test
  void takesTheClientAddressFromAProxyTrustedByItsSpiffeId() {
    TestPki pki = TestPki.create("Mesh Root");
    Credential proxy = pki.issue(TestPki.spiffeSvid("spiffe://example.org/ns/edge/sa/envoy"));
    FakeInboundRequest req = xfccRequest();
    req.peer = "198.51.100.4"; // an address nobody configured
    req.certificates = new X509Certificate[] {proxy.certificate()};

    // The proxy's certificate verifies against the configured anchors: its SPIFFE ID is evidence.
    IdentityEvent e =
        ServerExchange.start(IdentityLog.builder()
            .trustedProxies(TrustedProxies.parse("spiffe://example.org/ns/edge/sa/envoy"))
            .strictForwarding(true)
            .clientCertTrustAnchors(List.of(pki.rootCertificate()))
            .addSink(sink)
            .build(), req)
            .finishHttp(200, null, null);

    assertThat(e.has(Fields.FORWARDED_UNTRUSTED)).isFalse();
    assertThat(e.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.XFCC);
    assertThat(e.get(Fields.CLIENT_ADDRESS)).isEqualTo("203.0.113.7");
  }

  @Test
  void tlsProtocolVersionIsTheNumberOnly() {
    FakeInboundRequest req = new FakeInboundRequest();
    req.tlsProtocol = "TLSv1.3"; // as the JDK and Tomcat name it
    assertThat(ServerExchange.start(log(), req).finishHttp(200, null, null).get(Fields.TLS_PROTOCOL_VERSION))
        .isEqualTo("1.3");
    ClientExchange call = ClientExchange.start(log(), new ClientRequest() {}, ServerExchange.current());
    call.tls("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    assertThat(call.finishHttp(200, null).get(Fields.TLS_PROTOCOL_VERSION)).isEqualTo("1.2");
    assertThat(TlsVersion.of("SSLv3")).isEqualTo("3");
    assertThat(TlsVersion.of("1.2")).isEqualTo("1.2");
    assertThat(TlsVersion.of("DTLSv1.2")).isEqualTo("DTLSv1.2");
    assertThat(TlsVersion.of(" ")).isNull();
    assertThat(TlsVersion.of(null)).isNull();
  }

  @Test
  void aFailingSinkLosesNothingSilentlyAndStopsNoOtherSink() {
    IdentityLog log = IdentityLog.builder()
        .addSink(e -> {
          throw new IllegalStateException("disk full");
        })
        .addSink(sink)
        .build();
    IdentityEvent e = ServerExchange.start(log, new FakeInboundRequest()).finishHttp(200, null, null);
    assertThat(sink.events()).containsExactly(e);
    assertThat(log.droppedEvents()).isEqualTo(1);
    assertThat(log.internalErrors()).isZero();
  }

  @Test
  void finishesExactlyOnce() {
    ServerExchange x = ServerExchange.start(log(), new FakeInboundRequest());
    assertThat(x.finishHttp(200, null, null)).isNotNull();
    assertThat(x.finishHttp(500, null, null)).isNull();
    assertThat(x.finishAborted(-1, null)).isNull();
    assertThat(sink.events()).hasSize(1);
    assertThat(x.isFinished()).isTrue();
  }

  @Test
  void bindsTheRequestToTheThreadAndTheMdc() {
    ServerExchange x =
        ServerExchange.start(log(), new FakeInboundRequest().header("X-Request-ID", "abc"));
    MDC.put(ServerExchange.MDC_REQUEST_ID, "outer");
    try (Scope ignored = x.makeCurrent()) {
      assertThat(RequestIdentity.current()).isSameAs(x);
      assertThat(MDC.get(ServerExchange.MDC_TRACE_ID)).isEqualTo(x.traceId());
      assertThat(MDC.get(ServerExchange.MDC_REQUEST_ID)).isEqualTo("abc");
    } finally {
      assertThat(MDC.get(ServerExchange.MDC_REQUEST_ID)).isEqualTo("outer");
      MDC.clear();
    }
    assertThat(RequestIdentity.current().isRecording()).isFalse();
    assertThat(MDC.get(ServerExchange.MDC_TRACE_ID)).isNull();
  }

  @Test
  void aRequestThatThrowsAtEveryTurnStillYieldsAnEvent() {
    ServerRequest hostile = name -> {
      throw new IllegalStateException("recycled request");
    };
    IdentityLog log = log();
    ServerExchange x = ServerExchange.start(log, hostile);
    IdentityEvent e = x.finishHttp(200, null, null);
    assertThat(e.get(Fields.TRACE_ID)).matches("[0-9a-f]{32}");
    assertThat(e.get(Fields.SERVICE_NAME)).isEqualTo("gateway");
    assertThat(log.internalErrors()).isEqualTo(1);
  }

  @Test
  void clientCallsContinueTheRequestTrace() throws Exception {
    IdentityLog log = log();
    ServerExchange x =
        ServerExchange.start(log, new FakeInboundRequest().header("traceparent", TRACEPARENT)
            .header("tracestate", "congo=t61rcWkgMzE").header("X-Request-ID", "req-9"));
    String outboundToken = hs256(Instant.now().plusSeconds(300));
    ClientExchange call;
    try (Scope ignored = x.makeCurrent()) {
      call = ClientExchange.start(log, new HttpClientRequest() {
        @Override
        public String method() {
          return "POST";
        }

        @Override
        public String url() {
          return "https://user:secret@backend.example:8443/items?api_key=s3cret#frag";
        }

        @Override
        public String serverAddress() {
          return "backend.example";
        }

        @Override
        public String authorization() {
          return "Bearer " + outboundToken;
        }
      }, ServerExchange.current());
    }
    assertThat(call.propagationHeaders())
        .containsEntry("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-" + call.spanId() + "-01")
        .containsEntry("tracestate", "congo=t61rcWkgMzE")
        .containsEntry("X-Request-ID", "req-9");
    call.attempt();
    call.attempt();
    IdentityEvent e = call.finishHttp(201, null);

    assertThat(e.get(Fields.EVENT_NAME)).isEqualTo(EventName.CLIENT);
    assertThat(e.get(Fields.TRACE_ID)).isEqualTo(x.traceId());
    assertThat(e.get(Fields.SPAN_PARENT_ID)).isEqualTo(x.spanId());
    assertThat(e.get(Fields.SPAN_ID)).isEqualTo(call.spanId()).isNotEqualTo(x.spanId());
    assertThat(e.get(Fields.URL_FULL)).isEqualTo("https://backend.example:8443/items");
    assertThat(e.get(Fields.CLIENT_ATTEMPTS)).isEqualTo(2L);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.get(Fields.TOKEN_AUDIENCE)).containsExactly("orders");
    assertThat(e.get(Fields.TOKEN_HASH)).isEqualTo(expectedHash(outboundToken));
    assertThat(e.toString()).doesNotContain("secret").doesNotContain(outboundToken);
  }

  // ------------------------------------------------------------------ trust rests on verification

  private static IdentityLog.Builder spiffeTrusting(String id) {
    return IdentityLog.builder().trustedProxies(TrustedProxies.parse(id));
  }

  @Test
  void aSpiffeIdIsTrustedOnlyBehindAVerifiedCertificate() {
    String id = "spiffe://example.org/ns/edge/sa/envoy";
    TestPki pki = TestPki.create("Mesh Root");
    TestPki forger = TestPki.create("Forger Root");
    Credential genuine = pki.issue(TestPki.spiffeSvid(id));
    Credential forged = forger.issue(TestPki.spiffeSvid(id));

    // Nothing verifies: neither certificate is evidence, however genuine.
    IdentityEvent unverified = ServerExchange.start(spiffeTrusting(id).addSink(sink).build(), xfccFrom(genuine)).finishHttp(200, null, null);
    assertThat(unverified.get(Fields.FORWARDED_UNTRUSTED)).isTrue();
    assertThat(unverified.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.TLS);

    // The library verifies against anchors: only the genuine one.
    IdentityLog anchored = spiffeTrusting(id).clientCertTrustAnchors(List.of(pki.rootCertificate()))
        .addSink(sink).build();
    assertThat(ServerExchange.start(anchored, xfccFrom(genuine)).finishHttp(200, null, null)
        .get(Fields.CERT_SOURCE)).isEqualTo(CertSource.XFCC);
    IdentityEvent refused = ServerExchange.start(anchored, xfccFrom(forged)).finishHttp(200, null, null);
    assertThat(refused.get(Fields.FORWARDED_UNTRUSTED)).isTrue();
    assertThat(refused.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.TLS);
    assertThat(refused.get(Fields.AUTHN_REASON)).isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(refused.has(Fields.CLIENT_ADDRESS)).isFalse();

    // The deployment declares a verifying TLS layer: the handshake is the evidence.
    IdentityEvent declared = ServerExchange.start(spiffeTrusting(id).peerCertificatesVerified(true).addSink(sink).build(), xfccFrom(genuine)).finishHttp(200, null, null);
    assertThat(declared.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.XFCC);
    assertThat(declared.get(Fields.CLIENT_ADDRESS)).isEqualTo("203.0.113.7");
  }

  @Test
  void aPinnedThumbprintIsTrustedOnlyBehindAVerifiedCertificate() {
    TestPki forger = TestPki.create("Forger Root");
    Credential forged = forger.issue(TestPki.leaf("CN=edge").clientAuth());
    IdentityLog pinned = IdentityLog.builder()
        .trustedProxies(TrustedProxies.builder().certificateSha256(forged.sha256()).build())
        .clientCertTrustAnchors(List.of(TestPki.create("Real Root").rootCertificate()))
        .addSink(sink).build();
    assertThat(ServerExchange.start(pinned, xfccFrom(forged)).finishHttp(200, null, null)
        .get(Fields.FORWARDED_UNTRUSTED)).isTrue();
  }

  @Test
  void identityRulesThatNothingCanBackAreAnnouncedOnceAtStart() {
    ch.qos.logback.classic.Logger internal =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("identity.internal");
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    internal.addAppender(warnings);
    try {
      spiffeTrusting("spiffe://example.org/edge").build();
      IdentityLog.builder().trustedProxies(TrustedProxies.parse("10.0.0.0/8")).build();
      spiffeTrusting("spiffe://example.org/edge").peerCertificatesVerified(true).build();
      spiffeTrusting("spiffe://example.org/edge")
          .clientCertTrustAnchors(List.of(TestPki.create("Root").rootCertificate())).build();

      assertThat(warnings.list).hasSize(1);
      assertThat(warnings.list.get(0).getLevel()).isEqualTo(Level.WARN);
      assertThat(warnings.list.get(0).getFormattedMessage())
          .contains("IGNORED").contains("peerCertificatesVerified").contains("clientCertTrustAnchors");
    } finally {
      internal.detachAppender(warnings);
    }
  }

  @Test
  void strictModeOnlyFlagsAddressHeaders() {
    FakeInboundRequest req = new FakeInboundRequest()
        .header("X-Forwarded-For", "203.0.113.7").header("Forwarded", "for=203.0.113.7");
    ServerExchange x = ServerExchange.start(log(TrustedProxies.none(), true), req);
    assertThat(x.shouldReject()).isFalse();
    IdentityEvent e = x.finishHttp(200, null, null);
    assertThat(e.get(Fields.FORWARDED_UNTRUSTED)).isTrue();
    assertThat(e.has(Fields.AUTHN_REASON)).isFalse();
    assertThat(e.has(Fields.CLIENT_ADDRESS)).isFalse();
  }

  @Test
  void cloudflareHeadersWithoutPresentedAreIdentityBearing() {
    FakeInboundRequest req = new FakeInboundRequest()
        .header("cf-cert-subject-dn-rfc2253", "CN=carol").header("cf-cert-serial", "01");
    assertThat(ServerExchange.start(log(TrustedProxies.none(), true), req).shouldReject()).isTrue();
    IdentityEvent lax = ServerExchange.start(log(), req).finishHttp(200, null, null);
    assertThat(lax.get(Fields.FORWARDED_UNTRUSTED)).isTrue();
  }

  @Test
  void forwardedValuesAboveTheHeaderLimitAreNotParsed() {
    IdentityLog limited = IdentityLog.builder()
        .trustedProxies(TrustedProxies.parse("192.0.2.0/24"))
        .limits(Limits.of(512, 32, 256))
        .sslClientCertHeader("X-SSL-Client-Cert")
        .addSink(sink).build();
    String big = "x".repeat(300);
    for (String[] header : new String[][] {
        {"x-forwarded-client-cert", "Hash=" + "ab".repeat(32) + ";URI=spiffe://example.org/" + big},
        {"Client-Cert", ":" + "QUJD".repeat(80) + ":"},
        {"X-SSL-Client-Cert", "-----BEGIN%20CERTIFICATE-----" + big},
        {"X-Forwarded-For", "203.0.113.7, " + "198.51.100.1, ".repeat(30) + "203.0.113.8"}}) {
      IdentityEvent e = ServerExchange.start(limited, new FakeInboundRequest().header(header[0], header[1]))
          .finishHttp(200, null, null);
      assertThat(e.has(Fields.CERT_SOURCE)).as(header[0]).isFalse();
      assertThat(e.has(Fields.CLIENT_ADDRESS)).as(header[0]).isFalse();
    }
  }

  @Test
  void aTokenSubjectIsAWorkloadIdOnlyWhenItsSignatureWasVerified() {
    String sub = "spiffe://example.org/ns/shop/sa/web";
    FakeInboundRequest req = new FakeInboundRequest()
        .header("Authorization", "Bearer " + TestTokens.rs256().subject(sub).sign());
    // No keys configured: verified absent, so the subject is only a claim.
    IdentityEvent unchecked = ServerExchange.start(log(), req).finishHttp(200, null, null);
    assertThat(unchecked.has(Fields.TOKEN_VERIFIED)).isFalse();
    assertThat(unchecked.has(Fields.WORKLOAD_ID)).isFalse();

    IdentityLog keyed = IdentityLog.builder()
        .tokenInspector(TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).build())
        .addSink(sink).build();
    assertThat(ServerExchange.start(keyed, req).finishHttp(200, null, null).get(Fields.WORKLOAD_ID))
        .isEqualTo(sub);
    FakeInboundRequest forged = new FakeInboundRequest()
        .header("Authorization", "Bearer " + TestTokens.rs256().subject(sub).otherKeySign());
    IdentityEvent rejected = ServerExchange.start(keyed, forged).finishHttp(200, null, null);
    assertThat(rejected.get(Fields.TOKEN_VERIFIED)).isFalse();
    assertThat(rejected.has(Fields.WORKLOAD_ID)).isFalse();
  }

  @Test
  void urlPathDropsPathParameters() {
    FakeInboundRequest req = new FakeInboundRequest();
    req.path = "/m/s13;jsessionid=0123456789ABCDEF";
    assertThat(ServerExchange.start(log(), req).finishHttp(200, null, null).get(Fields.URL_PATH))
        .isEqualTo("/m/s13");
  }

  private static FakeInboundRequest xfccFrom(Credential peer) {
    FakeInboundRequest req = xfccRequest();
    req.peer = "198.51.100.4"; // an address nobody configured
    req.certificates = new X509Certificate[] {peer.certificate()};
    return req;
  }

  private static FakeInboundRequest xfccRequest() {
    return new FakeInboundRequest()
        .header(
            "x-forwarded-client-cert",
            "By=spiffe://example.org/edge;Hash=" + "ab".repeat(32)
                + ";URI=spiffe://example.org/ns/shop/sa/web;DNS=web.example.org")
        .header("X-Forwarded-For", "203.0.113.7");
  }

  private static String hs256(Instant expiry) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256),
            new JWTClaimsSet.Builder()
                .issuer("https://issuer.example")
                .subject("alice")
                .audience(List.of("orders"))
                .expirationTime(Date.from(expiry))
                .build());
    jwt.sign(new MACSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
    return jwt.serialize();
  }

  private static String expectedHash(String token) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(d, 0, 16);
  }
}
