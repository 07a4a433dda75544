package dev.identitylog.testing;

import static dev.identitylog.testing.EventChecks.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitylog.IdentityLog;
import dev.identitylog.event.IdentityEvent;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every client adapter (OkHttp, gRPC client interceptor, ...) must show, over real
 * TLS against a real callee of its protocol. The subclass supplies two hooks: start a callee (a
 * server of its protocol, instrumented with the matching server adapter, serving {@link
 * Callee#serve}) and make one call with its client adapter. The callee's own server events prove
 * the join: the client event's {@code span.id} is the parent-id the callee received.
 *
 * <p>One callee per class. After every test, every event (caller's and callee's) must be valid
 * against the bundled schema of its version and carry none of the secrets the suite planted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ClientAdapterContract {
  /** What the callee answers. */
  public enum Route {
    /** HTTP 200, gRPC OK. */
    OK,
    /** HTTP 401, gRPC UNAUTHENTICATED. */
    UNAUTHENTICATED,
    /** HTTP 403, gRPC PERMISSION_DENIED. */
    FORBIDDEN,
    /** HTTP 503, gRPC UNAVAILABLE. */
    UNAVAILABLE,
    /** Answers success only after 3 seconds: longer than {@link Call#timeout}. */
    SLOW;

    /** The route's name in a path or method name: lower case. */
    public String path() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The application behind the callee; its handler calls {@link #serve} and answers as told. */
  public static final class Callee {
    private final Map<String, Map<String, String>> received = new ConcurrentHashMap<>();

    /**
     * Records the headers the callee received (names in any case) and returns what to answer.
     * For {@link Route#SLOW}, sleeps first.
     */
    public Route serve(String route, Map<String, String> headers) {
      Map<String, String> lower = new LinkedHashMap<>();
      headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
      String id = lower.get("x-request-id");
      if (id != null) {
        received.put(id, lower);
      }
      Route r = Route.valueOf(route.toUpperCase(Locale.ROOT));
      if (r == Route.SLOW) {
        try {
          Thread.sleep(3000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return r;
    }

    Map<String, String> received(String requestId) {
      return received.get(requestId);
    }
  }

  /** A started callee; closed after the class. */
  public interface RunningCallee extends AutoCloseable {
    int port();
  }

  /** One call the suite asks for, to {@code localhost:port}. */
  public static final class Call {
    public final Route route;
    public final int port;
    /** The CA whose certificates the client trusts. */
    public final TestPki trusted;
    /** Headers the application sets on the call, names as written; may hold planted secrets. */
    public final Map<String, String> headers;
    /** A path parameter ({@code ;jsessionid=...}) for the path; HTTP only. */
    public final String pathParameter;
    /** The call's read timeout (or deadline). */
    public final Duration timeout = Duration.ofMillis(1500);

    Call(Route route, int port, TestPki trusted, Map<String, String> headers, String pathParameter) {
      this.route = route;
      this.port = port;
      this.trusted = trusted;
      this.headers = Map.copyOf(headers);
      this.pathParameter = pathParameter;
    }
  }

  /**
   * Starts a callee on an ephemeral port of 127.0.0.1 presenting {@code server} (a certificate for
   * {@code localhost}), instrumented with the matching server adapter and {@code calleeLog}, no
   * client certificate asked for; its handler calls {@code callee.serve} with the route and the
   * request's headers (or metadata) and answers as the route says.
   */
  protected abstract RunningCallee startCallee(
      IdentityLog calleeLog, Credential server, Callee callee) throws Exception;

  /**
   * Makes the call with the adapter's client, built for {@code callerLog} and trusting {@code
   * call.trusted}, setting {@code call.headers}. Returns the answer's status as the protocol names
   * it; a failure may be thrown as is.
   */
  protected abstract String call(IdentityLog callerLog, Call call) throws Exception;

  /** The event field that carries the status: {@code http.response.status_code}, ... */
  protected abstract String statusField();

  /** The status the protocol answers for the route ("401", "UNAUTHENTICATED"). */
  protected abstract String status(Route route);

  protected final CollectingSink callerSink = new CollectingSink();
  protected final CollectingSink calleeSink = new CollectingSink();
  protected final Callee callee = new Callee();
  protected TestPki pki;
  protected Credential serverCredential;
  protected IdentityLog callerLog;
  protected IdentityLog calleeLog;

  private TestPki rogue;
  private RunningCallee running;
  private final List<String> planted = new CopyOnWriteArrayList<>();
  private int checkedCaller;
  private int checkedCallee;

  @BeforeAll
  void startCallee() throws Exception {
    pki = TestPki.create("Contract Client Root");
    rogue = TestPki.create("Contract Client Rogue Root");
    serverCredential = pki.issue(TestPki.server("localhost"));
    callerLog = IdentityLog.builder().serviceName("contract-caller").addSink(callerSink).build();
    calleeLog = IdentityLog.builder().serviceName("contract-callee").addSink(calleeSink).build();
    running = startCallee(calleeLog, serverCredential, callee);
  }

  @AfterAll
  void stopCallee() throws Exception {
    if (running != null) {
      running.close();
    }
  }

  /** Every event so far, caller's and callee's: schema-valid and secret-free. */
  @AfterEach
  void everyEventHolds() {
    List<IdentityEvent> caller = callerSink.events();
    List<IdentityEvent> served = calleeSink.events();
    int fromCaller = checkedCaller;
    int fromCallee = checkedCallee;
    checkedCaller = caller.size();
    checkedCallee = served.size();
    List<IdentityEvent> fresh = new ArrayList<>(caller.subList(fromCaller, caller.size()));
    fresh.addAll(served.subList(fromCallee, served.size()));
    for (IdentityEvent event : fresh) {
      EventChecks.assertSchemaValid(event);
      EventChecks.assertNoSecret(event, planted);
    }
  }

  // ------------------------------------------------------------------ propagation and join

  @Test
  public void propagatesTheClientSpanAndJoinsTheCalleesEvent() throws Exception {
    Result result = call(Route.OK, running.port(), pki, Map.of());
    assertThat(result.status).isEqualTo(status(Route.OK));
    JsonNode client = result.event;
    assertThat(text(client, "event.name")).isEqualTo("identity.client");
    String traceId = text(client, "trace.id");
    String spanId = text(client, "span.id");
    assertThat(traceId).matches("[0-9a-f]{32}");
    assertThat(spanId).matches("[0-9a-f]{16}");

    Map<String, String> received = callee.received(result.requestId);
    assertThat(received).as("headers the callee received").isNotNull();
    assertThat(received.get("traceparent")).isEqualTo("00-" + traceId + "-" + spanId + "-01");

    JsonNode server = calleeEvent(result.requestId);
    assertThat(text(server, "trace.id")).isEqualTo(traceId);
    assertThat(text(server, "span.parent.id")).isEqualTo(spanId);
    assertThat(text(server, "identity.request.id")).isEqualTo(text(client, "identity.request.id"));
  }

  @Test
  public void propagationOnlyWhereAbsent() throws Exception {
    String traceparent = "00-" + Ids.hex(32) + "-" + Ids.hex(16) + "-01";
    String requestId = "contract-" + UUID.randomUUID();
    Result result = call(Route.OK, running.port(), pki,
        Map.of("traceparent", traceparent, "X-Request-ID", requestId));
    Map<String, String> received = callee.received(requestId);
    assertThat(received).as("the call kept the application's X-Request-ID").isNotNull();
    assertThat(received.get("traceparent")).as("the application's own traceparent")
        .isEqualTo(traceparent);
  }

  /**
   * When the application set its own request id, the client event names that id, the one on the
   * wire: otherwise the event cannot join the callee's on {@code identity.request.id}.
   */
  @Test
  public void eventNamesTheRequestIdTheApplicationSent() throws Exception {
    String requestId = "contract-" + UUID.randomUUID();
    Result result = call(Route.OK, running.port(), pki, Map.of("X-Request-ID", requestId));
    assertThat(callee.received(requestId)).as("the id on the wire").isNotNull();
    assertThat(text(result.event, "identity.request.id")).isEqualTo(requestId);
    assertThat(text(calleeEvent(requestId), "identity.request.id")).isEqualTo(requestId);
  }

  @Test
  public void serverCertificateFromTheHandshake() throws Exception {
    JsonNode client = call(Route.OK, running.port(), pki, Map.of()).event;
    assertThat(text(client, "tls.server.subject")).isEqualTo("CN=localhost");
    assertThat(text(client, "tls.server.hash.sha256")).isEqualTo(serverCredential.sha256());
    assertThat(text(client, "tls.server.not_after")).isNotBlank();
  }

  @Test
  public void oneAttemptOneEvent() throws Exception {
    Result result = call(Route.OK, running.port(), pki, Map.of());
    assertThat(result.event.get("identity.client.attempts").asInt()).isEqualTo(1);
    assertThat(text(result.event, "event.outcome")).isEqualTo("success");
    assertThat(text(result.event, "identity.dependency.outcome")).isEqualTo("success");
    assertThat(text(result.event, statusField())).isEqualTo(status(Route.OK));
  }

  // ------------------------------------------------------------------ dependency failures

  @Test
  public void unauthenticatedAnswer() throws Exception {
    assertDependencyFailure(call(Route.UNAUTHENTICATED, running.port(), pki, Map.of()),
        "upstream_unauthenticated", status(Route.UNAUTHENTICATED));
  }

  @Test
  public void forbiddenAnswer() throws Exception {
    assertDependencyFailure(call(Route.FORBIDDEN, running.port(), pki, Map.of()),
        "upstream_forbidden", status(Route.FORBIDDEN));
  }

  @Test
  public void unavailableAnswer() throws Exception {
    assertDependencyFailure(call(Route.UNAVAILABLE, running.port(), pki, Map.of()),
        "upstream_unavailable", status(Route.UNAVAILABLE));
  }

  @Test
  public void connectionRefused() throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    Result result = call(Route.OK, dead, pki, Map.of());
    assertDependencyFailure(result, "connect_failure", null);
    assertThat(result.event.get("identity.client.attempts").asInt()).isEqualTo(1);
    assertThat(result.event.has("tls.server.hash.sha256")).isFalse();
  }

  @Test
  public void timeout() throws Exception {
    assertDependencyFailure(call(Route.SLOW, running.port(), pki, Map.of()), "timeout", null);
  }

  @Test
  public void untrustedServerCertificate() throws Exception {
    Result result = call(Route.OK, running.port(), rogue, Map.of());
    assertDependencyFailure(result, "upstream_tls_failure", null);
    assertThat(result.event.has("tls.server.hash.sha256")).as("no verified server").isFalse();
    assertThat(callee.received(result.requestId)).as("nothing reached the callee").isNull();
  }

  // ------------------------------------------------------------------ plumbing

  /** One call: its request id, the status (or null when it failed) and its one client event. */
  protected static final class Result {
    public final String requestId;
    public final String status;
    public final JsonNode event;

    Result(String requestId, String status, JsonNode event) {
      this.requestId = requestId;
      this.status = status;
      this.event = event;
    }
  }

  private void assertDependencyFailure(Result result, String reason, String status) {
    assertThat(text(result.event, "identity.dependency.outcome")).isEqualTo("failure");
    assertThat(text(result.event, "identity.dependency.reason")).isEqualTo(reason);
    assertThat(text(result.event, "error.type")).isEqualTo(reason);
    assertThat(text(result.event, "event.outcome")).isEqualTo("failure");
    if (status != null) {
      assertThat(result.status).isEqualTo(status);
      assertThat(text(result.event, statusField())).isEqualTo(status);
    }
  }

  /**
   * Makes one call through the subclass's hook with a request id of the suite's and, as an
   * application would, a planted Authorization value and Cookie (and a planted session id in the
   * path), so no client adapter can log them unnoticed.
   */
  protected final Result call(Route route, int port, TestPki trusted, Map<String, String> headers)
      throws Exception {
    Map<String, String> all = new LinkedHashMap<>(headers);
    String token = TestTokens.es256().audience("contract-callee").sign();
    all.put("Authorization", plant(PlantedSecrets.authorization("Bearer " + token)));
    plant(token);
    plant(token.substring(token.lastIndexOf('.') + 1));
    String cookieValue = UUID.randomUUID().toString();
    all.put("Cookie", plant(PlantedSecrets.cookie("SESSION=" + cookieValue)));
    plant(cookieValue);
    String session = plant(PlantedSecrets.sessionId(
        UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT)));
    int before = callerSink.events().size();
    String status;
    try {
      status = call(callerLog, new Call(route, port, trusted, all, ";jsessionid=" + session));
    } catch (Exception e) {
      status = null; // the call's own failure reaches the application; the event is what counts
    }
    // Calls run one at a time, so the events after `before` are this call's.
    callerSink.awaitEvents(before + 1, Duration.ofSeconds(20));
    Thread.sleep(50); // room for a second, wrong event
    List<IdentityEvent> events = callerSink.events();
    assertThat(events.subList(before, events.size())).as("client events of one call").hasSize(1);
    JsonNode event = EventChecks.json(events.get(before));
    return new Result(text(event, "identity.request.id"), status, event);
  }

  private String plant(String secret) {
    if (secret.length() >= PlantedSecrets.MIN_LENGTH) {
      planted.add(secret);
    }
    return secret;
  }

  private static List<IdentityEvent> matching(CollectingSink sink, String requestId) {
    List<IdentityEvent> matching = new ArrayList<>();
    for (IdentityEvent event : sink.events()) {
      if (requestId.equals(text(EventChecks.json(event), "identity.request.id"))) {
        matching.add(event);
      }
    }
    return matching;
  }

  private JsonNode calleeEvent(String requestId) throws InterruptedException {
    return await(calleeSink, requestId);
  }

  private static JsonNode await(CollectingSink sink, String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      List<IdentityEvent> events = matching(sink, requestId);
      if (!events.isEmpty()) {
        return EventChecks.json(events.get(0));
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no event for request " + requestId + " in " + sink.events());
  }
}
