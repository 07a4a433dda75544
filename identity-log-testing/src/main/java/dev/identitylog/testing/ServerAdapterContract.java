package dev.identitylog.testing;

import static dev.identitylog.testing.EventChecks.strings;
import static dev.identitylog.testing.EventChecks.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.token.TokenInspector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.MDC;

/**
 * The behaviour every server adapter (servlet filter, gRPC server interceptor, ...) must show,
 * over real TLS with certificates and tokens minted for the run. An adapter's test extends this
 * class (or {@link HttpServerAdapterContract} for HTTP) and supplies a few hooks: start its server
 * with a given {@link IdentityLog} and {@link SSLContext}, send one request, and map the
 * {@link Route}s the suite asks for onto its protocol. A case that cannot apply to an adapter is
 * overridden there and {@code @Disabled} with the reason.
 *
 * <p>One server per class: {@link #start} is called once before the first test (and once more,
 * lazily, for the strict-forwarding case). After every test, every event the suite saw must be
 * valid against the bundled schema of its version, carry none of the secrets the suite planted,
 * and no request may have more than one event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerAdapterContract {
  /** What the application does with a request; the adapter's handler maps it onto its protocol. */
  public enum Route {
    /** Answers success: HTTP 200, gRPC OK. */
    OK,
    /** Refuses authentication with {@link #CHALLENGE}: HTTP 401, gRPC UNAUTHENTICATED. */
    CHALLENGE,
    /** Refuses authorization: HTTP 403, gRPC PERMISSION_DENIED. */
    FORBIDDEN,
    /** {@link Application#serve} throws; the adapter lets it propagate to its container. */
    THROW,
    /** Answers success from another thread after the handler returned (servlet async, ...). */
    ASYNC,
    /** Answers a large body slowly, so a client can go away in the middle. */
    SLOW;

    /** The route's name in a path or method name: lower case. */
    public String path() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The {@code WWW-Authenticate} value (or its protocol's equivalent) a CHALLENGE answers. */
  public static final String CHALLENGE = "Bearer error=\"invalid_token\"";

  /** A started server; closed after the class. */
  public interface RunningServer extends AutoCloseable {
    int port();
  }

  /**
   * The application behind the adapter. The adapter's handler calls {@link #serve} first, on the
   * thread the adapter runs it on, and then answers as the returned route says.
   */
  public static final class Application {
    private final Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();

    /** Records what the request sees of its identity, and returns (or, for THROW, throws). */
    public Route serve(String route) {
      Route r = Route.valueOf(route.toUpperCase(Locale.ROOT));
      RequestIdentity current = RequestIdentity.current();
      Map<String, String> view = new LinkedHashMap<>();
      put(view, "mdc.trace.id", MDC.get("trace.id"));
      put(view, "mdc.span.id", MDC.get("span.id"));
      put(view, "mdc.identity.request.id", MDC.get("identity.request.id"));
      put(view, "current.trace.id", current.traceId());
      put(view, "current.span.id", current.spanId());
      if (current.requestId() != null) {
        seen.put(current.requestId(), view);
      }
      if (r == Route.THROW) {
        throw new IllegalStateException("thrown by the application");
      }
      return r;
    }

    Map<String, String> seen(String requestId) {
      return seen.get(requestId);
    }

    private static void put(Map<String, String> view, String key, String value) {
      if (value != null) {
        view.put(key, value);
      }
    }
  }

  /** One request the suite sends. Header names as written; values may hold planted secrets. */
  public static final class Request {
    public final Route route;
    public final int port;
    public final SSLContext tls;
    public final Map<String, String> headers;
    /** A path parameter ({@code ;jsessionid=...}) to append to the path; HTTP only. */
    public final String pathParameter;
    /**
     * What {@link #tls} is made of, for adapters whose TLS stack takes keys rather than an
     * {@code SSLContext}: the client's credential ({@code null}: none) and the CA it trusts.
     */
    public final Credential client;
    public final TestPki trusted;

    Request(Route route, int port, Credential client, TestPki trusted, Map<String, String> headers,
        String pathParameter) {
      this.route = route;
      this.port = port;
      this.client = client;
      this.trusted = trusted;
      this.tls = client == null ? trusted.trustOnlySslContext() : client.clientSslContext(trusted);
      this.headers = Map.copyOf(headers);
      this.pathParameter = pathParameter;
    }
  }

  /** What came back: the status as the protocol names it ("200", "UNAUTHENTICATED"). */
  public static final class Answer {
    public final String status;
    /** Response headers, names in lower case. */
    public final Map<String, String> headers;

    public Answer(String status, Map<String, String> headers) {
      this.status = status;
      this.headers = Map.copyOf(headers);
    }
  }

  /**
   * Starts the adapter's server on an ephemeral port of 127.0.0.1 with {@code identityLog},
   * presenting TLS from {@code tls} in 'want' mode: a client certificate is asked for, any one is
   * accepted in the handshake (the library judges it against its trust anchors), none is fine.
   * Requests are served by {@code app}.
   */
  protected abstract RunningServer start(IdentityLog identityLog, SSLContext tls, Application app)
      throws Exception;

  /** Sends the request over TLS and returns the answer. */
  protected abstract Answer send(Request request) throws Exception;

  /** Sends a {@link Route#SLOW} request and goes away (connection reset) before the answer ends. */
  protected abstract void sendAndAbort(Request request) throws Exception;

  /** The status the protocol answers for the route (THROW: what the container makes of it). */
  protected abstract String expectedStatus(Route route);

  /** The status a strict hop answers to forwarded identity from an untrusted peer. */
  protected abstract String strictRefusalStatus();

  /** The event field that carries the status: {@code http.response.status_code}, ... */
  protected abstract String statusField();

  /** A forwarded-identity header name and value that strict mode refuses from untrusted peers. */
  protected Map.Entry<String, String> forwardedIdentityHeader() {
    return Map.entry("x-forwarded-client-cert", "Hash=00;Subject=\"CN=forged\"");
  }

  protected final CollectingSink sink = new CollectingSink();
  protected final Application app = new Application();
  protected TestPki pki;
  protected Credential serverCredential;
  protected IdentityLog identityLog;

  private TestPki rogue;
  private Credential alice;
  private Credential expired;
  private Credential untrusted;
  private RunningServer server;
  private RunningServer strictServer;
  private final List<String> requestIds = new CopyOnWriteArrayList<>();
  private final List<String> planted = new CopyOnWriteArrayList<>();
  private int checked;

  @BeforeAll
  void startServer() throws Exception {
    pki = TestPki.create("Contract Root");
    rogue = TestPki.create("Contract Rogue Root");
    serverCredential = pki.issue(TestPki.server("localhost").ip("127.0.0.1"));
    alice = pki.issue(TestPki.leaf("CN=alice,O=Contract").clientAuth().dns("alice.test"));
    expired = pki.issue(TestPki.leaf("CN=old,O=Contract").clientAuth().expired());
    untrusted = rogue.issue(TestPki.leaf("CN=mallory,O=Rogue").clientAuth());
    identityLog = IdentityLog.builder()
        .serviceName("contract-server")
        .hopLayer(HopLayer.BACKEND)
        .clientCertTrustAnchors(List.of(pki.rootCertificate()))
        .tokenInspector(TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).build())
        .addSink(sink)
        .build();
    server = start(identityLog, serverCredential.serverSslContextAcceptingAnyClient(), app);
  }

  @AfterAll
  void stopServer() throws Exception {
    if (strictServer != null) {
      strictServer.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Every event seen so far: schema-valid, secret-free, at most one per request. */
  @AfterEach
  void everyEventHolds() throws InterruptedException {
    Thread.sleep(50); // room for a second, wrong event to arrive
    List<IdentityEvent> events = sink.events();
    int from = checked;
    checked = events.size(); // each event is judged once, by the test that caused it
    for (IdentityEvent event : events.subList(from, events.size())) {
      EventChecks.assertSchemaValid(event);
      EventChecks.assertNoSecret(event, planted);
    }
    for (String id : requestIds) {
      assertThat(eventsOf(id)).as("events of request %s", id).hasSizeLessThanOrEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ certificates

  @Test
  public void validClientCertificate() throws Exception {
    JsonNode event = call(Route.OK, alice, Map.of()).event;
    assertThat(text(event, "identity.cert.source")).isEqualTo("tls");
    assertThat(text(event, "tls.client.subject")).isEqualTo("CN=alice,O=Contract");
    assertThat(text(event, "tls.client.issuer")).isEqualTo("CN=Contract Root");
    assertThat(text(event, "tls.client.hash.sha256")).isEqualTo(alice.sha256());
    assertThat(strings(event, "tls.client.x509.alternative_names")).containsExactly("alice.test");
    assertThat(text(event, "identity.authn.outcome")).isEqualTo("success");
    assertThat(text(event, "event.outcome")).isEqualTo("success");
  }

  @Test
  public void noClientCertificate() throws Exception {
    JsonNode event = call(Route.OK, null, Map.of()).event;
    assertThat(event.has("tls.client.hash.sha256")).isFalse();
    assertThat(event.has("tls.client.subject")).isFalse();
    assertThat(event.has("identity.cert.source")).isFalse();
    assertThat(text(event, "identity.authn.outcome")).isEqualTo("not_applicable");
    assertThat(text(event, "identity.authz.outcome")).isEqualTo("not_applicable");
    assertThat(text(event, "event.outcome")).isEqualTo("success");
    assertThat(event.has("error.type")).isFalse();
    assertThat(identityLog.internalErrors()).as("the library's own failures").isZero();
  }

  @Test
  public void expiredClientCertificate() throws Exception {
    JsonNode event = call(Route.OK, expired, Map.of()).event;
    assertThat(text(event, "tls.client.hash.sha256")).isEqualTo(expired.sha256());
    assertThat(text(event, "identity.authn.outcome")).isEqualTo("failure");
    assertThat(text(event, "identity.authn.reason")).isEqualTo("cert_expired");
    assertThat(event.has("identity.authn.inferred")).as("decided, not inferred").isFalse();
    assertThat(text(event, "error.type")).isEqualTo("cert_expired");
    assertThat(text(event, "event.outcome")).isEqualTo("failure");
  }

  @Test
  public void untrustedClientCertificate() throws Exception {
    JsonNode event = call(Route.OK, untrusted, Map.of()).event;
    assertThat(text(event, "tls.client.issuer")).isEqualTo("CN=Contract Rogue Root");
    assertThat(text(event, "tls.client.subject")).isEqualTo("CN=mallory,O=Rogue");
    assertThat(text(event, "tls.client.hash.sha256")).isEqualTo(untrusted.sha256());
    assertThat(text(event, "identity.authn.outcome")).isEqualTo("failure");
    assertThat(text(event, "identity.authn.reason")).isEqualTo("cert_untrusted");
    assertThat(text(event, "error.type")).isEqualTo("cert_untrusted");
    assertThat(text(event, "event.outcome")).isEqualTo("failure");
  }

  // ------------------------------------------------------------------ tokens

  @Test
  public void bearerJwtFacts() throws Exception {
    String token = TestTokens.es256().subject("user-7").audience("orders")
        .scope("orders:read orders:write").jti("contract-1").sign();
    JsonNode event = call(Route.OK, null, authorization("Bearer " + token)).event;
    assertThat(text(event, "identity.token.type")).isEqualTo("jwt");
    assertThat(text(event, "identity.token.hash")).isEqualTo(EventChecks.tokenHash(token));
    assertThat(text(event, "identity.token.issuer")).isEqualTo(TestTokens.DEFAULT_ISSUER);
    assertThat(text(event, "identity.token.subject")).isEqualTo("user-7");
    assertThat(text(event, "identity.token.id")).isEqualTo("contract-1");
    assertThat(strings(event, "identity.token.audience")).containsExactly("orders");
    assertThat(strings(event, "identity.token.scopes")).containsExactly("orders:read", "orders:write");
    assertThat(text(event, "identity.token.alg")).isEqualTo("ES256");
    assertThat(event.get("identity.token.verified").asBoolean()).isTrue();
    assertThat(text(event, "identity.token.binding")).isEqualTo("unbound");
  }

  @Test
  public void tokenOfAnotherKeyIsNotVerified() throws Exception {
    String token = TestTokens.es256().audience("orders").otherKeySign();
    JsonNode event = call(Route.OK, null, authorization("Bearer " + token)).event;
    assertThat(text(event, "identity.token.hash")).isEqualTo(EventChecks.tokenHash(token));
    assertThat(event.get("identity.token.verified").asBoolean()).isFalse();
  }

  @Test
  public void malformedToken() throws Exception {
    String token = PlantedSecrets.token("eyJhbGciOi." + UUID.randomUUID() + "." + UUID.randomUUID());
    JsonNode event = call(Route.OK, null, authorization("Bearer " + token)).event;
    assertThat(text(event, "identity.token.type")).isEqualTo("malformed");
    assertThat(text(event, "identity.token.hash")).isEqualTo(EventChecks.tokenHash(token));
  }

  @Test
  public void dpopToken() throws Exception {
    String token = TestTokens.rs256().subject("user-9").audience("orders").sign();
    JsonNode event = call(Route.OK, null, authorization("DPoP " + token)).event;
    assertThat(text(event, "identity.token.type")).isEqualTo("jwt");
    assertThat(text(event, "identity.token.subject")).isEqualTo("user-9");
    assertThat(text(event, "identity.token.hash")).isEqualTo(EventChecks.tokenHash(token));
  }

  @Test
  public void certificateBoundToken() throws Exception {
    String token = TestTokens.es256().audience("orders")
        .cnfX5tS256(TestTokens.x5tS256(alice.certificate())).sign();
    JsonNode event = call(Route.OK, alice, authorization("Bearer " + token)).event;
    assertThat(text(event, "identity.token.cnf.x5t_s256"))
        .isEqualTo(TestTokens.x5tS256(alice.certificate()));
    assertThat(text(event, "identity.token.binding")).isEqualTo("bound");
    assertThat(text(event, "identity.authn.outcome")).isEqualTo("success");
  }

  @Test
  public void expiredTokenRefused() throws Exception {
    String token = TestTokens.es256().audience("orders").expiredAgo(Duration.ofMinutes(5)).sign();
    Call call = call(Route.CHALLENGE, null, authorization("Bearer " + token));
    assertThat(call.answer.status).isEqualTo(expectedStatus(Route.CHALLENGE));
    assertThat(text(call.event, "identity.authn.outcome")).isEqualTo("failure");
    assertThat(text(call.event, "identity.authn.reason")).isEqualTo("token_expired");
    assertThat(call.event.get("identity.authn.inferred").asBoolean()).isTrue();
    assertThat(text(call.event, "identity.authz.outcome")).isEqualTo("not_applicable");
    assertThat(text(call.event, "error.type")).isEqualTo("token_expired");
  }

  // ------------------------------------------------------------------ propagation

  @Test
  public void traceparentContinuedAndVisibleDuringTheRequest() throws Exception {
    String traceId = Ids.hex(32);
    String parentId = Ids.hex(16);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("traceparent", "00-" + traceId + "-" + parentId + "-01");
    headers.put("tracestate", "vendor=contract");
    Call call = call(Route.OK, null, headers);
    assertThat(text(call.event, "trace.id")).isEqualTo(traceId);
    assertThat(text(call.event, "span.parent.id")).isEqualTo(parentId);
    assertThat(text(call.event, "identity.trace.origin")).isEqualTo("traceparent");
    String spanId = text(call.event, "span.id");
    assertThat(spanId).matches("[0-9a-f]{16}").isNotEqualTo(parentId);
    assertThat(text(call.event, "identity.request.id")).isEqualTo(call.requestId);

    Map<String, String> seen = app.seen(call.requestId);
    assertThat(seen).as("what the application saw").isNotNull();
    assertThat(seen).containsEntry("mdc.trace.id", traceId)
        .containsEntry("mdc.span.id", spanId)
        .containsEntry("mdc.identity.request.id", call.requestId)
        .containsEntry("current.trace.id", traceId)
        .containsEntry("current.span.id", spanId);
  }

  @Test
  public void b3Continued() throws Exception {
    String traceId = Ids.hex(32);
    String parentId = Ids.hex(16);
    Call call = call(Route.OK, null, Map.of("b3", traceId + "-" + parentId + "-1"));
    assertThat(text(call.event, "trace.id")).isEqualTo(traceId);
    assertThat(text(call.event, "span.parent.id")).isEqualTo(parentId);
    assertThat(text(call.event, "identity.trace.origin")).isEqualTo("b3");
  }

  @Test
  public void traceGeneratedWithoutContext() throws Exception {
    Call call = call(Route.OK, null, Map.of());
    assertThat(text(call.event, "trace.id")).matches("[0-9a-f]{32}");
    assertThat(text(call.event, "identity.trace.origin")).isEqualTo("generated");
    assertThat(call.event.has("span.parent.id")).isFalse();
  }

  @Test
  public void invalidTraceparentReplaced() throws Exception {
    Call call = call(Route.OK, null, Map.of("traceparent", "00-" + "0".repeat(32) + "-" + Ids.hex(16) + "-01"));
    assertThat(text(call.event, "identity.trace.origin")).isEqualTo("invalid");
    assertThat(text(call.event, "trace.id")).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
  }

  /** The request id goes back to the caller, so it can quote it. */
  @Test
  public void requestIdEchoed() throws Exception {
    Call call = call(Route.OK, null, Map.of());
    assertThat(call.answer.headers).containsEntry("x-request-id", call.requestId);
  }

  // ------------------------------------------------------------------ outcomes

  @Test
  public void success() throws Exception {
    Call call = call(Route.OK, alice, Map.of());
    assertThat(call.answer.status).isEqualTo(expectedStatus(Route.OK));
    assertThat(text(call.event, statusField())).isEqualTo(expectedStatus(Route.OK));
    assertThat(text(call.event, "event.outcome")).isEqualTo("success");
    assertThat(call.event.has("error.type")).isFalse();
    assertThat(call.event.get("event.duration").asLong()).isPositive();
  }

  @Test
  public void unauthenticatedWithChallenge() throws Exception {
    String token = TestTokens.es256().audience("orders").sign();
    Call call = call(Route.CHALLENGE, null, authorization("Bearer " + token));
    assertThat(call.answer.status).isEqualTo(expectedStatus(Route.CHALLENGE));
    assertThat(text(call.event, "identity.authn.outcome")).isEqualTo("failure");
    assertThat(text(call.event, "identity.authn.reason")).isEqualTo("token_invalid");
    assertThat(text(call.event, "error.type")).isEqualTo("token_invalid");
    assertThat(text(call.event, "identity.authz.outcome")).isEqualTo("not_applicable");
    assertThat(text(call.event, "event.outcome")).isEqualTo("failure");
  }

  @Test
  public void forbidden() throws Exception {
    Call call = call(Route.FORBIDDEN, alice, Map.of());
    assertThat(call.answer.status).isEqualTo(expectedStatus(Route.FORBIDDEN));
    assertThat(text(call.event, "identity.authn.outcome")).isEqualTo("success");
    assertThat(text(call.event, "identity.authz.outcome")).isEqualTo("failure");
    assertThat(text(call.event, "identity.authz.reason")).isEqualTo("policy_denied");
    assertThat(call.event.get("identity.authz.inferred").asBoolean()).isTrue();
    assertThat(text(call.event, "error.type")).isEqualTo("policy_denied");
  }

  @Test
  public void applicationThrows() throws Exception {
    Call call = call(Route.THROW, null, Map.of());
    assertThat(call.answer.status).isEqualTo(expectedStatus(Route.THROW));
    assertThat(text(call.event, statusField())).isEqualTo(expectedStatus(Route.THROW));
    assertThat(text(call.event, "event.outcome")).isEqualTo("failure");
    assertThat(text(call.event, "error.type")).isEqualTo("internal_error");
  }

  @Test
  public void asynchronousAnswerLoggedOnce() throws Exception {
    Call call = call(Route.ASYNC, null, Map.of());
    assertThat(call.answer.status).isEqualTo(expectedStatus(Route.ASYNC));
    assertThat(text(call.event, "event.outcome")).isEqualTo("success");
  }

  @Test
  public void clientAbort() throws Exception {
    String requestId = newRequestId();
    Map<String, String> headers = plantedHeaders(requestId, Map.of());
    sendAndAbort(new Request(Route.SLOW, server.port(), null, pki, headers, pathParameter()));
    JsonNode event = awaitEvent(requestId);
    assertThat(text(event, "error.type")).isEqualTo("client_abort");
    assertThat(text(event, "event.outcome")).isEqualTo("failure");
  }

  @Test
  public void strictForwardingRefusesForwardedIdentityFromAnUntrustedPeer() throws Exception {
    if (strictServer == null) {
      IdentityLog strict = IdentityLog.builder()
          .serviceName("contract-strict")
          .strictForwarding(true)
          .addSink(sink)
          .build();
      strictServer = start(strict, serverCredential.serverSslContextAcceptingAnyClient(), app);
    }
    Map.Entry<String, String> forwarded = forwardedIdentityHeader();
    Call call = call(strictServer, Route.OK, null, Map.of(forwarded.getKey(), forwarded.getValue()));
    assertThat(call.answer.status).isEqualTo(strictRefusalStatus());
    assertThat(text(call.event, "service.name")).isEqualTo("contract-strict");
    assertThat(call.event.get("identity.forwarded.untrusted").asBoolean()).isTrue();
    assertThat(text(call.event, "identity.authn.reason")).isEqualTo("identity_header_untrusted");
  }

  @Test
  public void oneEventPerRequest() throws Exception {
    List<String> ids = new ArrayList<>();
    for (Route route : List.of(Route.OK, Route.CHALLENGE, Route.FORBIDDEN, Route.THROW, Route.ASYNC)) {
      ids.add(call(route, null, Map.of()).requestId);
    }
    Thread.sleep(200);
    for (String id : ids) {
      assertThat(eventsOf(id)).as("events of %s", id).hasSize(1);
    }
  }

  // ------------------------------------------------------------------ helpers for subclasses

  /** A request through the suite's own plumbing, for adapter-specific cases in a subclass. */
  protected final Call call(Route route, Credential client, Map<String, String> headers)
      throws Exception {
    return call(server, route, client, headers);
  }

  /** The result of one request: its id, the answer and its one event. */
  protected static final class Call {
    public final String requestId;
    public final Answer answer;
    public final JsonNode event;

    Call(String requestId, Answer answer, JsonNode event) {
      this.requestId = requestId;
      this.answer = answer;
      this.event = event;
    }
  }

  private Call call(RunningServer target, Route route, Credential client, Map<String, String> headers)
      throws Exception {
    String requestId = newRequestId();
    Answer answer = send(new Request(route, target.port(), client, pki,
        plantedHeaders(requestId, headers), pathParameter()));
    return new Call(requestId, answer, awaitEvent(requestId));
  }

  private String newRequestId() {
    String id = "contract-" + UUID.randomUUID();
    requestIds.add(id);
    return id;
  }

  /** Every request carries a planted cookie, so the build's secret scan covers the adapter. */
  private Map<String, String> plantedHeaders(String requestId, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("X-Request-ID", requestId);
    all.put("Cookie", plant(PlantedSecrets.cookie("SESSION=" + UUID.randomUUID())));
    return all;
  }

  private String pathParameter() {
    return ";jsessionid=" + plant(PlantedSecrets.sessionId(
        UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT)));
  }

  private Map<String, String> authorization(String value) {
    PlantedSecrets.authorization(value);
    plant(value);
    plant(value.substring(value.indexOf(' ') + 1));
    String token = value.substring(value.indexOf(' ') + 1);
    int dot = token.lastIndexOf('.');
    if (dot > 0 && dot < token.length() - 1) {
      plant(token.substring(dot + 1)); // the signature alone
    }
    return Map.of("Authorization", value);
  }

  private String plant(String secret) {
    if (secret.length() < PlantedSecrets.MIN_LENGTH) {
      return secret; // too common to look for, as in the build's scan
    }
    planted.add(secret);
    if (secret.startsWith("SESSION=")) {
      planted.add(secret.substring("SESSION=".length()));
    }
    return secret;
  }

  private List<IdentityEvent> eventsOf(String requestId) {
    List<IdentityEvent> matching = new ArrayList<>();
    for (IdentityEvent event : sink.events()) {
      if (requestId.equals(text(EventChecks.json(event), "identity.request.id"))) {
        matching.add(event);
      }
    }
    return matching;
  }

  private JsonNode awaitEvent(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      List<IdentityEvent> events = eventsOf(requestId);
      if (!events.isEmpty()) {
        return EventChecks.json(events.get(0));
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no event for request " + requestId + " in " + sink.events());
  }
}
