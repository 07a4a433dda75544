package dev.identitylog.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.correlate.CorrelationEvent;
import dev.identitylog.correlate.Correlator;
import dev.identitylog.correlate.EventStream;
import dev.identitylog.correlate.RequestVerdict;
import dev.identitylog.correlate.Verdict;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.EventSchema;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import dev.identitylog.token.TokenInspector;
import dev.identitylog.trust.TrustedProxies;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published NGINX layer ({@code docs/layers/nginx}) on a real NGINX, in front of a Java hop:
 *
 * <pre>
 *   OkHttp ──TLS: client certificate (SVID), JWT──▶ NGINX ──HTTP──▶ Jetty + IdentityLogFilter
 *                                                  identity.log        orders.jsonl
 * </pre>
 *
 * <p>Every scenario runs against NGINX without njs ({@code identity-log-no-njs.conf}) and, when
 * Debian's njs module is installed, also with it ({@code identity-log-njs.conf}): two NGINX
 * processes, one backend. The checks are those the layer promises: NGINX's lines use the
 * standard's names and values, they join the backend's events on {@code trace.id}, the span
 * link, {@code identity.request.id}, the certificate hash and the token hash, the backend believes
 * the certificate NGINX forwards and never one the client forged, and {@code identity-log
 * correlate} puts each request together and names the right hop.
 *
 * <p>Expected hashes are computed here, with {@link MessageDigest}, not by the library. Skipped
 * only when no nginx executable exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxLayerTest {
  private static final String SPIFFE_ID = "spiffe://identitylog.test/ns/shop/sa/web";
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private Path dir;
  private Credential client;
  private Credential intruder;
  private String token;
  private final CollectingSink events = new CollectingSink();
  private JsonLinesFile backendFile;
  private Server backend;
  private final List<NginxServer> nginx = new ArrayList<>();
  private OkHttpClient withCertificate;
  private OkHttpClient withoutCertificate;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    Path binary = NginxServer.binary();
    assumeTrue(binary != null, "no nginx executable on the PATH or in /usr/sbin: the NGINX layer "
        + "test needs Debian's nginx (and libnginx-mod-http-js for the njs variant)");
    dir = tmp;

    TestPki serverPki = TestPki.create("CN=NGINX Test Server CA");
    TestPki clientPki = TestPki.create("CN=Client CA,O=identitylog.test");
    Credential server = serverPki.issue(TestPki.server("localhost"));
    client = clientPki.issue(TestPki.spiffeSvid(SPIFFE_ID));
    intruder = clientPki.issue(TestPki.leaf("CN=admin").clientAuth());
    token = TestTokens.es256().audience("orders").scope("orders:read").sign();

    Path tls = Files.createDirectories(dir.resolve("tls"));
    NginxServer.Tls files = new NginxServer.Tls(
        Files.writeString(tls.resolve("server.pem"), server.chainPem()),
        Files.writeString(tls.resolve("server.key"), server.privateKeyPem()),
        Files.writeString(tls.resolve("client-ca.pem"), clientPki.rootPem()));

    backendFile = new JsonLinesFile(dir.resolve("orders.jsonl"));
    backend = startBackend();
    int backendPort = ((ServerConnector) backend.getConnectors()[0]).getLocalPort();

    Path layer = NginxServer.layerDirectory();
    nginx.add(NginxServer.start(binary, NginxServer.Variant.NO_NJS, layer,
        dir.resolve("nginx-no-njs"), files, backendPort));
    if (Files.isRegularFile(NginxServer.JS_MODULE)) {
      nginx.add(NginxServer.start(binary, NginxServer.Variant.NJS, layer,
          dir.resolve("nginx-njs"), files, backendPort));
    }

    // NGINX listens on 127.0.0.1 only; the system resolver may answer ::1 first for localhost.
    Dns loopback = host -> {
      if ("localhost".equals(host)) {
        return List.of(InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}));
      }
      throw new UnknownHostException(host);
    };
    withCertificate = http().dns(loopback)
        .sslSocketFactory(client.clientSslContext(serverPki).getSocketFactory(),
            serverPki.trustManager())
        .build();
    withoutCertificate = http().dns(loopback)
        .sslSocketFactory(serverPki.trustOnlySslContext().getSocketFactory(),
            serverPki.trustManager())
        .build();
  }

  @AfterAll
  void stop() throws Exception {
    for (OkHttpClient c : new OkHttpClient[] {withCertificate, withoutCertificate}) {
      if (c != null) {
        c.dispatcher().executorService().shutdown();
        c.connectionPool().evictAll();
      }
    }
    for (NginxServer n : nginx) {
      n.stop();
    }
    if (backend != null) {
      backend.stop();
    }
    if (backendFile != null) {
      backendFile.close();
    }
  }

  Stream<NginxServer> nginx() {
    return nginx.stream();
  }

  // ---------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("nginx")
  void certificateTokenAndTraceJoinNginxAndTheBackend(NginxServer n) throws Exception {
    String traceId = hex(16);
    String parentId = hex(8);
    String requestId = "nginx-" + n.variant() + "-traced";
    int status = send(withCertificate, n.verifyingPort(), "/orders/42", requestId, token,
        "00-" + traceId + "-" + parentId + "-01", Map.of());
    assertThat(status).isEqualTo(200);

    JsonNode line = nginxLine(n, requestId);
    JsonNode event = backendEvent(requestId);
    boolean njs = n.variant() == NginxServer.Variant.NJS;
    X509Certificate cert = client.certificate();
    String certSha256 = sha256Upper(client.der());

    // NGINX continued the client's trace as a hop of its own.
    assertThat(text(line, "trace.id")).isEqualTo(traceId);
    assertThat(text(line, "span.parent.id")).isEqualTo(parentId);
    assertThat(text(line, "identity.trace.origin")).isEqualTo("traceparent");
    assertThat(text(line, "span.id")).matches("[0-9a-f]{16}").isNotEqualTo(parentId);
    assertThat(line.get("http.response.status_code").asInt()).isEqualTo(200);
    assertThat(text(line, "http.request.method")).isEqualTo("GET");
    assertThat(text(line, "url.path")).isEqualTo("/orders/42");
    assertThat(text(line, "server.address")).isEqualTo("localhost");
    assertThat(line.get("server.port").asInt()).isEqualTo(n.verifyingPort());
    assertThat(text(line, "event.outcome")).isEqualTo("success");
    assertThat(text(line, "error.type")).isEmpty();
    assertThat(text(line, "identity.authn.outcome")).isEqualTo("success");
    assertThat(text(line, "identity.dependency.outcome")).isEqualTo("success");
    assertThat(text(line, "nginx.ssl_client_verify")).isEqualTo("SUCCESS");

    // The certificate as NGINX saw it, against the certificate itself.
    assertThat(text(line, "identity.cert.source")).isEqualTo("tls");
    assertThat(text(line, "tls.client.subject"))
        .isEqualTo(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
    assertThat(text(line, "tls.client.issuer"))
        .isEqualTo(cert.getIssuerX500Principal().getName(X500Principal.RFC2253));
    assertThat(text(line, "tls.client.x509.serial_number"))
        .isEqualTo(cert.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
    assertThat(text(line, "tls.client.not_before"))
        .isEqualTo(Timestamps.format(cert.getNotBefore().toInstant()));
    assertThat(text(line, "tls.client.not_after"))
        .isEqualTo(Timestamps.format(cert.getNotAfter().toInstant()));
    assertThat(text(line, "nginx.ssl_client_fingerprint")).isEqualTo(sha1Lower(client.der()));
    if (njs) {
      assertThat(text(line, "tls.client.hash.sha256")).isEqualTo(certSha256);
      assertThat(text(line, "identity.token.hash")).isEqualTo(tokenHash(token));
      assertThat(text(line, "identity.token.type")).isEqualTo("jwt");
    } else {
      // Without njs NGINX has no SHA-256 and no token hash: the keys are there, empty.
      assertThat(text(line, "tls.client.hash.sha256")).isEmpty();
      assertThat(text(line, "identity.token.hash")).isEmpty();
      assertThat(text(line, "identity.token.type")).isEmpty();
    }

    // The backend joins NGINX's line on every key, and believes the forwarded certificate.
    assertThat(text(event, "trace.id")).isEqualTo(traceId);
    assertThat(text(event, "span.parent.id")).isEqualTo(text(line, "span.id"));
    assertThat(text(event, "identity.trace.origin")).isEqualTo("traceparent");
    assertThat(text(event, "identity.request.id")).isEqualTo(requestId);
    assertThat(text(event, "tls.client.hash.sha256")).isEqualTo(certSha256);
    assertThat(text(event, "identity.cert.source")).isEqualTo(njs ? "client-cert" : "ssl-header");
    assertThat(text(event, "identity.cert.forwarded_by")).isEqualTo("127.0.0.1");
    assertThat(event.has("identity.forwarded.untrusted")).isFalse();
    assertThat(text(event, "tls.client.subject")).isEqualTo(text(line, "tls.client.subject"));
    assertThat(text(event, "tls.client.issuer")).isEqualTo(text(line, "tls.client.issuer"));
    assertThat(text(event, "tls.client.x509.serial_number"))
        .isEqualTo(text(line, "tls.client.x509.serial_number"));
    assertThat(text(event, "tls.client.not_after")).isEqualTo(text(line, "tls.client.not_after"));
    // What NGINX cannot log, the backend derives from the forwarded certificate.
    assertThat(text(event, "identity.workload.id")).isEqualTo(SPIFFE_ID);
    assertThat(event.get("tls.client.x509.alternative_names").get(0).asText())
        .isEqualTo(SPIFFE_ID);
    assertThat(text(event, "identity.token.hash")).isEqualTo(tokenHash(token));
    assertThat(event.get("identity.token.verified").asBoolean()).isTrue();
    assertThat(text(event, "identity.authn.outcome")).isEqualTo("success");
    assertThat(text(event, "client.address")).isEqualTo(text(line, "client.address"));
    assertThat(text(event, "http.route")).isEqualTo("/orders/*");
    assertThat(event.get("http.response.status_code").asInt()).isEqualTo(200);

    RequestVerdict verdict = verdict(requestId);
    assertThat(verdict.verdict()).as(verdict.evidence()).isEqualTo(Verdict.OK);
    assertTwoHops(verdict, "200");
    assertThat(verdict.traceId()).isEqualTo(traceId);
    if (njs) {
      assertThat(verdict.hops().get(0).tokenHash()).isEqualTo(tokenHash(token));
    }
    assertThat(verdict.hops().get(1).tokenHash()).isEqualTo(tokenHash(token));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nginx")
  void withoutTraceContextOrRequestIdNginxStartsBoth(NginxServer n) throws Exception {
    Answer answer = sendForAnswer(withCertificate, n.verifyingPort(), "/orders/7", null, token,
        null, Map.of());
    assertThat(answer.status).isEqualTo(200);
    // The backend echoes the request id it received, which can only be NGINX's.
    String requestId = answer.requestId;
    assertThat(requestId).matches("[0-9a-f]{32}");

    JsonNode line = nginxLine(n, requestId);
    JsonNode event = backendEvent(requestId);
    assertThat(text(line, "identity.trace.origin")).isEqualTo("generated");
    assertThat(text(line, "trace.id")).matches("[0-9a-f]{32}");
    assertThat(text(line, "span.parent.id")).isEmpty();
    assertThat(text(event, "trace.id")).isEqualTo(text(line, "trace.id"));
    assertThat(text(event, "span.parent.id")).isEqualTo(text(line, "span.id"));
    assertThat(text(event, "identity.trace.origin")).isEqualTo("traceparent");
    assertThat(text(event, "identity.request.id")).isEqualTo(requestId);

    RequestVerdict verdict = verdict(requestId);
    assertThat(verdict.verdict()).as(verdict.evidence()).isEqualTo(Verdict.OK);
    assertTwoHops(verdict, "200");
    assertThat(verdict.traceIds()).containsExactly(text(line, "trace.id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nginx")
  void anExpiredTokenIsTheBackendsAuthnFailureNotNginxs(NginxServer n) throws Exception {
    String expired = TestTokens.es256().audience("orders").expiredAgo(Duration.ofMinutes(5))
        .sign();
    String requestId = "nginx-" + n.variant() + "-expired-token";
    int status = send(withCertificate, n.verifyingPort(), "/orders/42", requestId, expired,
        null, Map.of());
    assertThat(status).isEqualTo(401);

    JsonNode line = nginxLine(n, requestId);
    JsonNode event = backendEvent(requestId);
    // NGINX verified the certificate, then saw its upstream refuse the caller.
    assertThat(line.get("http.response.status_code").asInt()).isEqualTo(401);
    assertThat(text(line, "event.outcome")).isEqualTo("failure");
    assertThat(text(line, "identity.authn.outcome")).isEqualTo("success");
    assertThat(text(line, "identity.dependency.outcome")).isEqualTo("failure");
    assertThat(text(line, "identity.dependency.reason")).isEqualTo("upstream_unauthenticated");
    assertThat(text(line, "identity.dependency.name")).isEqualTo("orders");
    assertThat(text(line, "identity.dependency.status")).isEqualTo("401");
    assertThat(text(line, "error.type")).isEqualTo("upstream_unauthenticated");
    if (n.variant() == NginxServer.Variant.NJS) {
      assertThat(text(line, "identity.token.hash")).isEqualTo(tokenHash(expired))
          .isEqualTo(text(event, "identity.token.hash"));
    }
    assertThat(text(event, "identity.token.hash")).isEqualTo(tokenHash(expired));
    assertThat(text(event, "identity.authn.outcome")).isEqualTo("failure");
    assertThat(text(event, "identity.authn.reason")).isEqualTo("token_expired");
    assertThat(text(event, "tls.client.hash.sha256")).isEqualTo(sha256Upper(client.der()));

    RequestVerdict verdict = verdict(requestId);
    assertThat(verdict.verdict()).as(verdict.evidence()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(verdict.verdictHop()).as(verdict.evidence()).isEqualTo("orders");
    assertThat(verdict.verdictReason()).as(verdict.evidence()).isEqualTo("token_expired");
    assertTwoHops(verdict, "401");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nginx")
  void withoutAClientCertificateNginxRefusesAndSaysWhy(NginxServer n) throws Exception {
    String requestId = "nginx-" + n.variant() + "-no-certificate";
    int status = send(withoutCertificate, n.verifyingPort(), "/orders/42", requestId, token,
        null, Map.of());
    assertThat(status).isEqualTo(400);

    JsonNode line = nginxLine(n, requestId);
    assertThat(line.get("http.response.status_code").asInt()).isEqualTo(400);
    assertThat(text(line, "event.outcome")).isEqualTo("failure");
    assertThat(text(line, "identity.authn.outcome")).isEqualTo("failure");
    assertThat(text(line, "identity.authn.reason")).isEqualTo("cert_missing");
    assertThat(text(line, "error.type")).isEqualTo("cert_missing");
    assertThat(text(line, "nginx.ssl_client_verify")).isEqualTo("NONE");
    assertThat(text(line, "identity.cert.source")).isEmpty();
    assertThat(text(line, "tls.client.hash.sha256")).isEmpty();
    // NGINX answered itself: no upstream, so no dependency outcome and no backend event.
    assertThat(text(line, "nginx.upstream_addr")).isEmpty();
    assertThat(text(line, "identity.dependency.outcome")).isEmpty();
    assertThat(backendEvents(requestId)).isEmpty();

    RequestVerdict verdict = verdict(requestId);
    assertThat(verdict.verdict()).as(verdict.evidence()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(verdict.verdictHop()).as(verdict.evidence()).isEqualTo("nginx");
    assertThat(verdict.verdictReason()).as(verdict.evidence()).isEqualTo("cert_missing");
    assertThat(verdict.hops()).hasSize(1);
    assertThat(verdict.hops().get(0).layer()).isEqualTo(HopLayer.PROXY);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nginx")
  void withOptionalVerificationNoCertificateReachesTheBackendNotEvenAForgedOne(NginxServer n)
      throws Exception {
    String requestId = "nginx-" + n.variant() + "-optional-forged";
    int status = send(withoutCertificate, n.optionalPort(), "/orders/42", requestId, token, null,
        forgedCertificateHeaders());
    assertThat(status).isEqualTo(200);

    JsonNode line = nginxLine(n, requestId);
    JsonNode event = backendEvent(requestId);
    assertThat(text(line, "nginx.ssl_client_verify")).isEqualTo("NONE");
    assertThat(text(line, "identity.cert.source")).isEmpty();
    assertThat(text(line, "tls.client.subject")).isEmpty();
    assertThat(text(line, "identity.authn.outcome")).isEmpty();
    assertThat(text(line, "event.outcome")).isEqualTo("success");
    // The forged headers came from the client, not from NGINX: NGINX removed them, so the
    // backend, which believes whatever NGINX forwards, saw no certificate at all.
    assertThat(event.has("identity.cert.source")).as(event.toString()).isFalse();
    assertThat(event.has("tls.client.hash.sha256")).as(event.toString()).isFalse();
    assertThat(event.has("identity.forwarded.untrusted")).isFalse();
    assertThat(text(event, "span.parent.id")).isEqualTo(text(line, "span.id"));
    if (n.variant() == NginxServer.Variant.NJS) {
      assertThat(text(line, "identity.token.hash")).isEqualTo(text(event, "identity.token.hash"));
    }

    RequestVerdict verdict = verdict(requestId);
    assertThat(verdict.verdict()).as(verdict.evidence()).isEqualTo(Verdict.OK);
    assertTwoHops(verdict, "200");
  }

  /**
   * The control for the forged-header case: sent by a trusted peer (here straight from
   * 127.0.0.1, bypassing NGINX) the same forged header is believed, so its absence behind NGINX is
   * NGINX's doing, not the backend's.
   */
  @Test
  void theBackendBelievesTheCertificateHeaderFromItsTrustedPeer() throws Exception {
    int port = ((ServerConnector) backend.getConnectors()[0]).getLocalPort();
    String requestId = "direct-forged";
    Request.Builder request = new Request.Builder()
        .url("http://127.0.0.1:" + port + "/orders/1")
        .header("X-Request-ID", requestId)
        .header("Authorization", "Bearer " + token)
        .header("X-SSL-Client-Cert", forgedCertificateHeaders().get("X-SSL-Client-Cert"));
    try (Response response = http().build().newCall(request.build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    JsonNode event = backendEvent(requestId);
    assertThat(text(event, "identity.cert.source")).isEqualTo("ssl-header");
    assertThat(text(event, "tls.client.hash.sha256")).isEqualTo(sha256Upper(intruder.der()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nginx")
  void everyLineUsesTheStandardsNamesAndValues(NginxServer n) throws Exception {
    send(withCertificate, n.verifyingPort(), "/orders/1", "nginx-" + n.variant() + "-names",
        token, null, Map.of());
    nginxLine(n, "nginx-" + n.variant() + "-names");
    Set<String> standard = new HashSet<>();
    EventSchema.node().get("properties").fieldNames().forEachRemaining(standard::add);

    List<String> lines = n.accessLogLines();
    assertThat(lines).isNotEmpty();
    for (String raw : lines) {
      JsonNode line = EventSchema.MAPPER.readTree(raw);
      assertThat(line.isObject()).as(raw).isTrue();
      // Standard keys, plus raw NGINX values under nginx.* (identity-log.conf says so).
      line.fieldNames().forEachRemaining(key ->
          assertThat(standard.contains(key) || key.startsWith("nginx."))
              .as("key %s in %s", key, raw).isTrue());
      assertThat(text(line, "event.name")).isEqualTo("identity.server");
      assertThat(text(line, "service.name")).isEqualTo("nginx");
      assertThat(text(line, "identity.hop.layer")).isEqualTo("proxy");
      // TZ=UTC: RFC 3339 UTC with milliseconds, as the standard writes times.
      assertThat(text(line, "timestamp"))
          .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
      assertThat(line.get("event.duration").isIntegralNumber()).as(raw).isTrue();
      // The layer's documented departures from events of the standard: no identity.schema,
      // "" for unknown, nginx.* extras. Without them a line is a valid event of the standard.
      assertThat(line.has("identity.schema")).isFalse();
      assertThat(EventSchema.validate(asEvent(line))).as(raw).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nginx")
  void nginxLoadsTheLayerWithoutWarnings(NginxServer n) {
    String log = n.errorLog();
    assertThat(log).doesNotContain("[emerg]", "[alert]", "[crit]", "[warn]");
    // No raw token in NGINX's own files (njs sees it; it must only hash it).
    assertThat(String.join("\n", n.accessLogLines())).doesNotContain(token);
  }

  // ---------------------------------------------------------------------------------------------

  private Server startBackend() throws Exception {
    IdentityLog log = IdentityLog.builder()
        .serviceName("orders")
        .hopLayer(HopLayer.BACKEND)
        // NGINX connects from 127.0.0.1; only what it forwards is believed.
        .trustedProxies(TrustedProxies.parse("127.0.0.1/32"))
        // The header identity-log-proxy.conf fills with $ssl_client_escaped_cert.
        .sslClientCertHeader("X-SSL-Client-Cert")
        .tokenInspector(TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).build())
        // In this order: once a test sees an event in the collecting sink, the file has it too.
        .addSink(backendFile)
        .addSink(events)
        .build();
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("orders");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    FilterHolder filter = new FilterHolder(IdentityLogFilter.builder(log).build());
    filter.setName("identity-log");
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    context.addServlet(new ServletHolder("orders", new OrdersServlet()), "/orders/*");
    server.setHandler(context);
    server.start();
    return server;
  }

  /**
   * The backend application: checks the bearer token's signature and expiry as a resource server
   * would, answers 401 with an RFC 6750 challenge when it fails, and records success.
   */
  static final class OrdersServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String authorization = request.getHeader("Authorization");
      if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"orders\"");
        response.setStatus(401);
        return;
      }
      String problem = problem(authorization.substring(7).trim());
      if (problem != null) {
        // The filter infers the reason from this challenge and the token: token_expired.
        response.setHeader("WWW-Authenticate",
            "Bearer realm=\"orders\", error=\"invalid_token\", error_description=\"" + problem
                + "\"");
        response.setStatus(401);
        return;
      }
      RequestIdentity.current().authnSucceeded();
      response.setContentType("text/plain");
      response.getWriter().write("order " + request.getPathInfo() + "\n");
    }

    private static String problem(String token) {
      try {
        SignedJWT jwt = SignedJWT.parse(token);
        JWK key = TestTokens.jwkSet().getKeyByKeyId(jwt.getHeader().getKeyID());
        if (!(key instanceof ECKey) || !jwt.verify(new ECDSAVerifier((ECKey) key))) {
          return "bad signature";
        }
        Date exp = jwt.getJWTClaimsSet().getExpirationTime();
        return exp == null || exp.before(new Date()) ? "the token expired" : null;
      } catch (ParseException | JOSEException e) {
        return "unreadable token";
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static final class Answer {
    final int status;
    final String requestId;

    Answer(int status, String requestId) {
      this.status = status;
      this.requestId = requestId;
    }
  }

  private static OkHttpClient.Builder http() {
    return new OkHttpClient.Builder()
        .connectTimeout(2, TimeUnit.SECONDS)
        .readTimeout(5, TimeUnit.SECONDS)
        .callTimeout(10, TimeUnit.SECONDS);
  }

  private static int send(OkHttpClient client, int port, String path, String requestId,
      String bearer, String traceparent, Map<String, String> headers) throws IOException {
    return sendForAnswer(client, port, path, requestId, bearer, traceparent, headers).status;
  }

  private static Answer sendForAnswer(OkHttpClient client, int port, String path,
      String requestId, String bearer, String traceparent, Map<String, String> headers)
      throws IOException {
    Request.Builder request = new Request.Builder().url("https://localhost:" + port + path);
    if (requestId != null) {
      request.header("X-Request-ID", requestId);
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    headers.forEach(request::header);
    try (Response response = client.newCall(request.build()).execute()) {
      response.body().string();
      return new Answer(response.code(), response.header("X-Request-ID"));
    }
  }

  /**
   * Headers a client could send to pose as someone else: the intruder's certificate in each form
   * a backend might read, exactly as a proxy would have written it.
   */
  private Map<String, String> forgedCertificateHeaders() {
    String escapedPem = URLEncoder.encode(intruder.certificatePem(), StandardCharsets.UTF_8)
        .replace("+", "%20");
    String rfc9440 = ":" + Base64.getEncoder().encodeToString(intruder.der()) + ":";
    return Map.of(
        "X-SSL-Client-Cert", escapedPem,
        "Client-Cert", rfc9440,
        "X-Forwarded-Client-Cert",
        "By=spiffe://identitylog.test/edge;Hash=" + sha256Upper(intruder.der()).toLowerCase(
            Locale.ROOT) + ";Subject=\"CN=admin\"");
  }

  /** The one access-log line of this request, waiting for NGINX to write it. */
  private static JsonNode nginxLine(NginxServer n, String requestId) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<JsonNode> found = new ArrayList<>();
      for (String raw : n.accessLogLines()) {
        JsonNode line = EventSchema.MAPPER.readTree(raw);
        if (requestId.equals(text(line, "identity.request.id"))) {
          found.add(line);
        }
      }
      if (found.size() == 1) {
        return found.get(0);
      }
      assertThat(found).as("lines of %s in %s", requestId, n.accessLog()).hasSizeLessThan(2);
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no line for " + requestId + " in " + n.accessLog()
            + "; nginx said:\n" + n.errorLog());
      }
      Thread.sleep(20);
    }
  }

  /** The backend's one event of this request as its JSON line, waiting for it to be emitted. */
  private JsonNode backendEvent(String requestId) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<IdentityEvent> found = backendEvents(requestId);
      if (!found.isEmpty()) {
        assertThat(found).hasSize(1);
        IdentityEvent event = found.get(0);
        assertThat(event.get(Fields.EVENT_NAME)).isEqualTo(EventName.SERVER);
        String line = JsonLineWriter.toJson(event);
        assertThat(EventSchema.validate(line)).as(line).isEmpty();
        return EventSchema.MAPPER.readTree(line);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no backend event for " + requestId + ": " + events);
      }
      Thread.sleep(20);
    }
  }

  private List<IdentityEvent> backendEvents(String requestId) {
    List<IdentityEvent> found = new ArrayList<>();
    for (IdentityEvent e : events.events()) {
      if (requestId.equals(e.get(Fields.REQUEST_ID))) {
        found.add(e);
      }
    }
    return found;
  }

  /**
   * {@code identity-log correlate} over every NGINX access log and the backend's file, as a user
   * would run it; the verdict of this request.
   */
  private RequestVerdict verdict(String requestId) throws IOException {
    EventStream.Builder files = EventStream.builder();
    for (NginxServer n : nginx) {
      files.add(n.accessLog());
    }
    files.add(dir.resolve("orders.jsonl"));
    Correlator correlator = Correlator.builder().build();
    try (EventStream stream = files.build()) {
      for (CorrelationEvent e; (e = stream.next()) != null; ) {
        correlator.accept(e);
      }
      assertThat(stream.malformedLines()).isZero();
    }
    correlator.finish();
    List<RequestVerdict> matching = new ArrayList<>();
    for (RequestVerdict v : correlator.drain()) {
      if (v.requestIds().contains(requestId) || requestId.equals(v.requestId())) {
        matching.add(v);
      }
    }
    assertThat(matching).as("verdicts for %s", requestId).hasSize(1);
    RequestVerdict verdict = matching.get(0);
    assertThat(verdict.requestId()).isEqualTo(requestId);
    return verdict;
  }

  /** NGINX, the outermost hop, then the backend; both answered the client's status. */
  private static void assertTwoHops(RequestVerdict verdict, String status) {
    assertThat(verdict.hops()).as(verdict.toJson()).hasSize(2);
    RequestVerdict.Hop proxy = verdict.hops().get(0);
    RequestVerdict.Hop orders = verdict.hops().get(1);
    assertThat(proxy.service()).isEqualTo("nginx");
    assertThat(proxy.layer()).isEqualTo(HopLayer.PROXY);
    assertThat(proxy.event()).isEqualTo(EventName.SERVER);
    assertThat(proxy.status()).isEqualTo(status);
    assertThat(orders.service()).isEqualTo("orders");
    assertThat(orders.layer()).isEqualTo(HopLayer.BACKEND);
    assertThat(orders.event()).isEqualTo(EventName.SERVER);
    assertThat(orders.status()).isEqualTo(status);
    assertThat(verdict.traceIds()).hasSize(1);
  }

  /** The line as an event of the standard: "" and nginx.* dropped, identity.schema added. */
  private static JsonNode asEvent(JsonNode line) {
    ObjectNode event = EventSchema.MAPPER.createObjectNode();
    event.put("identity.schema", "1.0");
    for (Iterator<Map.Entry<String, JsonNode>> it = line.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      boolean empty = field.getValue().isTextual() && field.getValue().asText().isEmpty();
      if (!empty && !field.getKey().startsWith("nginx.")) {
        event.set(field.getKey(), field.getValue());
      }
    }
    return event;
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    assertThat(value).as("%s in %s", key, node).isNotNull();
    return value.asText();
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    b[0] |= 1; // never all zero
    return HexFormat.of().formatHex(b);
  }

  private static String sha256Upper(byte[] data) {
    return HexFormat.of().withUpperCase().formatHex(digest("SHA-256", data));
  }

  private static String sha1Lower(byte[] data) {
    return HexFormat.of().formatHex(digest("SHA-1", data));
  }

  /** identity.token.hash without a key: the first 16 bytes of SHA-256 over the token. */
  private static String tokenHash(String raw) {
    byte[] digest = digest("SHA-256", raw.getBytes(StandardCharsets.US_ASCII));
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
