package dev.identitylog.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.EventSchema;
import dev.identitylog.testing.TestPki;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
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

/**
 * Two whole hops: a caller with a client certificate calls a front service (Jetty, mTLS, the
 * servlet filter), whose servlet calls a backend (Jetty, the servlet filter) through the wrapped
 * {@code HttpClient}. The three events must join: the client event's span is the backend's
 * parent, and the front's own event carries what happened to the call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndServletTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

  private final TestPki pki = TestPki.create("jdk-http end-to-end root");
  private final Credential frontCredential = pki.issue(TestPki.server("localhost"));
  private final Credential backendCredential = pki.issue(TestPki.server("localhost"));
  private final Credential caller = pki.issue(TestPki.leaf("CN=caller,O=Example").clientAuth());
  private final CollectingSink sink = new CollectingSink();
  private final CollectingSink backendSink = new CollectingSink();

  private Server front;
  private ServerConnector frontConnector;
  private JettyBackend backend;
  private HttpClient callerClient;

  @BeforeAll
  void start() throws Exception {
    IdentityLog backendLog = IdentityLog.builder().serviceName("backend").addSink(backendSink).build();
    backend = new JettyBackend(backendCredential, IdentityLogFilter.builder(backendLog).build());
    IdentityLog log =
        IdentityLog.builder()
            .serviceName("front")
            .addSink(sink)
            .dependencyName("localhost", "backend")
            .forwardClientCertTo("localhost")
            .build();
    HttpClient http =
        IdentityLogHttpClient.create(log)
            .wrap(
                HttpClient.newBuilder()
                    .sslContext(pki.trustOnlySslContext())
                    .connectTimeout(Duration.ofSeconds(2))
                    .build());

    front = new Server();
    frontConnector = JettyBackend.httpsConnector(front, frontCredential, true);
    front.addConnector(frontConnector);
    ServletContextHandler context = new ServletContextHandler();
    FilterHolder filter = new FilterHolder(IdentityLogFilter.builder(log).build());
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    ServletHolder proxy = new ServletHolder(new ProxyServlet(http));
    proxy.setAsyncSupported(true);
    context.addServlet(proxy, "/*");
    front.setHandler(context);
    front.setStopTimeout(0);
    front.start();

    callerClient = HttpClient.newBuilder().sslContext(caller.clientSslContext()).build();
  }

  @AfterAll
  void stop() throws Exception {
    if (front != null) {
      front.stop();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @BeforeEach
  void clear() {
    sink.clear();
    backendSink.clear();
    backend.drain();
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
   * Calls {@code to} (a URL) on the caller's behalf, with {@code send} on {@code /sync} and with
   * {@code sendAsync} from an async servlet on {@code /async}: 200 and the body when it answered
   * 2xx, 503 when it answered 503, else 502.
   */
  private static final class ProxyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient HttpClient http;

    ProxyServlet(HttpClient http) {
      this.http = http;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      HttpRequest request = HttpRequest.newBuilder(URI.create(req.getParameter("to"))).build();
      if (req.getRequestURI().equals("/async")) {
        AsyncContext async = req.startAsync();
        // Called here, on the request thread; completes on the client's executor.
        http.sendAsync(request, BodyHandlers.ofString())
            .whenComplete(
                (response, error) -> {
                  HttpServletResponse r = (HttpServletResponse) async.getResponse();
                  try {
                    if (error != null) {
                      r.setStatus(502);
                    } else {
                      answer(r, response.statusCode(), response.body());
                    }
                  } catch (IOException e) {
                    r.setStatus(502);
                  } finally {
                    async.complete();
                  }
                });
        return;
      }
      try {
        HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
        answer(resp, response.statusCode(), response.body());
      } catch (IOException e) {
        resp.setStatus(502);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        resp.setStatus(502);
      }
    }
  }

  private static void answer(HttpServletResponse resp, int code, String body) throws IOException {
    if (code >= 200 && code < 300) {
      resp.setStatus(200);
      resp.getWriter().write(body);
    } else {
      resp.setStatus(code == 503 ? 503 : 502);
    }
  }

  // ------------------------------------------------------------------

  private int callFront(String path, String to) throws Exception {
    URI uri =
        URI.create(
            "https://localhost:" + frontConnector.getLocalPort() + path + "?to="
                + URLEncoder.encode(to, StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
            .header("X-Request-ID", "e2e-request")
            .timeout(Duration.ofSeconds(10))
            .build();
    return callerClient.send(request, BodyHandlers.discarding()).statusCode();
  }

  private List<IdentityEvent> awaitServerAndClientEvents() {
    List<IdentityEvent> events = sink.awaitEvents(2, WAIT);
    assertThat(events).hasSize(2);
    return events;
  }

  private static IdentityEvent named(List<IdentityEvent> events, EventName name) {
    return events.stream().filter(e -> e.get(Fields.EVENT_NAME) == name).findFirst().orElseThrow();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void theClientEventJoinsTheFrontAndTheBackendEvents() throws Exception {
    assertThat(callFront("/sync", backend.url("/ok"))).isEqualTo(200);

    List<IdentityEvent> events = awaitServerAndClientEvents();
    IdentityEvent server = named(events, EventName.SERVER);
    IdentityEvent client = named(events, EventName.CLIENT);
    IdentityEvent callee = backendSink.awaitEvents(1, WAIT).get(0);

    assertThat(server.get(Fields.TLS_CLIENT_SUBJECT)).isEqualTo("CN=caller,O=Example");
    assertThat(server.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(server.get(Fields.SPAN_ID));
    assertThat(callee.get(Fields.EVENT_NAME)).isEqualTo(EventName.SERVER);
    assertThat(callee.get(Fields.SERVICE_NAME)).isEqualTo("backend");
    assertThat(callee.get(Fields.SPAN_PARENT_ID)).isEqualTo(client.get(Fields.SPAN_ID));
    assertThat(callee.get(Fields.TRACE_ID)).isEqualTo(TRACE_ID).isEqualTo(client.get(Fields.TRACE_ID));
    assertThat(callee.get(Fields.REQUEST_ID)).isEqualTo("e2e-request").isEqualTo(client.get(Fields.REQUEST_ID));
    assertThat(client.get(Fields.TLS_SERVER_HASH_SHA256))
        .isEqualTo(TestPki.sha256(backendCredential.certificate()));

    // The caller's certificate, forwarded as RFC 9440 Client-Cert (the client follows no redirects).
    String clientCert = backend.takeRequest().header("Client-Cert");
    assertThat(clientCert).isNotNull();
    byte[] der = Base64.getDecoder().decode(clientCert.substring(1, clientCert.length() - 1));
    assertThat(der).isEqualTo(caller.certificate().getEncoded());
  }

  @Test
  void aBackend503IsTheFrontRequestsDependencyFailureWithItsStatus() throws Exception {
    assertThat(callFront("/sync", backend.url("/status/503"))).isEqualTo(503);

    IdentityEvent server = named(awaitServerAndClientEvents(), EventName.SERVER);
    assertThat(server.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(server.get(Fields.DEPENDENCY_NAME)).isEqualTo("backend");
    assertThat(server.get(Fields.DEPENDENCY_STATUS)).isEqualTo("503");
    assertThat(server.get(Fields.DEPENDENCY_INFERRED)).isTrue();
  }

  @Test
  void aRefusedConnectionIsTheFrontRequestsDependencyFailure() throws Exception {
    assertThat(callFront("/sync", "https://localhost:" + closedPort() + "/ok")).isEqualTo(502);

    List<IdentityEvent> events = awaitServerAndClientEvents();
    IdentityEvent server = named(events, EventName.SERVER);
    assertThat(server.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(server.get(Fields.DEPENDENCY_NAME)).isEqualTo("backend");
    assertThat(named(events, EventName.CLIENT).get(Fields.SPAN_PARENT_ID))
        .isEqualTo(server.get(Fields.SPAN_ID));
  }

  @Test
  void aSendAsyncFromAnAsyncServletReportsIntoItsRequestAndJoinsTheBackend() throws Exception {
    assertThat(callFront("/async", backend.url("/status/503"))).isEqualTo(503);

    List<IdentityEvent> events = awaitServerAndClientEvents();
    IdentityEvent server = named(events, EventName.SERVER);
    IdentityEvent client = named(events, EventName.CLIENT);
    IdentityEvent callee = backendSink.awaitEvents(1, WAIT).get(0);
    assertThat(server.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(server.get(Fields.SPAN_ID));
    assertThat(callee.get(Fields.SPAN_PARENT_ID)).isEqualTo(client.get(Fields.SPAN_ID));
    assertThat(callee.get(Fields.REQUEST_ID)).isEqualTo("e2e-request");
  }
}
