package dev.identitylog.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.redact.Limits;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import dev.identitylog.token.TokenInspector;
import dev.identitylog.trust.TrustedProxies;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.security.auth.x500.X500Principal;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The behaviour every servlet container must show with the filter installed, over real TLS with
 * client certificates generated for the run. A subclass only starts its container: HTTPS on
 * 127.0.0.1, TLS 'want' mode with a trust manager that accepts any client certificate (so an
 * expired or untrusted one reaches the application, where the filter's trust anchors judge it),
 * and the given initializer run at context start, which registers filters and servlets through
 * the standard {@code ServletContext} API exactly as the README shows.
 *
 * <p>Each case finds its event by the request id it sent and asserts the canonical JSON line
 * ({@link JsonLineWriter#toJson}) field by field. Expected certificate and token values are
 * computed here from the certificates and tokens themselves, never by the library.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServletServerSuite {
  static final String PROXY_ID = "spiffe://test.example/ns/edge/sa/proxy";
  static final String SVID_ID = "spiffe://test.example/ns/orders/sa/checkout";
  static final String CAROL_ID = "spiffe://test.example/ns/web/sa/carol";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter RFC3339_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * Starts the container with HTTPS on an ephemeral port of 127.0.0.1 presenting {@code server},
   * in TLS 'want' mode accepting any client certificate, and runs {@code initializer} when the
   * root context starts. Returns the port.
   */
  protected abstract int start(Credential server, ServletContainerInitializer initializer)
      throws Exception;

  /**
   * Starts a second container, stopped by {@link #stop()}, with HTTPS on another ephemeral port of
   * 127.0.0.1 presenting {@code server}, in TLS 'need' mode: the container itself verifies client
   * certificates against the root of {@code server}'s PKI and fails any other handshake.
   */
  protected abstract int startNeedingClientCertificates(
      Credential server, ServletContainerInitializer initializer) throws Exception;

  protected abstract void stop() throws Exception;

  /** Whether the container exposes the negotiated TLS protocol as a request attribute. */
  protected abstract boolean exposesTlsProtocol();

  final CollectingSink sink = new CollectingSink();
  final CapturingAppender logged = new CapturingAppender();

  TestPki pki;
  TestPki rogue;
  Credential alice;
  Credential bob;
  Credential expired;
  Credential untrusted;
  Credential svid;
  Credential proxy;
  Credential carol;
  Credential forgedProxy;
  IdentityLog identityLog;
  AppServlet app;
  int port;
  Path trustAnchorFile;

  private OkHttpClient baseClient;
  private final Map<Credential, OkHttpClient> clients = new ConcurrentHashMap<>();
  private OkHttpClient anonymousClient;
  private final List<String> requestIds = new CopyOnWriteArrayList<>();

  @BeforeAll
  void startServer() throws Exception {
    pki = TestPki.create("Test Root");
    rogue = TestPki.create("Rogue Root");
    Credential server = pki.issue(TestPki.server("localhost"));
    alice = pki.issue(
        TestPki.leaf("CN=alice,O=Example").clientAuth().dns("alice.example").email("alice@example.org"));
    bob = pki.issue(TestPki.leaf("CN=bob,O=Example").clientAuth());
    expired = pki.issue(TestPki.leaf("CN=old,O=Example").clientAuth().expired());
    untrusted = rogue.issue(TestPki.leaf("CN=mallory,O=Rogue").clientAuth());
    svid = pki.issue(TestPki.spiffeSvid(SVID_ID));
    proxy = pki.issue(TestPki.spiffeSvid(PROXY_ID));
    carol = pki.issue(TestPki.leaf("CN=carol,O=Example").clientAuth().uri(CAROL_ID));
    // The trusted proxy's SPIFFE ID in a certificate of a CA nobody trusts: what any client can make.
    forgedProxy = rogue.issue(TestPki.spiffeSvid(PROXY_ID));

    identityLog = IdentityLog.builder()
        .serviceName("orders")
        .hopLayer(HopLayer.BACKEND)
        .trustedProxies(TrustedProxies.parse(PROXY_ID))
        .clientCertTrustAnchors(List.of(pki.rootCertificate()))
        .tokenInspector(TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).build())
        .dependencyName("127.0.0.1", "inventory")
        .addSink(sink)
        .build();
    IdentityLog strictLog = IdentityLog.builder()
        .serviceName("orders-edge")
        .hopLayer(HopLayer.GATEWAY)
        .strictForwarding(true)
        .addSink(sink)
        .build();
    // Same trust as the main filter, with the smallest header limit: forwarded certificates are
    // larger than it, so they must be neither parsed nor believed.
    IdentityLog limitedLog = IdentityLog.builder()
        .serviceName("orders-limited")
        .trustedProxies(TrustedProxies.parse(PROXY_ID))
        .clientCertTrustAnchors(List.of(pki.rootCertificate()))
        .limits(Limits.of(512, 32, 256))
        .sslClientCertHeader("X-SSL-Client-Cert")
        .addSink(sink)
        .build();
    trustAnchorFile = Files.createTempFile("identity-log-anchors-", ".pem");
    Files.writeString(trustAnchorFile, pki.rootPem());
    trustAnchorFile.toFile().deleteOnExit();

    Logger events = (Logger) LoggerFactory.getLogger("identity.events");
    logged.setContext(events.getLoggerContext());
    logged.start();
    events.addAppender(logged);
    events.setAdditive(false);

    app = new AppServlet(identityLog);
    ServletContainerInitializer initializer = (classes, context) -> {
      register(context, strictLog);
      FilterRegistration.Dynamic limited =
          context.addFilter("identity-log-limited", IdentityLogFilter.builder(limitedLog).build());
      limited.setAsyncSupported(true);
      limited.addMappingForUrlPatterns(
          EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/limited/*");
    };
    port = start(server, initializer);

    baseClient = new OkHttpClient.Builder()
        .followRedirects(false)
        .retryOnConnectionFailure(false)
        .readTimeout(Duration.ofSeconds(20))
        .callTimeout(Duration.ofSeconds(30))
        .build();
    anonymousClient = client(pki.trustOnlySslContext());
  }

  /** What the README shows: programmatic registration, before anything else, REQUEST + ASYNC. */
  private void register(ServletContext context, IdentityLog strictLog) {
    FilterRegistration.Dynamic main =
        context.addFilter("identity-log", IdentityLogFilter.builder(identityLog).build());
    main.setAsyncSupported(true);
    // Every dispatcher type, to show that forwards, includes and error dispatches are not logged twice.
    main.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/api/*");

    FilterRegistration.Dynamic strict = context.addFilter(
        "identity-log-strict",
        IdentityLogFilter.builder(strictLog).echoRequestIdHeader("X-Correlation-ID").build());
    strict.setAsyncSupported(true);
    strict.addMappingForUrlPatterns(
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/strict/*");

    // The web.xml way: the container instantiates the filter, init parameters configure it.
    FilterRegistration.Dynamic params = context.addFilter("identity-log-params", IdentityLogFilter.class);
    params.setAsyncSupported(true);
    params.setInitParameter(IdentityLogFilter.SERVICE_NAME, "params-svc");
    params.setInitParameter(IdentityLogFilter.HOP_LAYER, "gateway");
    params.setInitParameter(IdentityLogFilter.TRUSTED_PROXIES, "127.0.0.1/32, ::1");
    params.setInitParameter(IdentityLogFilter.REQUEST_ID_HEADER, "X-Correlation");
    params.setInitParameter(IdentityLogFilter.STRICT_FORWARDING, "false");
    params.setInitParameter(IdentityLogFilter.ECHO_REQUEST_ID_HEADER, "X-Echo-Id");
    params.setInitParameter(IdentityLogFilter.SSL_CLIENT_CERT_HEADER, "X-SSL-Client-Cert");
    params.setInitParameter(IdentityLogFilter.CLIENT_CERT_TRUST_ANCHORS, trustAnchorFile.toString());
    params.addMappingForUrlPatterns(
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/params/*");

    ServletRegistration.Dynamic servlet = context.addServlet("app", app);
    servlet.setAsyncSupported(true);
    servlet.addMapping("/api/*", "/strict/*", "/params/*", "/bare/*", "/limited/*");
    context.addServlet("down", new AppServlet.DownServlet()).addMapping("/api/down");
  }

  @AfterAll
  void stopServer() throws Exception {
    stop();
    Logger events = (Logger) LoggerFactory.getLogger("identity.events");
    events.detachAppender(logged);
    events.setAdditive(true);
    baseClient.dispatcher().executorService().shutdown();
    baseClient.connectionPool().evictAll();
  }

  @BeforeEach
  void forget() {
    requestIds.clear();
  }

  /** No request of the test was logged twice, however it was dispatched. */
  @AfterEach
  void exactlyOneEventPerRequest() throws InterruptedException {
    Thread.sleep(100); // room for a second, wrong event to arrive
    for (String id : requestIds) {
      assertThat(serverEvents(id)).as("server events of request %s", id).hasSizeLessThanOrEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ client certificates

  @Test
  void validClientCertificate() throws Exception {
    Call call = get(alice, "/api/hello");

    assertThat(call.status).isEqualTo(200);
    assertCommon(call, "GET", "/api/hello", 200);
    assertCertificate(call.event, alice.certificate(), "tls");
    assertThat(strings(call.event, "tls.client.x509.alternative_names"))
        .isEqualTo(List.of("alice.example", "alice@example.org"));
    assertAbsent(call.event, "identity.cert.forwarded_by", "identity.forwarded.untrusted",
        "identity.workload.id", "identity.token.type", "error.type");
    assertOutcome(call.event, "authn", "success", null, true);
    assertOutcome(call.event, "authz", "success", null, true);
    assertOutcome(call.event, "dependency", "not_applicable", null, true);
    assertThat(text(call.event, "event.outcome")).isEqualTo("success");
  }

  @Test
  void spiffeSvid() throws Exception {
    Call call = get(svid, "/api/hello");

    assertCommon(call, "GET", "/api/hello", 200);
    assertCertificate(call.event, svid.certificate(), "tls");
    assertThat(text(call.event, "tls.client.subject")).isEqualTo("O=SPIFFE");
    assertThat(strings(call.event, "tls.client.x509.alternative_names")).isEqualTo(List.of(SVID_ID));
    assertThat(text(call.event, "identity.workload.id")).isEqualTo(SVID_ID);
    assertOutcome(call.event, "authn", "success", null, true);
  }

  // ------------------------------------------------------------------ bearer tokens

  @Test
  void validBearerToken() throws Exception {
    String token = TestTokens.rs256().subject("user-17").audience("orders")
        .scope("orders:read orders:write").jti("t-1").clientId("web-app").sign();
    Call call = get(null, "/api/hello", bearer(token));

    assertCommon(call, "GET", "/api/hello", 200);
    assertToken(call.event, token);
    assertThat(strings(call.event, "identity.token.audience")).isEqualTo(List.of("orders"));
    assertThat(strings(call.event, "identity.token.scopes"))
        .isEqualTo(List.of("orders:read", "orders:write"));
    assertThat(text(call.event, "identity.token.id")).isEqualTo("t-1");
    assertThat(text(call.event, "identity.token.client_id")).isEqualTo("web-app");
    assertThat(call.event.get("identity.token.verified").asBoolean()).isTrue();
    assertThat(text(call.event, "identity.token.binding")).isEqualTo("unbound");
    assertAbsent(call.event, "identity.token.cnf.x5t_s256", "tls.client.subject");
    assertOutcome(call.event, "authn", "success", null, true);
    assertOutcome(call.event, "authz", "success", null, true);
    assertThat(text(call.event, "event.outcome")).isEqualTo("success");
    assertThat(JsonLineWriter.toJson(call.rawEvent)).doesNotContain(token)
        .doesNotContain(token.substring(token.lastIndexOf('.') + 1));
  }

  @Test
  void wrongAudienceRecordedByTheApplication() throws Exception {
    String token = TestTokens.rs256().subject("user-17").audience("billing").sign();
    Call call = get(null, "/api/hello?authn=audience_mismatch&status=401", bearer(token));

    assertCommon(call, "GET", "/api/hello", 401);
    assertThat(strings(call.event, "identity.token.audience")).isEqualTo(List.of("billing"));
    assertOutcome(call.event, "authn", "failure", "audience_mismatch", false);
    assertThat(text(call.event, "error.type")).isEqualTo("audience_mismatch");
  }

  @Test
  void tokenBoundToAnotherCertificate() throws Exception {
    String token = TestTokens.rs256().subject("svc-a").audience("orders")
        .cnfX5tS256(TestTokens.x5tS256(alice.certificate())).sign();
    Call call = get(bob, "/api/hello?status=401&www=" + enc("Bearer error=\"invalid_token\""),
        bearer(token));

    assertCommon(call, "GET", "/api/hello", 401);
    assertCertificate(call.event, bob.certificate(), "tls");
    assertThat(text(call.event, "identity.token.binding")).isEqualTo("mismatch");
    assertOutcome(call.event, "authn", "failure", "binding_mismatch", true);
    assertThat(text(call.event, "error.type")).isEqualTo("binding_mismatch");
  }

  // ------------------------------------------------------------------ 401 and 403

  @Test
  void unauthorizedWithoutChallengeOrCredential() throws Exception {
    Call call = get(null, "/api/hello?status=401");

    assertCommon(call, "GET", "/api/hello", 401);
    assertOutcome(call.event, "authn", "failure", "credential_missing", true);
    assertThat(text(call.event, "error.type")).isEqualTo("credential_missing");
    assertThat(text(call.event, "event.outcome")).isEqualTo("failure");
  }

  @Test
  void forbiddenForScope() throws Exception {
    String token = TestTokens.rs256().audience("orders").scope("orders:read").sign();
    Call call = get(null, "/api/hello?status=403&www="
        + enc("Bearer error=\"insufficient_scope\", scope=\"orders:write\""), bearer(token));

    assertCommon(call, "GET", "/api/hello", 403);
    assertOutcome(call.event, "authn", "success", null, true);
    assertOutcome(call.event, "authz", "failure", "insufficient_scope", true);
    assertThat(text(call.event, "error.type")).isEqualTo("insufficient_scope");
  }

  @Test
  void forbiddenRecordedWithPolicyThroughTheRequestAttribute() throws Exception {
    Call call = get(alice, "/api/hello?status=403&authz=actor_not_permitted&policy=orders-admins");

    assertCommon(call, "GET", "/api/hello", 403);
    assertOutcome(call.event, "authz", "failure", "actor_not_permitted", false);
    assertThat(text(call.event, "identity.authz.policy")).isEqualTo("orders-admins");
  }

  // ------------------------------------------------------------------ forwarded identity

  @Test
  void xfccFromTrustedProxy() throws Exception {
    String xfcc = "By=spiffe://test.example/ns/orders/sa/backend;Hash=" + carol.sha256().toLowerCase(Locale.ROOT)
        + ";Cert=\"" + percentEncode(carol.certificatePem()) + "\";Subject=\"CN=carol,O=Example\";URI="
        + CAROL_ID;
    Call call = get(proxy, "/api/hello", b -> b.header("x-forwarded-client-cert", xfcc)
        .header("X-Forwarded-For", "203.0.113.7"));

    assertCommon(call, "GET", "/api/hello", 200);
    assertCertificate(call.event, carol.certificate(), "xfcc");
    assertThat(text(call.event, "identity.cert.forwarded_by"))
        .isEqualTo("spiffe://test.example/ns/orders/sa/backend");
    assertThat(text(call.event, "identity.workload.id")).isEqualTo(CAROL_ID);
    assertThat(text(call.event, "client.address")).isEqualTo("203.0.113.7");
    assertAbsent(call.event, "identity.forwarded.untrusted");
    assertOutcome(call.event, "authn", "success", null, true);
  }

  @Test
  void xfccFromUntrustedPeerIsIgnoredAndFlagged() throws Exception {
    String xfcc = "Hash=" + carol.sha256().toLowerCase(Locale.ROOT) + ";Subject=\"CN=carol,O=Example\"";
    Call call = get(alice, "/api/hello", b -> b.header("x-forwarded-client-cert", xfcc)
        .header("X-Forwarded-For", "203.0.113.7"));

    assertCommon(call, "GET", "/api/hello", 200);
    assertThat(call.event.get("identity.forwarded.untrusted").asBoolean()).isTrue();
    assertCertificate(call.event, alice.certificate(), "tls"); // its own, not the claimed one
    assertAbsent(call.event, "identity.cert.forwarded_by", "client.address");
  }

  @Test
  void clientCertHeaderFromTrustedProxy() throws Exception {
    String header = ":" + Base64.getEncoder().encodeToString(carol.der()) + ":";
    Call call = get(proxy, "/api/hello", b -> b.header("Client-Cert", header));

    assertCommon(call, "GET", "/api/hello", 200);
    assertCertificate(call.event, carol.certificate(), "client-cert");
    assertThat(text(call.event, "identity.cert.forwarded_by")).isEqualTo(PROXY_ID);
    assertThat(text(call.event, "identity.workload.id")).isEqualTo(CAROL_ID);
  }

  @Test
  void clientCertHeaderFromUntrustedPeerIsIgnoredAndFlagged() throws Exception {
    String header = ":" + Base64.getEncoder().encodeToString(carol.der()) + ":";
    Call call = get(null, "/api/hello", b -> b.header("Client-Cert", header));

    assertCommon(call, "GET", "/api/hello", 200);
    assertThat(call.event.get("identity.forwarded.untrusted").asBoolean()).isTrue();
    assertAbsent(call.event, "tls.client.subject", "tls.client.hash.sha256", "identity.cert.source",
        "identity.workload.id");
    assertOutcome(call.event, "authn", "not_applicable", null, true);
  }

  @Test
  void strictForwardingAnswers400WithoutRunningTheApplication() throws Exception {
    int before = AppServlet.INVOCATIONS.get();
    String header = ":" + Base64.getEncoder().encodeToString(carol.der()) + ":";
    Call call = get(null, "/strict/hello", b -> b.header("Client-Cert", header));

    assertThat(call.status).isEqualTo(400);
    assertThat(AppServlet.INVOCATIONS.get()).isEqualTo(before);
    assertThat(call.headers.get("X-Correlation-ID")).isEqualTo(call.requestId);
    assertThat(call.headers.get("X-Request-ID")).isNull();
    assertThat(text(call.event, "service.name")).isEqualTo("orders-edge");
    assertThat(text(call.event, "identity.hop.layer")).isEqualTo("gateway");
    assertThat(call.event.get("http.response.status_code").asInt()).isEqualTo(400);
    assertThat(call.event.get("identity.forwarded.untrusted").asBoolean()).isTrue();
    assertOutcome(call.event, "authn", "failure", "identity_header_untrusted", false);
    assertThat(text(call.event, "error.type")).isEqualTo("identity_header_untrusted");
    assertThat(text(call.event, "event.outcome")).isEqualTo("failure");
  }

  @Test
  void strictForwardingLetsRequestsWithoutForwardedIdentityThrough() throws Exception {
    Call call = get(alice, "/strict/hello");

    assertThat(call.status).isEqualTo(200);
    assertThat(call.body).isEqualTo("ok");
    assertThat(text(call.event, "service.name")).isEqualTo("orders-edge");
    assertAbsent(call.event, "identity.forwarded.untrusted");
  }

  // ------------------------------------------------------------------ forged and repeated forwarding

  @Test
  void aClientWithAForgedProxyIdentityIsNotTrusted() throws Exception {
    String xfcc = "Hash=" + carol.sha256().toLowerCase(Locale.ROOT)
        + ";Subject=\"CN=carol,O=Example\";URI=" + CAROL_ID;
    String clientCert = ":" + Base64.getEncoder().encodeToString(carol.der()) + ":";
    Call call = get(forgedProxy, "/api/hello", b -> b.header("x-forwarded-client-cert", xfcc)
        .header("Client-Cert", clientCert)
        .header("cf-cert-presented", "true")
        .header("cf-cert-fingerprint-sha256", carol.sha256())
        .header("X-Forwarded-For", "203.0.113.9")
        .header("Forwarded", "for=203.0.113.9"));

    assertCommon(call, "GET", "/api/hello", 200);
    assertThat(call.event.get("identity.forwarded.untrusted").asBoolean()).isTrue();
    assertCertificate(call.event, forgedProxy.certificate(), "tls"); // its own, not the claimed one
    assertAbsent(call.event, "identity.cert.forwarded_by", "client.address");
    assertOutcome(call.event, "authn", "failure", "cert_untrusted", false);
  }

  @Test
  void aRepeatedForwardedForLineDoesNotHideTheProxysOwn() throws Exception {
    Call xff = get(proxy, "/api/hello", b -> b.addHeader("X-Forwarded-For", "6.6.6.6")
        .addHeader("X-Forwarded-For", "203.0.113.7"));
    assertThat(text(xff.event, "client.address")).isEqualTo("203.0.113.7");

    Call forwarded = get(proxy, "/api/hello", b -> b.addHeader("Forwarded", "for=6.6.6.6")
        .addHeader("Forwarded", "for=203.0.113.8"));
    assertThat(text(forwarded.event, "client.address")).isEqualTo("203.0.113.8");
  }

  @Test
  void twoTraceparentLinesAreInvalid() throws Exception {
    Call call = get(null, "/api/hello", b -> b
        .addHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .addHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

    assertThat(text(call.event, "identity.trace.origin")).isEqualTo("invalid");
    assertThat(text(call.event, "trace.id"))
        .isNotIn("4bf92f3577b34da6a3ce929d0e0e4736", "0af7651916cd43dd8448eb211c80319c");
    assertAbsent(call.event, "span.parent.id");
  }

  @Test
  void strictForwardingOnlyFlagsForwardedForFromAnUntrustedPeer() throws Exception {
    Call call = get(alice, "/strict/hello", b -> b.header("X-Forwarded-For", "203.0.113.7")
        .header("Forwarded", "for=203.0.113.7"));

    assertThat(call.status).isEqualTo(200);
    assertThat(call.event.get("identity.forwarded.untrusted").asBoolean()).isTrue();
    assertAbsent(call.event, "client.address", "identity.authn.reason");
  }

  @Test
  void strictForwardingRefusesCloudflareHeadersWithoutPresented() throws Exception {
    int before = AppServlet.INVOCATIONS.get();
    Call call = get(null, "/strict/hello", b -> b.header("cf-cert-subject-dn", "CN=carol,O=Example")
        .header("cf-cert-issuer-dn", "CN=Test Root").header("cf-cert-serial", "0A"));

    assertThat(call.status).isEqualTo(400);
    assertThat(AppServlet.INVOCATIONS.get()).isEqualTo(before);
    assertThat(call.event.get("identity.forwarded.untrusted").asBoolean()).isTrue();
    assertOutcome(call.event, "authn", "failure", "identity_header_untrusted", false);
  }

  @Test
  void forwardedCertificatesAboveTheHeaderLimitAreNotParsed() throws Exception {
    String clientCert = ":" + Base64.getEncoder().encodeToString(carol.der()) + ":";
    String xfcc = "Hash=" + carol.sha256().toLowerCase(Locale.ROOT) + ";Cert=\""
        + percentEncode(carol.certificatePem()) + "\";URI=" + CAROL_ID;
    assertThat(clientCert.length()).isGreaterThan(256);
    for (Consumer<Request.Builder> header : List.<Consumer<Request.Builder>>of(
        b -> b.header("Client-Cert", clientCert),
        b -> b.header("x-forwarded-client-cert", xfcc),
        b -> b.header("X-SSL-Client-Cert", percentEncode(carol.certificatePem())))) {
      Call call = get(proxy, "/limited/hello", header);

      assertThat(call.status).isEqualTo(200);
      assertCertificate(call.event, proxy.certificate(), "tls"); // the proxy's own handshake
      assertAbsent(call.event, "identity.cert.forwarded_by");
    }
  }

  @Test
  void anOpenSslSlashSubjectIsWrittenAsRfc2253() throws Exception {
    // Envoy's documentation example of an XFCC element
    String xfcc = "By=spiffe://lyft.com/frontend;Hash=" + carol.sha256().toLowerCase(Locale.ROOT)
        + ";Subject=\"/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client\";URI=" + CAROL_ID;
    Call call = get(proxy, "/api/hello", b -> b.header("x-forwarded-client-cert", xfcc));

    assertThat(text(call.event, "identity.cert.source")).isEqualTo("xfcc");
    assertThat(text(call.event, "tls.client.subject"))
        .isEqualTo("CN=Test Client,OU=Lyft,L=San Francisco,ST=CA,C=US");
  }

  @Test
  void pathParametersAreNotLogged() throws Exception {
    for (String path : List.of("/api/hello;jsessionid=SECRET0123456789",
        "/api;v=1/hello;jsessionid=SECRET0123456789;x=y")) {
      Call call = get(null, path);

      assertThat(call.status).isEqualTo(200);
      assertThat(text(call.event, "url.path")).isEqualTo("/api/hello");
      assertThat(JsonLineWriter.toJson(call.rawEvent)).doesNotContain("SECRET0123456789");
    }
  }

  @Test
  void aWorkloadIdNeedsAVerifiedToken() throws Exception {
    String forged = TestTokens.rs256().subject(SVID_ID).audience("orders").otherKeySign();
    Call call = get(null, "/api/hello", bearer(forged));

    assertThat(call.event.get("identity.token.verified").asBoolean()).isFalse();
    assertAbsent(call.event, "identity.workload.id");

    String signed = TestTokens.rs256().subject(SVID_ID).audience("orders").sign();
    Call verified = get(null, "/api/hello", bearer(signed));
    assertThat(verified.event.get("identity.token.verified").asBoolean()).isTrue();
    assertThat(text(verified.event, "identity.workload.id")).isEqualTo(SVID_ID);
  }

  // ------------------------------------------------------------------ trace, MDC, response

  @Test
  void incomingTraceContextIsContinuedAndVisibleToTheApplication() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parent = "00f067aa0ba902b7";
    Call call = get(null, "/api/hello",
        b -> b.header("traceparent", "00-" + traceId + "-" + parent + "-01"));

    assertThat(text(call.event, "trace.id")).isEqualTo(traceId);
    assertThat(text(call.event, "span.parent.id")).isEqualTo(parent);
    assertThat(text(call.event, "identity.trace.origin")).isEqualTo("traceparent");
    assertThat(text(call.event, "span.id")).isNotEqualTo(parent);
    // The application's own log lines carry the same ids through the MDC.
    assertThat(call.headers.get("X-Mdc-Trace-Id")).isEqualTo(traceId);
    assertThat(call.headers.get("X-Mdc-Span-Id")).isEqualTo(text(call.event, "span.id"));
    assertThat(call.headers.get("X-Mdc-Request-Id")).isEqualTo(call.requestId);
    assertThat(call.headers.get("X-Seen-Recording")).isEqualTo("true");
    assertThat(call.headers.get("X-Seen-Trace-Id")).isEqualTo(traceId);
    assertThat(call.headers.get("X-Seen-Request-Id")).isEqualTo(call.requestId);
    assertThat(call.headers.get("X-Attribute-Is-Current")).isEqualTo("true");
  }

  @Test
  void withoutTraceContextOneIsGeneratedAndTheRequestIdIsEchoed() throws Exception {
    Request request = new Request.Builder().url(url("/api/hello")).build();
    try (Response response = anonymousClient.newCall(request).execute()) {
      String echoed = response.header("X-Request-ID");
      assertThat(echoed).isNotBlank();
      IdentityEvent event = awaitServerEvent(echoed);
      requestIds.add(echoed);
      JsonNode json = json(event);
      assertThat(text(json, "identity.trace.origin")).isEqualTo("generated");
      assertThat(text(json, "identity.request.id")).isEqualTo(echoed);
      assertThat(response.header("X-Mdc-Trace-Id")).isEqualTo(text(json, "trace.id"));
      assertAbsent(json, "span.parent.id");
    }
  }

  @Test
  void theResponseIsUnchangedExceptForTheRequestIdHeader() throws Exception {
    Call filtered = get(alice, "/api/hello?status=202");
    Request bare = new Request.Builder().url(url("/bare/hello?status=202")).build();
    try (Response response = client(alice).newCall(bare).execute()) {
      assertThat(response.code()).isEqualTo(filtered.status);
      assertThat(response.body().string()).isEqualTo(filtered.body);
      Set<String> expected = names(response.headers());
      expected.removeAll(Set.of("date", "x-seen-recording", "x-attribute-is-current"));
      Set<String> actual = names(filtered.headers);
      actual.removeAll(Set.of("date", "x-seen-recording", "x-attribute-is-current", "x-seen-trace-id",
          "x-seen-request-id", "x-mdc-trace-id", "x-mdc-span-id", "x-mdc-request-id"));
      expected.add("x-request-id");
      assertThat(actual).isEqualTo(expected);
      // Without the filter the application sees no record at all.
      assertThat(response.header("X-Seen-Recording")).isEqualTo("false");
    }
  }

  @Test
  void routeFromTheServletMappingAndFromTheFramework() throws Exception {
    Call plain = get(null, "/api/hello");
    assertThat(text(plain.event, "http.route")).isEqualTo("/api/*");

    Call spring = get(null, "/api/spring");
    assertThat(text(spring.event, "http.route")).isEqualTo("/api/orders/{id}");
    assertThat(text(spring.event, "url.path")).isEqualTo("/api/spring");
  }

  // ------------------------------------------------------------------ exceptions and dispatches

  @Test
  void exceptionBeforeCommitIsLoggedWithTheStatusSent() throws Exception {
    Call call = get(null, "/api/hello?status=401&throw=runtime");

    assertThat(call.status).isEqualTo(500);
    assertCommon(call, "GET", "/api/hello", 500);
    assertThat(text(call.event, "event.outcome")).isEqualTo("failure");
    assertOutcome(call.event, "authn", "not_applicable", null, true);
    assertThat(text(call.event, "error.type")).isEqualTo("internal_error"); // SPEC 1.1
  }

  @Test
  void exceptionAfterCommitKeepsTheCommittedStatus() throws Exception {
    Call call = get(null, "/api/hello?status=202&throw=after-commit");

    assertThat(call.status).isEqualTo(202);
    assertThat(call.event.get("http.response.status_code").asInt()).isEqualTo(202);
  }

  @Test
  void unavailableExceptionIs503() throws Exception {
    Call call = get(null, "/api/down");

    assertThat(call.status).isEqualTo(503);
    assertThat(call.event.get("http.response.status_code").asInt()).isEqualTo(503);
    assertThat(text(call.event, "http.route")).isEqualTo("/api/down"); // an exact mapping
    assertOutcome(call.event, "dependency", "unknown", null, true);
  }

  @Test
  void forwardIsOneEvent() throws Exception {
    Call call = get(null, "/api/forward");

    assertThat(call.status).isEqualTo(202);
    assertCommon(call, "GET", "/api/forward", 202);
  }

  @Test
  void includeIsOneEvent() throws Exception {
    Call call = get(null, "/api/include");

    assertThat(call.status).isEqualTo(203);
    assertCommon(call, "GET", "/api/include", 203);
  }

  // ------------------------------------------------------------------ async

  @Test
  void asyncCompletion() throws Exception {
    Call call = get(alice, "/api/async?mode=complete");

    assertThat(call.status).isEqualTo(200);
    assertThat(call.body).isEqualTo("async");
    assertCommon(call, "GET", "/api/async", 200);
    assertThat(call.event.get("event.duration").asLong()).isGreaterThanOrEqualTo(60_000_000L);
    assertCertificate(call.event, alice.certificate(), "tls");
    assertThat(text(call.event, "event.outcome")).isEqualTo("success");
  }

  @Test
  void asyncDecisionRecordedOnAnotherThread() throws Exception {
    String token = TestTokens.rs256().audience("orders").scope("orders:read").sign();
    Call call = get(null, "/api/async?mode=record", bearer(token));

    assertCommon(call, "GET", "/api/async", 403);
    assertOutcome(call.event, "authn", "success", null, true);
    assertOutcome(call.event, "authz", "failure", "insufficient_scope", false);
    assertThat(text(call.event, "identity.authz.policy")).isEqualTo("orders:write");
  }

  @Test
  void asyncTimeout() throws Exception {
    Call call = get(null, "/api/async?mode=timeout");

    assertThat(call.status).isEqualTo(500);
    assertCommon(call, "GET", "/api/async", 500);
    assertThat(call.event.get("event.duration").asLong()).isGreaterThanOrEqualTo(200_000_000L);
    assertThat(text(call.event, "event.outcome")).isEqualTo("failure");
  }

  @Test
  void asyncErrorInDispatch() throws Exception {
    Call call = get(null, "/api/async?mode=error");

    assertThat(call.status).isEqualTo(500);
    assertCommon(call, "GET", "/api/async", 500);
    assertThat(text(call.event, "event.outcome")).isEqualTo("failure");
  }

  @Test
  void asyncCompletedBeforeTheFirstDispatchReturns() throws Exception {
    Call call = get(null, "/api/async?mode=complete-now");

    assertCommon(call, "GET", "/api/async", 202);
  }

  @Test
  void asyncDispatchedBeforeTheFirstDispatchReturns() throws Exception {
    Call call = get(null, "/api/async?mode=dispatch-now");

    assertCommon(call, "GET", "/api/async", 206);
    // The async dispatch ran the application with the record bound.
    assertThat(call.headers.get("X-Mdc-Request-Id")).isEqualTo(call.requestId);
    assertThat(call.headers.get("X-Seen-Recording")).isEqualTo("true");
  }

  @Test
  void asyncRedispatchStartingAsyncAgain() throws Exception {
    Call call = get(null, "/api/async?mode=redispatch");

    assertThat(call.status).isEqualTo(201);
    assertCommon(call, "GET", "/api/async", 201);
  }

  // ------------------------------------------------------------------ outbound calls

  @Test
  void failedOutboundCallExplainsThe503() throws Exception {
    Call call = get(null, "/api/outbound");

    assertCommon(call, "GET", "/api/outbound", 503);
    assertOutcome(call.event, "dependency", "failure", "connect_failure", true);
    assertThat(text(call.event, "identity.dependency.name")).isEqualTo("inventory");
    assertThat(text(call.event, "error.type")).isEqualTo("connect_failure");
    assertThat(text(call.event, "event.outcome")).isEqualTo("failure");
    assertClientEventOf(call, "/stock");
  }

  @Test
  void failedOutboundCallInAnAsyncDispatch() throws Exception {
    Call call = get(null, "/api/async?mode=outbound");

    assertCommon(call, "GET", "/api/async", 503);
    assertOutcome(call.event, "dependency", "failure", "connect_failure", true);
    assertThat(text(call.event, "identity.dependency.name")).isEqualTo("inventory");
    assertClientEventOf(call, "/stock");
  }

  private void assertClientEventOf(Call call, String path) throws IOException {
    List<IdentityEvent> clientEvents = new ArrayList<>();
    for (IdentityEvent e : sink.events()) {
      if (e.get(Fields.EVENT_NAME) == EventName.CLIENT && call.requestId.equals(e.get(Fields.REQUEST_ID))) {
        clientEvents.add(e);
      }
    }
    assertThat(clientEvents).hasSize(1);
    JsonNode client = json(clientEvents.get(0));
    assertThat(text(client, "trace.id")).isEqualTo(text(call.event, "trace.id"));
    assertThat(text(client, "span.parent.id")).isEqualTo(text(call.event, "span.id"));
    assertThat(text(client, "url.full"))
        .isEqualTo("http://127.0.0.1:" + app.unusedPort() + path);
    assertThat(text(client, "identity.dependency.reason")).isEqualTo("connect_failure");
    assertThat(client.get("identity.client.attempts").asInt()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ client abort

  // ------------------------------------------------------------------ concurrency

  @Test
  void concurrentRequestsDoNotShareIdentity() throws Exception {
    Credential[] identities = {alice, bob, svid, null};
    String[] subjects = {"user-a", "user-b", "user-c", "user-d"};
    Map<String, Integer> identityOfRequest = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Call>> calls = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        int k = i % identities.length;
        String token = TestTokens.es256().subject(subjects[k]).audience("orders").sign();
        calls.add(pool.submit(() -> {
          Call c = get(identities[k], "/api/hello?sleep=" + (k * 7), bearer(token));
          identityOfRequest.put(c.requestId, k);
          return c;
        }));
      }
      Set<String> traceIds = new HashSet<>();
      for (Future<Call> f : calls) {
        Call c = f.get();
        int k = identityOfRequest.get(c.requestId);
        assertThat(text(c.event, "identity.request.id")).isEqualTo(c.requestId);
        assertThat(text(c.event, "identity.token.subject")).isEqualTo(subjects[k]);
        assertThat(c.headers.get("X-Mdc-Request-Id")).isEqualTo(c.requestId);
        assertThat(c.headers.get("X-Mdc-Trace-Id")).isEqualTo(text(c.event, "trace.id"));
        if (identities[k] == null) {
          assertAbsent(c.event, "tls.client.hash.sha256");
        } else {
          assertThat(text(c.event, "tls.client.hash.sha256")).isEqualTo(identities[k].sha256());
        }
        traceIds.add(text(c.event, "trace.id"));
      }
      assertThat(traceIds).hasSize(32);
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ init parameters

  @Test
  void initParametersConfigureAFilterMadeByTheContainer() throws Exception {
    String requestId = "params-" + UUID.randomUUID();
    String escapedPem = percentEncode(carol.certificatePem());
    Request request = new Request.Builder().url(url("/params/hello"))
        .header("X-Correlation", requestId)
        .header("X-SSL-Client-Cert", escapedPem)
        .header("X-Forwarded-For", "198.51.100.9")
        .build();
    try (Response response = anonymousClient.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("X-Echo-Id")).isEqualTo(requestId);
      assertThat(response.header("X-Request-ID")).isNull();
    }
    Map<String, Object> event = awaitLogged(requestId);
    assertThat(event.get("service.name")).isEqualTo("params-svc");
    assertThat(event.get("identity.hop.layer")).isEqualTo("gateway");
    assertThat(event.get("identity.cert.source")).isEqualTo("ssl-header");
    assertThat(event.get("tls.client.hash.sha256")).isEqualTo(carol.sha256());
    assertThat(event.get("client.address")).isEqualTo("198.51.100.9");
    assertThat(event.get("http.route")).isEqualTo("/params/*");

    // The trust anchors file: a client certificate of another CA is reported as untrusted.
    String second = "params-" + UUID.randomUUID();
    Request direct = new Request.Builder().url(url("/params/hello")).header("X-Correlation", second).build();
    try (Response response = client(untrusted).newCall(direct).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    Map<String, Object> untrustedEvent = awaitLogged(second);
    assertThat(untrustedEvent.get("identity.authn.reason")).isEqualTo("cert_untrusted");
    assertThat(untrustedEvent.get("tls.client.hash.sha256")).isEqualTo(untrusted.sha256());
  }

  // ------------------------------------------------------------------ container-verified mTLS

  /**
   * Where the container verifies client certificates, a bad one never becomes a request: the
   * handshake fails, so no event can claim the certificate, and a good one is logged as usual.
   */
  @Test
  void inNeedModeABadCertificateFailsTheHandshakeAndNoEventClaimsIt() throws Exception {
    AppServlet needApp = new AppServlet(identityLog);
    int needPort = startNeedingClientCertificates(pki.issue(TestPki.server("localhost")),
        (classes, context) -> {
          FilterRegistration.Dynamic filter =
              context.addFilter("identity-log", IdentityLogFilter.builder(identityLog).build());
          filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/api/*");
          context.addServlet("app", needApp).addMapping("/api/*");
        });
    String url = "https://127.0.0.1:" + needPort + "/api/hello";

    for (Credential bad : List.of(untrusted, expired)) {
      String id = "req-" + UUID.randomUUID();
      requestIds.add(id);
      Request request = new Request.Builder().url(url).header("X-Request-ID", id).build();
      org.junit.jupiter.api.Assertions.assertThrows(
          IOException.class, () -> {
            try (Response ignored = client(bad).newCall(request).execute()) {
              // a response here would mean the container let the certificate through
            }
          }, bad.toString());
      Thread.sleep(200); // room for an event that must not come
      assertThat(serverEvents(id)).as("events of the refused request").isEmpty();
      assertThat(sink.events())
          .as("no event claims the refused certificate")
          .noneMatch(e -> bad.sha256().equals(e.get(Fields.TLS_CLIENT_HASH_SHA256)));
    }

    String id = "req-" + UUID.randomUUID();
    requestIds.add(id);
    try (Response response =
        client(alice).newCall(new Request.Builder().url(url).header("X-Request-ID", id).build())
            .execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    JsonNode event = json(awaitServerEvent(id));
    assertCertificate(event, alice.certificate(), "tls");
    assertOutcome(event, "authn", "success", null, true);
    assertThat(text(event, "tls.protocol.version")).matches("1\\.[23]");
  }

  // ------------------------------------------------------------------ helpers

  /** One request and what came of it. */
  static final class Call {
    String requestId;
    int status;
    Headers headers;
    String body;
    String cipher;
    String protocol;
    IdentityEvent rawEvent;
    JsonNode event;
  }

  Call get(Credential credential, String pathAndQuery) throws IOException {
    return get(credential, pathAndQuery, b -> {});
  }

  Call get(Credential credential, String pathAndQuery, Consumer<Request.Builder> customize)
      throws IOException {
    Call call = new Call();
    call.requestId = "req-" + UUID.randomUUID();
    requestIds.add(call.requestId);
    Request.Builder builder = new Request.Builder().url(url(pathAndQuery)).header("X-Request-ID", call.requestId);
    customize.accept(builder);
    OkHttpClient client = credential == null ? anonymousClient : client(credential);
    try (Response response = client.newCall(builder.build()).execute()) {
      call.status = response.code();
      call.headers = response.headers();
      call.cipher = response.handshake().cipherSuite().javaName();
      call.protocol = response.handshake().tlsVersion().javaName();
      try {
        call.body = response.body().string();
      } catch (IOException e) {
        call.body = null; // an answer cut short on purpose
      }
    }
    call.rawEvent = awaitServerEvent(call.requestId);
    call.event = json(call.rawEvent);
    return call;
  }

  static Consumer<Request.Builder> bearer(String token) {
    return b -> b.header("Authorization", "Bearer " + token);
  }

  String url(String pathAndQuery) {
    return "https://127.0.0.1:" + port + pathAndQuery;
  }

  OkHttpClient client(Credential credential) {
    return clients.computeIfAbsent(credential, c -> client(c.clientSslContext(pki)));
  }

  private OkHttpClient client(SSLContext ctx) {
    return baseClient.newBuilder().sslSocketFactory(ctx.getSocketFactory(), pki.trustManager()).build();
  }

  List<IdentityEvent> serverEvents(String requestId) {
    List<IdentityEvent> found = new ArrayList<>();
    for (IdentityEvent e : sink.events()) {
      if (e.get(Fields.EVENT_NAME) == EventName.SERVER && requestId.equals(e.get(Fields.REQUEST_ID))) {
        found.add(e);
      }
    }
    return found;
  }

  IdentityEvent awaitServerEvent(String requestId) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> first(serverEvents(requestId)), e -> e != null);
  }

  private static IdentityEvent first(List<IdentityEvent> events) {
    return events.isEmpty() ? null : events.get(0);
  }

  Map<String, Object> awaitLogged(String requestId) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> logged.find(requestId), e -> e != null);
  }

  static JsonNode json(IdentityEvent event) throws IOException {
    return JSON.readTree(JsonLineWriter.toJson(event));
  }

  /** An array field as a list of strings. */
  static List<String> strings(JsonNode event, String field) {
    JsonNode array = event.get(field);
    assertThat(array).as(field).isNotNull();
    assertThat(array.isArray()).as(field + " is an array").isTrue();
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  /** A string field, or {@code null} when absent. */
  static String text(JsonNode event, String field) {
    JsonNode value = event.get(field);
    if (value == null) {
      return null;
    }
    assertThat(value.isTextual()).as(field + " is a string").isTrue();
    return value.asText();
  }

  static void assertAbsent(JsonNode event, String... fields) {
    for (String f : fields) {
      assertThat(event.has(f)).as("%s absent in %s", f, event).isFalse();
    }
  }

  void assertCommon(Call call, String method, String path, int status) {
    JsonNode e = call.event;
    assertThat(call.status).isEqualTo(status);
    assertThat(text(e, "event.name")).isEqualTo("identity.server");
    assertThat(text(e, "identity.schema")).isEqualTo("1.1");
    assertThat(text(e, "service.name")).isEqualTo("orders");
    assertThat(text(e, "identity.hop.layer")).isEqualTo("backend");
    assertThat(text(e, "timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(text(e, "trace.id")).matches("[0-9a-f]{32}");
    assertThat(text(e, "span.id")).matches("[0-9a-f]{16}");
    assertThat(text(e, "identity.request.id")).isEqualTo(call.requestId);
    assertThat(call.headers.get("X-Request-ID")).isEqualTo(call.requestId);
    assertThat(text(e, "http.request.method")).isEqualTo(method);
    assertThat(text(e, "url.path")).isEqualTo(path);
    assertThat(text(e, "http.route")).isEqualTo("/api/*");
    assertThat(e.get("http.response.status_code").isInt()).isTrue();
    assertThat(e.get("http.response.status_code").asInt()).isEqualTo(status);
    assertThat(text(e, "server.address")).isEqualTo("127.0.0.1");
    assertThat(e.get("server.port").asInt()).isEqualTo(port);
    assertThat(text(e, "network.peer.address")).isEqualTo("127.0.0.1");
    assertThat(e.get("event.duration").isIntegralNumber()).isTrue();
    assertThat(e.get("event.duration").asLong()).isPositive();
    assertThat(text(e, "tls.cipher")).isEqualTo(call.cipher);
    if (exposesTlsProtocol()) {
      assertThat(text(e, "tls.protocol.version")).isEqualTo(call.protocol.replaceFirst("^TLSv", ""));
    } else {
      assertAbsent(e, "tls.protocol.version");
    }
    assertAbsent(e, "url.full", "rpc.system", "identity.client.attempts");
  }

  static void assertCertificate(JsonNode e, X509Certificate cert, String source) throws Exception {
    assertThat(text(e, "identity.cert.source")).isEqualTo(source);
    assertThat(text(e, "tls.client.subject"))
        .isEqualTo(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
    assertThat(text(e, "tls.client.issuer"))
        .isEqualTo(cert.getIssuerX500Principal().getName(X500Principal.RFC2253));
    assertThat(text(e, "tls.client.hash.sha256")).isEqualTo(
        HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
    assertThat(text(e, "tls.client.x509.serial_number"))
        .isEqualTo(cert.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
    assertThat(text(e, "tls.client.not_before")).isEqualTo(RFC3339_MILLIS.format(cert.getNotBefore().toInstant()));
    assertThat(text(e, "tls.client.not_after")).isEqualTo(RFC3339_MILLIS.format(cert.getNotAfter().toInstant()));
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    if (sans == null) {
      assertAbsent(e, "tls.client.x509.alternative_names");
    } else {
      List<String> expected = new ArrayList<>();
      for (List<?> san : sans) {
        expected.add(String.valueOf(san.get(1)));
      }
      assertThat(strings(e, "tls.client.x509.alternative_names")).isEqualTo(expected);
    }
  }

  static void assertToken(JsonNode e, String token) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    assertThat(text(e, "identity.token.type")).isEqualTo("jwt");
    assertThat(text(e, "identity.token.hash")).isEqualTo(HexFormat.of().formatHex(Arrays.copyOf(digest, 16)));
    SignedJWT jwt = SignedJWT.parse(token);
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(text(e, "identity.token.issuer")).isEqualTo(claims.getIssuer());
    assertThat(text(e, "identity.token.subject")).isEqualTo(claims.getSubject());
    assertThat(text(e, "identity.token.alg")).isEqualTo(jwt.getHeader().getAlgorithm().getName());
    assertThat(text(e, "identity.token.kid")).isEqualTo(jwt.getHeader().getKeyID());
    assertThat(text(e, "identity.token.issued_at")).isEqualTo(RFC3339_MILLIS.format(claims.getIssueTime().toInstant()));
    assertThat(text(e, "identity.token.expires_at"))
        .isEqualTo(RFC3339_MILLIS.format(claims.getExpirationTime().toInstant()));
  }

  static void assertOutcome(JsonNode e, String phase, String outcome, String reason, boolean inferred) {
    assertThat(text(e, "identity." + phase + ".outcome")).as(phase + " outcome").isEqualTo(outcome);
    if (reason == null) {
      assertAbsent(e, "identity." + phase + ".reason");
    } else {
      assertThat(text(e, "identity." + phase + ".reason")).as(phase + " reason").isEqualTo(reason);
    }
    if (inferred) {
      assertThat(e.get("identity." + phase + ".inferred").asBoolean()).as(phase + " inferred").isTrue();
    } else {
      assertAbsent(e, "identity." + phase + ".inferred");
    }
  }

  static String x5t(X509Certificate cert) throws Exception {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Percent-encodes everything but RFC 3986 unreserved characters, as Envoy and NGINX do. */
  static String percentEncode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", (int) c));
      }
    }
    return sb.toString();
  }

  static Set<String> names(Headers headers) {
    Set<String> names = new HashSet<>();
    for (String n : headers.names()) {
      names.add(n.toLowerCase(Locale.ROOT));
    }
    return names;
  }

  /** Keeps what the SLF4J sink logged, as key-value maps, for the filter made from init parameters. */
  static final class CapturingAppender extends ch.qos.logback.core.AppenderBase<ILoggingEvent> {
    private final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      Map<String, Object> pairs = new HashMap<>();
      if (event.getKeyValuePairs() != null) {
        event.getKeyValuePairs().forEach(kv -> pairs.put(kv.key, kv.value));
      }
      events.add(pairs);
    }

    Map<String, Object> find(String requestId) {
      for (Map<String, Object> e : events) {
        if (requestId.equals(e.get("identity.request.id"))) {
          return e;
        }
      }
      return null;
    }
  }
}
