package dev.identitylog.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.context.RequestContext;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.EventSchema;
import dev.identitylog.testing.TestPki;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.MDC;

/**
 * A front service (real Jetty, mTLS, the servlet filter) whose servlet hands its outbound calls to
 * executors wrapped with {@link RequestContext#wrap}, calling a backend (real Jetty, the servlet
 * filter) through the wrapped JDK {@code HttpClient}. The calls made on pool threads join the
 * request; a task that outlives the request never changes its event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutorFanOutTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

  private final TestPki pki = TestPki.create("executor fan-out root");
  private final Credential frontCredential = pki.issue(TestPki.server("localhost"));
  private final Credential backendCredential = pki.issue(TestPki.server("localhost"));
  private final Credential caller = pki.issue(TestPki.leaf("CN=caller,O=Example").clientAuth());
  private final CollectingSink sink = new CollectingSink();
  private final CollectingSink backendSink = new CollectingSink();
  private final ExecutorService poolA = RequestContext.wrap(Executors.newFixedThreadPool(2));
  private final ExecutorService poolB = RequestContext.wrap(Executors.newFixedThreadPool(2));
  /** What the tasks saw in the MDC, and whether the late task is done. */
  private final ConcurrentLinkedQueue<String> mdcSeen = new ConcurrentLinkedQueue<>();

  private volatile CompletableFuture<Void> lateTaskDone = new CompletableFuture<>();
  private IdentityLog log;
  private Server front;
  private ServerConnector frontConnector;
  private JettyBackend backend;
  private HttpClient callerClient;

  @BeforeAll
  void start() throws Exception {
    IdentityLog backendLog = IdentityLog.builder().serviceName("backend").addSink(backendSink).build();
    backend = new JettyBackend(backendCredential, IdentityLogFilter.builder(backendLog).build());
    log = IdentityLog.builder().serviceName("front").addSink(sink)
        .dependencyName("localhost", "backend").build();
    HttpClient http =
        IdentityLogHttpClient.create(log)
            .wrap(HttpClient.newBuilder().sslContext(pki.trustOnlySslContext())
                .connectTimeout(Duration.ofSeconds(2)).build());

    front = new Server();
    frontConnector = JettyBackend.httpsConnector(front, frontCredential, true);
    front.addConnector(frontConnector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(
        new FilterHolder(IdentityLogFilter.builder(log).build()), "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new FanOutServlet(http)), "/*");
    front.setHandler(context);
    front.setStopTimeout(0);
    front.start();
    callerClient = HttpClient.newBuilder().sslContext(caller.clientSslContext()).build();
  }

  @AfterAll
  void stop() throws Exception {
    poolA.shutdownNow();
    poolB.shutdownNow();
    front.stop();
    backend.close();
  }

  @BeforeEach
  void clear() {
    sink.clear();
    backendSink.clear();
    backend.drain();
    mdcSeen.clear();
  }

  @AfterEach
  void everyEventIsSchemaValid() {
    List<IdentityEvent> all = new ArrayList<>(sink.events());
    all.addAll(backendSink.events());
    for (IdentityEvent e : all) {
      assertThat(EventSchema.validate(JsonLineWriter.toJson(e))).as(e.toString()).isEmpty();
    }
  }

  /**
   * {@code /fanout}: two calls to {@code to} on pool A, awaited; {@code /chain}: a call on pool A
   * then one on pool B in a {@code CompletableFuture} chain, answering the second's status (503
   * stays 503); {@code /late}: answers 200 at once and leaves a task on pool A that, once the
   * request has ended, records a decision and calls {@code to}.
   */
  private final class FanOutServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient HttpClient http;

    FanOutServlet(HttpClient http) {
      this.http = http;
    }

    private int send(String to) {
      mdcSeen.add(MDC.get("trace.id") + " " + MDC.get("identity.request.id"));
      try {
        return http.send(HttpRequest.newBuilder(URI.create(to)).build(), BodyHandlers.discarding())
            .statusCode();
      } catch (IOException e) {
        return 502;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 502;
      }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String to = req.getParameter("to");
      try {
        switch (req.getRequestURI()) {
          case "/fanout": {
            Future<Integer> a = poolA.submit(() -> send(to));
            Future<Integer> b = poolA.submit(() -> send(to));
            resp.setStatus(Math.max(a.get(5, TimeUnit.SECONDS), b.get(5, TimeUnit.SECONDS)));
            return;
          }
          case "/chain": {
            int status =
                CompletableFuture.supplyAsync(() -> send(backend.url("/ok")), poolA)
                    .thenApplyAsync(first -> send(to), poolB)
                    .get(5, TimeUnit.SECONDS);
            resp.setStatus(status == 503 ? 503 : status);
            return;
          }
          case "/late": {
            CompletableFuture<Void> done = lateTaskDone;
            poolA.execute(() -> {
              try {
                ServerRecord request = ServerHandler.current();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!request.isFinished() && System.nanoTime() < deadline) {
                  Thread.sleep(5);
                }
                RequestIdentity.current().authzFailed(Reason.POLICY_DENIED, "late-policy");
                send(to);
                done.complete(null);
              } catch (Throwable t) {
                done.completeExceptionally(t);
              }
            });
            resp.setStatus(200);
            return;
          }
          default:
            resp.setStatus(404);
        }
      } catch (Exception e) {
        resp.setStatus(500);
      }
    }
  }

  private int callFront(String path, String to, String requestId) throws Exception {
    URI uri = URI.create("https://localhost:" + frontConnector.getLocalPort() + path + "?to="
        + URLEncoder.encode(to, StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
        .header("X-Request-ID", requestId)
        .timeout(Duration.ofSeconds(10))
        .build();
    return callerClient.send(request, BodyHandlers.discarding()).statusCode();
  }

  private static List<IdentityEvent> named(List<IdentityEvent> events, EventName name) {
    return events.stream().filter(e -> e.get(Fields.EVENT_NAME) == name).collect(Collectors.toList());
  }

  private static void assertJoins(IdentityEvent client, IdentityEvent server, String requestId) {
    assertThat(client.get(Fields.TRACE_ID)).isEqualTo(TRACE_ID);
    assertThat(client.get(Fields.REQUEST_ID)).isEqualTo(requestId);
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(server.get(Fields.SPAN_ID));
  }

  @Test
  void twoCallsOnAPoolJoinTheRequestAndTheBackendEvents() throws Exception {
    assertThat(callFront("/fanout", backend.url("/ok"), "fan-out")).isEqualTo(200);

    List<IdentityEvent> events = sink.awaitEvents(3, WAIT);
    IdentityEvent server = named(events, EventName.SERVER).get(0);
    List<IdentityEvent> clients = named(events, EventName.CLIENT);
    assertThat(clients).hasSize(2);
    for (IdentityEvent client : clients) {
      assertJoins(client, server, "fan-out");
    }
    assertThat(server.get(Fields.TLS_CLIENT_SUBJECT)).isEqualTo("CN=caller,O=Example");
    assertThat(server.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    // Each backend request names one of the two calls as its parent.
    List<IdentityEvent> callees = backendSink.awaitEvents(2, WAIT);
    Set<String> clientSpans =
        clients.stream().map(c -> c.get(Fields.SPAN_ID)).collect(Collectors.toSet());
    assertThat(callees.stream().map(c -> c.get(Fields.SPAN_PARENT_ID)).collect(Collectors.toSet()))
        .isEqualTo(clientSpans);
    assertThat(callees).allSatisfy(c -> {
      assertThat(c.get(Fields.TRACE_ID)).isEqualTo(TRACE_ID);
      assertThat(c.get(Fields.REQUEST_ID)).isEqualTo("fan-out");
    });
    // The application's log lines on the pool threads carry the request's ids.
    assertThat(mdcSeen).containsExactly(TRACE_ID + " fan-out", TRACE_ID + " fan-out");
  }

  @Test
  void aChainAcrossTwoPoolsJoinsAndItsFailedCallExplainsThe503() throws Exception {
    assertThat(callFront("/chain", backend.url("/status/503"), "chain")).isEqualTo(503);

    List<IdentityEvent> events = sink.awaitEvents(3, WAIT);
    IdentityEvent server = named(events, EventName.SERVER).get(0);
    List<IdentityEvent> clients = named(events, EventName.CLIENT);
    assertThat(clients).hasSize(2);
    for (IdentityEvent client : clients) {
      assertJoins(client, server, "chain");
    }
    assertThat(server.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(server.get(Fields.DEPENDENCY_NAME)).isEqualTo("backend");
    assertThat(server.get(Fields.DEPENDENCY_INFERRED)).isTrue();
  }

  @Test
  void aTaskThatRunsAfterTheResponseNeverChangesTheRequestsEvent() throws Exception {
    lateTaskDone = new CompletableFuture<>();
    long lateBefore = log.lateDecisions();
    assertThat(callFront("/late", backend.url("/status/503"), "late")).isEqualTo(200);
    lateTaskDone.get(10, TimeUnit.SECONDS);

    List<IdentityEvent> events = sink.awaitEvents(2, WAIT);
    IdentityEvent server = named(events, EventName.SERVER).get(0);
    IdentityEvent client = named(events, EventName.CLIENT).get(0);
    assertThat(named(events, EventName.SERVER)).hasSize(1);
    // The decision arrived after the event: not in it, counted instead.
    assertThat(server.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(server.get(Fields.AUTHZ_OUTCOME)).isNotEqualTo(Outcome.FAILURE);
    assertThat(server.get(Fields.AUTHZ_POLICY)).isNull();
    assertThat(server.get(Fields.DEPENDENCY_OUTCOME)).isNotEqualTo(Outcome.FAILURE);
    assertThat(log.lateDecisions() - lateBefore).isEqualTo(1);
    // Its call still has its own event, with the request's trace and request id.
    assertJoins(client, server, "late");
    assertThat(client.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    IdentityEvent callee = backendSink.awaitEvents(1, WAIT).get(0);
    assertThat(callee.get(Fields.SPAN_PARENT_ID)).isEqualTo(client.get(Fields.SPAN_ID));
    assertThat(callee.get(Fields.REQUEST_ID)).isEqualTo("late");
  }
}
