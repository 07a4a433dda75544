package dev.identitylog.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitylog.IdentityLog;
import dev.identitylog.emit.RestrictedFields;
import dev.identitylog.event.HopLayer;
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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The restricted stream end to end: a real Jetty 12 with the filter, real mTLS client certificates,
 * real signed JWTs, and Logback configured from XML as the README shows (two file appenders, the
 * shipped encoder). The general file must not hold one restricted value; the restricted file
 * holds them; every line of either joins with exactly one line of the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestrictedStreamJettyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] KEY =
      "restricted-stream-test-key-0123456789".getBytes(StandardCharsets.UTF_8);

  /** The one setting in logback.xml: an appender on the restricted logger, additivity off. */
  private static final String LOGBACK_XML =
      "<configuration>\n"
          + "  <appender name=\"EVENTS\" class=\"ch.qos.logback.core.FileAppender\">\n"
          + "    <file>${dir}/identity-events.jsonl</file>\n"
          + "    <encoder class=\"dev.identitylog.emit.logback.IdentityEventEncoder\"/>\n"
          + "  </appender>\n"
          + "  <appender name=\"RESTRICTED\" class=\"ch.qos.logback.core.FileAppender\">\n"
          + "    <file>${dir}/identity-restricted.jsonl</file>\n"
          + "    <encoder class=\"dev.identitylog.emit.logback.IdentityEventEncoder\"/>\n"
          + "  </appender>\n"
          + "  <logger name=\"identity.events\" level=\"INFO\" additivity=\"false\">\n"
          + "    <appender-ref ref=\"EVENTS\"/>\n"
          + "  </logger>\n"
          + "  <logger name=\"identity.restricted\" level=\"INFO\" additivity=\"false\">\n"
          + "    <appender-ref ref=\"RESTRICTED\"/>\n"
          + "  </logger>\n"
          + "  <root level=\"WARN\"/>\n"
          + "</configuration>\n";

  // Distinctive values, so that a scan of the raw bytes finds them wherever they went.
  private static final String ISSUER = "https://issuer.restricted-7c1.test";
  private static final String SUBJECT = "subject-alice-55c0e";
  private static final String CLIENT_ID = "client-web-91ad";
  private static final String ACTOR = "actor-gateway-4f2b";
  private static final String TENANT = "tenant-acme-e07d";
  private static final String CLIENT_ADDRESS = "198.51.100.77";
  private static final String SAN_DNS = "alice.restricted-3e9.example";
  private static final String SAN_EMAIL = "alice@restricted-3e9.example";

  private Path general;
  private Path restricted;
  private Credential alice;
  private TestPki pki;
  private Server server;
  private int port;
  private List<String> tokens = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    general = dir.resolve("identity-events.jsonl");
    restricted = dir.resolve("identity-restricted.jsonl");
    configureLogback(dir);

    pki = TestPki.create("CN=Restricted Root 8d2,O=Example Trust");
    Credential serverCredential = pki.issue(TestPki.server("localhost"));
    alice = pki.issue(TestPki.leaf("CN=alice-9b1,O=Example Customers")
        .clientAuth().dns(SAN_DNS).email(SAN_EMAIL));

    IdentityLog identityLog = IdentityLog.builder()
        .serviceName("orders")
        .hopLayer(HopLayer.BACKEND)
        .trustedProxies(TrustedProxies.parse("127.0.0.1/32"))
        .clientCertTrustAnchors(List.of(pki.rootCertificate()))
        .tokenInspector(TokenInspector.builder()
            .verificationKeys(TestTokens.jwkSet()).allowClaims("tenant").build())
        .restrictedFields(
            RestrictedFields.toLogger(RestrictedFields.DEFAULT_LOGGER).pseudonymKey(KEY).build())
        .build();

    server = new Server();
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(serverCredential.serverSslContextAcceptingAnyClient());
    tls.setWantClientAuth(true);
    HttpConfiguration http = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(
        server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addFilter(new FilterHolder(IdentityLogFilter.builder(identityLog).build()), "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new HttpServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setStatus(req.getRequestURI().endsWith("/denied") ? 403 : 200);
        resp.getWriter().write("ok");
      }
    }), "/*");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig(); // back to logback-test.xml for other classes
  }

  private static void configureLogback(Path dir) throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    context.putProperty("dir", dir.toAbsolutePath().toString());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(new ByteArrayInputStream(LOGBACK_XML.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theGeneralFileHoldsNoRestrictedValueAndEveryLineJoinsOnce() throws Exception {
    String token = TestTokens.rs256()
        .issuer(ISSUER).subject(SUBJECT).clientId(CLIENT_ID).audience("orders")
        .act(List.of(ACTOR)).claim("tenant", TENANT)
        .cnfX5tS256(TestTokens.x5tS256(alice.certificate()))
        .expiresIn(Duration.ofMinutes(5)).sign();
    tokens.add(token);
    OkHttpClient withCert = client(alice);
    OkHttpClient anonymous = new OkHttpClient.Builder()
        .sslSocketFactory(pki.trustOnlySslContext().getSocketFactory(), pki.trustManager())
        .build();
    call(withCert, "/api/orders", "r-1", token, CLIENT_ADDRESS);
    call(withCert, "/api/denied", "r-2", token, null);
    call(anonymous, "/api/orders", "r-3", token, CLIENT_ADDRESS);
    call(withCert, "/api/orders", "r-4", null, null);
    call(anonymous, "/health", "r-5", null, null);

    await().atMost(Duration.ofSeconds(20)).until(() -> lines(general).size() == 5
        && lines(restricted).size() == 5);

    String generalBytes = Files.readString(general, StandardCharsets.UTF_8);
    String restrictedBytes = Files.readString(restricted, StandardCharsets.UTF_8);
    String subjectDn = alice.certificate().getSubjectX500Principal().getName("RFC2253");
    String issuerDn = alice.certificate().getIssuerX500Principal().getName("RFC2253");
    List<String> secrets = List.of(subjectDn, issuerDn, SAN_DNS, SAN_EMAIL, CLIENT_ADDRESS, ISSUER,
        SUBJECT, CLIENT_ID, ACTOR, TENANT, "alice-9b1", "Example Customers", "Restricted Root 8d2");
    for (String value : secrets) {
      assertThat(generalBytes).as("general file holds %s", value).doesNotContain(value);
    }
    for (String value : List.of(subjectDn, issuerDn, SAN_DNS, SAN_EMAIL, CLIENT_ADDRESS, ISSUER,
        SUBJECT, CLIENT_ID, ACTOR, TENANT)) {
      assertThat(restrictedBytes).as("restricted file holds %s", value).contains(value);
    }
    for (String t : tokens) {
      assertThat(generalBytes + restrictedBytes).doesNotContain(t)
          .doesNotContain(t.substring(t.lastIndexOf('.') + 1));
    }

    Map<String, JsonNode> generalByKey = byJoinKey(general);
    Map<String, JsonNode> restrictedByKey = byJoinKey(restricted);
    assertThat(generalByKey.keySet()).isEqualTo(restrictedByKey.keySet()).hasSize(5);

    JsonNode g = generalByKey.values().stream()
        .filter(e -> e.path("identity.request.id").asText().equals("r-1")).findFirst().orElseThrow();
    JsonNode r = restrictedByKey.get(joinKey(g));
    assertThat(g.path("tls.client.subject").asText()).matches("hmac:[A-Za-z0-9_-]{22}");
    assertThat(g.path("identity.token.subject").asText()).matches("hmac:[A-Za-z0-9_-]{22}");
    assertThat(g.path("identity.token.claim.tenant").asText()).startsWith("hmac:");
    assertThat(g.path("tls.client.x509.alternative_names")).hasSize(2);
    assertThat(g.path("identity.token.verified").asBoolean()).isTrue();
    assertThat(g.path("identity.token.binding").asText()).isEqualTo("bound");
    assertThat(r.path("tls.client.subject").asText()).isEqualTo(subjectDn);
    assertThat(r.path("identity.token.subject").asText()).isEqualTo(SUBJECT);
    assertThat(r.path("client.address").asText()).isEqualTo(CLIENT_ADDRESS);
    assertThat(r.path("identity.token.actor_chain").toString()).isEqualTo("[\"" + ACTOR + "\"]");
    assertThat(r.path("identity.token.claim.tenant").asText()).isEqualTo(TENANT);
    assertThat(r.path("tls.client.hash.sha256").asText())
        .isEqualTo(g.path("tls.client.hash.sha256").asText()).isEqualTo(alice.sha256());
    assertThat(r.path("identity.token.hash").asText())
        .isEqualTo(g.path("identity.token.hash").asText()).hasSize(32);

    // Same party, same pseudonym: r-1, r-2 and r-4 presented alice's certificate.
    List<String> subjectPseudonyms = new ArrayList<>();
    for (JsonNode e : generalByKey.values()) {
      if (e.has("tls.client.subject")) {
        subjectPseudonyms.add(e.path("tls.client.subject").asText());
      }
    }
    assertThat(subjectPseudonyms).hasSize(3).containsOnly(g.path("tls.client.subject").asText());

    for (String line : lines(general)) {
      assertThat(EventSchema.validate(line)).as(line).isEmpty();
    }
    for (String line : lines(restricted)) {
      assertThat(EventSchema.validate(line)).as(line).isEmpty();
    }
  }

  private OkHttpClient client(Credential credential) {
    return new OkHttpClient.Builder()
        .sslSocketFactory(
            credential.clientSslContext(pki).getSocketFactory(), pki.trustManager())
        .build();
  }

  private void call(OkHttpClient client, String path, String requestId, String token,
      String forwardedFor) throws IOException {
    Request.Builder b = new Request.Builder()
        .url("https://localhost:" + port + path)
        .header("X-Request-ID", requestId);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (forwardedFor != null) {
      b.header("X-Forwarded-For", forwardedFor);
    }
    try (Response response = client.newCall(b.build()).execute()) {
      assertThat(response.code()).isIn(200, 401, 403);
    }
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }

  /** Each line by trace.id + span.id + request id; a key seen twice fails the test. */
  private static Map<String, JsonNode> byJoinKey(Path file) throws IOException {
    Map<String, JsonNode> out = new HashMap<>();
    for (String line : lines(file)) {
      JsonNode e = JSON.readTree(line);
      assertThat(out.put(joinKey(e), e)).as("one line per join key: %s", line).isNull();
    }
    return out;
  }

  private static String joinKey(JsonNode e) {
    String trace = e.path("trace.id").asText();
    String span = e.path("span.id").asText();
    String request = e.path("identity.request.id").asText();
    assertThat(trace).hasSize(32);
    assertThat(span).hasSize(16);
    assertThat(request).isNotEmpty();
    return trace + "/" + span + "/" + request;
  }
}
