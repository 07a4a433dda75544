package dev.identitylog.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A whole hop: a caller with a client certificate calls a front service (Jetty, mTLS, the servlet
 * filter), whose servlet calls a backend through the wrapped OkHttp client. The front's own
 * {@code identity.server} event must carry what happened to that call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndServletTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

  private final TestPki pki = TestPki.create("end-to-end root");
  private final Credential frontCredential = pki.issue(TestPki.server("localhost"));
  private final Credential backendCredential = pki.issue(TestPki.server("localhost"));
  private final Credential caller = pki.issue(TestPki.leaf("CN=caller,O=Example").clientAuth());
  private final CollectingSink sink = new CollectingSink();

  private Server front;
  private ServerConnector frontConnector;
  private JettyFixture backend;
  private OkHttpClient callerClient;

  @BeforeAll
  void start() throws Exception {
    backend = new JettyFixture(backendCredential);
    IdentityLog log =
        IdentityLog.builder()
            .serviceName("front")
            .addSink(sink)
            .dependencyName("localhost", "backend")
            .forwardClientCertTo("localhost")
            .build();
    OkHttpClient base =
        new OkHttpClient.Builder()
            .sslSocketFactory(pki.trustOnlySslContext().getSocketFactory(), pki.trustManager())
            .readTimeout(2, TimeUnit.SECONDS)
            .build();
    Call.Factory calls = IdentityLogOkHttp.create(log).newCallFactory(base);

    front = new Server();
    frontConnector = JettyFixture.httpsConnector(front, frontCredential, true);
    front.addConnector(frontConnector);
    ServletContextHandler context = new ServletContextHandler();
    FilterHolder filter = new FilterHolder(IdentityLogFilter.builder(log).build());
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    ServletHolder proxy = new ServletHolder(new ProxyServlet(calls));
    proxy.setAsyncSupported(true);
    context.addServlet(proxy, "/*");
    front.setHandler(context);
    front.setStopTimeout(0);
    front.start();

    SSLContext tls = caller.clientSslContext();
    callerClient =
        new OkHttpClient.Builder()
            .sslSocketFactory(tls.getSocketFactory(), pki.trustManager())
            .readTimeout(5, TimeUnit.SECONDS)
            .build();
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
  void clear() throws InterruptedException {
    sink.clear();
    while (backend.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
      // drop what earlier tests left behind
    }
  }

  /**
   * Calls {@code to} (a URL) on the caller's behalf: 200 and the body when it answered 2xx, 503
   * when it answered 503, else 502.
   */
  private static final class ProxyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Call.Factory calls;

    ProxyServlet(Call.Factory calls) {
      this.calls = calls;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Request request = new Request.Builder().url(req.getParameter("to")).build();
      if (req.getRequestURI().equals("/async")) {
        AsyncContext async = req.startAsync();
        // Created here, on the request thread; run on OkHttp's dispatcher.
        calls.newCall(request).enqueue(new AnswerOnCompletion(async));
        return;
      }
      try (Response response = calls.newCall(request).execute()) {
        answer(resp, response.code(), response.body().string());
      } catch (IOException e) {
        resp.setStatus(502);
      }
    }
  }

  private static final class AnswerOnCompletion implements Callback {
    private final AsyncContext async;

    AnswerOnCompletion(AsyncContext async) {
      this.async = async;
    }

    @Override
    public void onResponse(Call call, Response response) throws IOException {
      try (Response r = response) {
        answer((HttpServletResponse) async.getResponse(), r.code(), r.body().string());
      } finally {
        async.complete();
      }
    }

    @Override
    public void onFailure(Call call, IOException e) {
      ((HttpServletResponse) async.getResponse()).setStatus(502);
      async.complete();
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

  private int callFront(String path, String to) throws IOException {
    HttpUrl url =
        new HttpUrl.Builder()
            .scheme("https")
            .host("localhost")
            .port(frontConnector.getLocalPort())
            .encodedPath(path)
            .addQueryParameter("to", to)
            .build();
    Request request =
        new Request.Builder()
            .url(url)
            .header("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
            .header("X-Request-ID", "e2e-request")
            .build();
    try (Response response = callerClient.newCall(request).execute()) {
      return response.code();
    }
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
  void aRefusedBackendConnectionIsTheFrontRequestsDependencyFailure() throws Exception {
    assertThat(callFront("/sync", "https://localhost:" + closedPort() + "/ok")).isEqualTo(502);

    List<IdentityEvent> events = awaitServerAndClientEvents();
    IdentityEvent server = named(events, EventName.SERVER);
    IdentityEvent client = named(events, EventName.CLIENT);
    assertThat(server.get(Fields.SERVICE_NAME)).isEqualTo("front");
    assertThat(server.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(502L);
    assertThat(server.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(server.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(server.get(Fields.DEPENDENCY_NAME)).isEqualTo("backend");
    assertThat(server.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CONNECT_FAILURE);

    assertThat(client.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(client.get(Fields.TRACE_ID)).isEqualTo(TRACE_ID);
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(server.get(Fields.SPAN_ID));
    assertThat(client.get(Fields.REQUEST_ID)).isEqualTo("e2e-request");
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
  void anEnqueuedCallFromAnAsyncServletReportsIntoItsRequest() throws Exception {
    assertThat(callFront("/async", "https://localhost:" + closedPort() + "/ok")).isEqualTo(502);

    List<IdentityEvent> events = awaitServerAndClientEvents();
    IdentityEvent server = named(events, EventName.SERVER);
    IdentityEvent client = named(events, EventName.CLIENT);
    assertThat(server.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(server.get(Fields.SPAN_ID));
  }

  @Test
  void aSuccessfulHopCarriesTraceRequestIdAndTheCallersCertificateToTheBackend() throws Exception {
    assertThat(callFront("/sync", backend.url("/ok"))).isEqualTo(200);

    List<IdentityEvent> events = awaitServerAndClientEvents();
    IdentityEvent server = named(events, EventName.SERVER);
    IdentityEvent client = named(events, EventName.CLIENT);
    assertThat(server.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(server.get(Fields.TLS_CLIENT_SUBJECT)).isEqualTo("CN=caller,O=Example");
    assertThat(client.get(Fields.TLS_SERVER_HASH_SHA256))
        .isEqualTo(AbstractClientSuite.upperHexSha256(backendCredential.certificate().getEncoded()));

    Received atBackend = backend.takeRequest();
    assertThat(atBackend.header("traceparent"))
        .isEqualTo("00-" + TRACE_ID + "-" + client.get(Fields.SPAN_ID) + "-01");
    assertThat(atBackend.header("X-Request-ID")).isEqualTo("e2e-request");
    String clientCert = atBackend.header("Client-Cert");
    assertThat(clientCert).isNotNull();
    byte[] der = Base64.getDecoder().decode(clientCert.substring(1, clientCert.length() - 1));
    assertThat(der).isEqualTo(caller.certificate().getEncoded());
  }
}
