package dev.identitylog.spring.boot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One real Boot application on embedded Tomcat over TLS (client certificates wanted), with Spring
 * Security as a JWT resource server, {@code x509()} and method security. Each request's event must
 * carry the decision Spring Security made, recorded (no {@code inferred} flag), with the reason
 * its exception meant.
 */
@SpringBootTest(classes = SecuredApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecuredAppTest {
  private static final TestPki PKI = TestPki.create("Spring Test Root");
  private static final Credential SERVER = PKI.issue(TestPki.server("localhost"));
  private static final Credential KNOWN_CLIENT = PKI.issue(TestPki.leaf("CN=client-app,O=Test").clientAuth());
  private static final Credential UNKNOWN_CLIENT = PKI.issue(TestPki.leaf("CN=mallory,O=Test").clientAuth());

  /** A downstream service on loopback that answers 503 and remembers the traceparent it got. */
  private static final AtomicReference<String> DOWNSTREAM_TRACEPARENT = new AtomicReference<>();
  private static final HttpServer DOWNSTREAM = downstream();

  private static HttpServer downstream() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/inventory", exchange -> {
        DOWNSTREAM_TRACEPARENT.set(exchange.getRequestHeaders().getFirst("traceparent"));
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
      });
      server.start();
      return server;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stopDownstream() {
    DOWNSTREAM.stop(0);
  }

  @DynamicPropertySource
  static void tls(DynamicPropertyRegistry registry) throws Exception {
    registry.add("downstream.url", () -> "http://127.0.0.1:" + DOWNSTREAM.getAddress().getPort());
    Path jwks = Files.createTempFile("jwks", ".json");
    Files.writeString(jwks, TestTokens.jwkSet().toPublicJWKSet().toString(), StandardCharsets.UTF_8);
    registry.add("spring.application.name", () -> "orders");
    registry.add("server.ssl.enabled", () -> "true");
    registry.add("server.ssl.key-store", () -> SERVER.keyStoreFile().toUri().toString());
    registry.add("server.ssl.key-store-type", () -> "PKCS12");
    registry.add("server.ssl.key-store-password", () -> TestPki.PASSWORD);
    registry.add("server.ssl.key-alias", () -> TestPki.KEY_ALIAS);
    registry.add("server.ssl.trust-store", () -> PKI.trustStoreFile().toUri().toString());
    registry.add("server.ssl.trust-store-type", () -> "PKCS12");
    registry.add("server.ssl.trust-store-password", () -> TestPki.PASSWORD);
    registry.add("server.ssl.client-auth", () -> "want");
    registry.add("identity-log.token.jwk-set", () -> jwks.toUri().toString());
  }

  @LocalServerPort int port;
  @Autowired CollectingSink sink;

  private HttpClient client(Credential clientCertificate) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(
        clientCertificate == null ? null : new KeyManager[] {clientCertificate.keyManager()},
        new TrustManager[] {PKI.trustManager()},
        null);
    return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** Sends the request and returns the server event written for it, found by its request id. */
  private Exchange call(String path, String token, Credential clientCertificate) throws Exception {
    String requestId = UUID.randomUUID().toString();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
        .header("X-Request-ID", requestId).timeout(Duration.ofSeconds(20));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = client(clientCertificate).send(request.build(), HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (IdentityEvent e : sink.events()) {
        if (e.get(Fields.EVENT_NAME) == EventName.SERVER && requestId.equals(e.get(Fields.REQUEST_ID))) {
          return new Exchange(response, e);
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no event for " + path + " (status " + response.statusCode() + ")");
  }

  private static final class Exchange {
    final HttpResponse<String> response;
    final IdentityEvent event;

    Exchange(HttpResponse<String> response, IdentityEvent event) {
      this.response = response;
      this.event = event;
    }
  }

  private static TestTokens token() {
    return TestTokens.rs256().audience(SecuredApp.AUDIENCE).scope("orders:read");
  }

  private static void assertAuthnRecorded(IdentityEvent e, Outcome outcome, Reason reason) {
    assertThat(e.get(Fields.AUTHN_OUTCOME)).as("authn outcome").isEqualTo(outcome);
    assertThat(e.get(Fields.AUTHN_REASON)).as("authn reason").isEqualTo(reason);
    assertThat(e.has(Fields.AUTHN_INFERRED)).as("authn recorded, not inferred").isFalse();
  }

  @Test
  void validTokenIsARecordedSuccessWithTheDecidingScope() throws Exception {
    Exchange x = call("/api/orders", token().sign(), null);
    assertThat(x.response.statusCode()).isEqualTo(200);
    assertThat(x.event.get(Fields.SERVICE_NAME)).isEqualTo("orders");
    assertThat(x.event.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertAuthnRecorded(x.event, Outcome.SUCCESS, null);
    assertThat(x.event.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(x.event.get(Fields.AUTHZ_POLICY)).isEqualTo("SCOPE_orders:read");
    assertThat(x.event.has(Fields.AUTHZ_INFERRED)).isFalse();
    assertThat(x.event.get(Fields.TOKEN_VERIFIED)).as("identity-log.token.jwk-set was applied").isTrue();
  }

  @Test
  void expiredToken() throws Exception {
    Exchange x = call("/api/orders", token().expiredAgo(Duration.ofHours(1)).sign(), null);
    assertThat(x.response.statusCode()).isEqualTo(401);
    assertAuthnRecorded(x.event, Outcome.FAILURE, Reason.TOKEN_EXPIRED);
  }

  @Test
  void tokenNotYetValid() throws Exception {
    Exchange x = call("/api/orders", token().notBeforeIn(Duration.ofHours(1)).sign(), null);
    assertThat(x.response.statusCode()).isEqualTo(401);
    assertAuthnRecorded(x.event, Outcome.FAILURE, Reason.TOKEN_NOT_YET_VALID);
  }

  @Test
  void wrongAudience() throws Exception {
    Exchange x = call("/api/orders", token().audience("billing-api").sign(), null);
    assertThat(x.response.statusCode()).isEqualTo(401);
    assertAuthnRecorded(x.event, Outcome.FAILURE, Reason.AUDIENCE_MISMATCH);
  }

  @Test
  void wrongIssuer() throws Exception {
    Exchange x = call("/api/orders", token().issuer("https://evil.test").sign(), null);
    assertThat(x.response.statusCode()).isEqualTo(401);
    assertAuthnRecorded(x.event, Outcome.FAILURE, Reason.ISSUER_UNTRUSTED);
  }

  @Test
  void badSignature() throws Exception {
    Exchange x = call("/api/orders", token().otherKeySign(), null);
    assertThat(x.response.statusCode()).isEqualTo(401);
    assertAuthnRecorded(x.event, Outcome.FAILURE, Reason.TOKEN_INVALID);
  }

  @Test
  void malformedToken() throws Exception {
    Exchange x = call("/api/orders", "abc.def.ghi", null);
    assertThat(x.response.statusCode()).isEqualTo(401);
    assertAuthnRecorded(x.event, Outcome.FAILURE, Reason.CREDENTIAL_MALFORMED);
  }

  @Test
  void missingToken() throws Exception {
    Exchange x = call("/api/orders", null, null);
    assertThat(x.response.statusCode()).isEqualTo(401);
    assertAuthnRecorded(x.event, Outcome.FAILURE, Reason.CREDENTIAL_MISSING);
  }

  @Test
  void insufficientScopeNamesTheRequiredScope() throws Exception {
    Exchange x = call("/api/admin", token().sign(), null);
    assertThat(x.response.statusCode()).isEqualTo(403);
    assertAuthnRecorded(x.event, Outcome.SUCCESS, null);
    assertThat(x.event.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(x.event.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.INSUFFICIENT_SCOPE);
    assertThat(x.event.get(Fields.AUTHZ_POLICY)).isEqualTo("SCOPE_orders:write");
    assertThat(x.event.has(Fields.AUTHZ_INFERRED)).isFalse();
  }

  @Test
  void methodSecurityDenialIsAPolicyDenialNotTheScopeTheChallengeClaims() throws Exception {
    // BearerTokenAccessDeniedHandler answers every bearer 403 with error="insufficient_scope":
    // inferred from the response, this would be insufficient_scope.
    Exchange x = call("/api/audit", token().sign(), null);
    assertThat(x.response.statusCode()).isEqualTo(403);
    assertThat(x.event.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(x.event.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.POLICY_DENIED);
    assertThat(x.event.get(Fields.AUTHZ_POLICY)).isEqualTo("hasRole('AUDITOR')");
    assertThat(x.event.has(Fields.AUTHZ_INFERRED)).isFalse();
  }

  @Test
  void clientCertificateAcceptedByX509() throws Exception {
    Exchange x = call("/x509/whoami", null, KNOWN_CLIENT);
    assertThat(x.response.statusCode()).isEqualTo(200);
    assertThat(x.event.get(Fields.TLS_CLIENT_SUBJECT)).isEqualTo("CN=client-app,O=Test");
    assertAuthnRecorded(x.event, Outcome.SUCCESS, null);
    assertThat(x.event.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(x.event.get(Fields.AUTHZ_POLICY)).isEqualTo("ROLE_CLIENT");
  }

  @Test
  void clientCertificateRefusedByX509IsCertUntrustedNotMissing() throws Exception {
    Exchange x = call("/x509/whoami", null, UNKNOWN_CLIENT);
    assertThat(x.response.statusCode()).isEqualTo(403);
    assertThat(x.event.get(Fields.TLS_CLIENT_SUBJECT)).isEqualTo("CN=mallory,O=Test");
    assertThat(x.event.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(403L);
    assertAuthnRecorded(x.event, Outcome.FAILURE, Reason.CERT_UNTRUSTED);
  }

  @Test
  void noClientCertificateAtAnX509EndpointIsCertMissing() throws Exception {
    // TLS "want": the handshake succeeds without a certificate, x509() finds none, and the
    // request is refused as anonymous. The credential this chain takes is a certificate.
    Exchange x = call("/x509/whoami", null, null);
    assertThat(x.response.statusCode()).isEqualTo(403);
    assertThat(x.event.has(Fields.TLS_CLIENT_SUBJECT)).as("no certificate was presented").isFalse();
    assertAuthnRecorded(x.event, Outcome.FAILURE, Reason.CERT_MISSING);
  }

  @Test
  void restClientCallsGetTheirOwnEventJoinedToTheRequest() throws Exception {
    Exchange x = call("/api/downstream", token().sign(), null);
    assertThat(x.response.statusCode()).isEqualTo(502);
    String requestId = x.event.get(Fields.REQUEST_ID);
    IdentityEvent client = sink.events().stream()
        .filter(e -> e.get(Fields.EVENT_NAME) == EventName.CLIENT && requestId.equals(e.get(Fields.REQUEST_ID)))
        .findFirst().orElseThrow(() -> new AssertionError("no client event"));
    assertThat(client.get(Fields.TRACE_ID)).isEqualTo(x.event.get(Fields.TRACE_ID));
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(x.event.get(Fields.SPAN_ID));
    assertThat(DOWNSTREAM_TRACEPARENT.get()).as("traceparent on the wire")
        .startsWith("00-" + client.get(Fields.TRACE_ID) + "-" + client.get(Fields.SPAN_ID) + "-");
    assertThat(client.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(503L);
    assertThat(client.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(client.get(Fields.URL_FULL)).doesNotContain("sku");
    // The request that made the call: its 502 is the downstream's failure, not its own.
    assertThat(x.event.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
  }

  @Test
  void executorTasksRunWithTheRequestsRecord() throws Exception {
    Exchange x = call("/api/background", token().sign(), null);
    assertThat(x.response.statusCode()).isEqualTo(200);
    assertThat(x.response.body()).isEqualTo(x.event.get(Fields.REQUEST_ID));
  }
}
