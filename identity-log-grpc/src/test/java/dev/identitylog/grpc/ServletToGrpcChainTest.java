package dev.identitylog.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.CollectingSink;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three hops of one request: an HTTP request to a servlet (Jetty, behind {@code
 * IdentityLogFilter}), which calls a gRPC service through the client interceptor, served by a gRPC
 * server with the server interceptor, over mutual TLS. The three events must join on trace id, span
 * ids and request id, and a failure of the last hop must show up, named, in the first.
 */
class ServletToGrpcChainTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";
  private static final String CALLER_SPAN = "eee19b7ec3c1b174";

  private static final CollectingSink web = new CollectingSink();
  private static final CollectingSink backend = new CollectingSink();
  private static GrpcServer backendServer;
  private static Server jetty;
  private static URI checkout;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    IdentityLog backendLog =
        IdentityLog.builder()
            .serviceName("backend")
            .clientCertTrustAnchors(List.of(Tls.CA.rootCertificate()))
            .addSink(backend)
            .build();
    backendServer =
        GrpcServer.start(
            Tls.serverRequiringClient(),
            new EchoService().definition(),
            GrpcIdentityLog.create(backendLog).newServerInterceptor());

    IdentityLog webLog =
        IdentityLog.builder()
            .serviceName("web")
            .dependencyName("localhost", "backend")
            .addSink(web)
            .build();
    ManagedChannel channel =
        backendServer.channel(
            Tls.client(Tls.ALICE), GrpcIdentityLog.create(webLog).newClientInterceptor());

    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(
        new FilterHolder(IdentityLogFilter.builder(webLog).build()),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new CheckoutServlet(channel)), "/checkout");
    jetty.setHandler(context);
    jetty.start();
    checkout = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/checkout");
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.stop();
    backendServer.close();
  }

  @BeforeEach
  void clear() {
    web.clear();
    backend.clear();
  }

  @Test
  void theThreeEventsJoinOnTraceAndSpanIds() throws Exception {
    HttpResponse<String> response = get("ok");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");

    List<IdentityEvent> webEvents = web.awaitEvents(2, WAIT);
    IdentityEvent servlet = GrpcServerInterceptorTest.byName(webEvents, EventName.SERVER);
    IdentityEvent client = GrpcServerInterceptorTest.byName(webEvents, EventName.CLIENT);
    IdentityEvent server = GrpcServerInterceptorTest.only(backend);

    assertThat(List.of(servlet, client, server))
        .allSatisfy(e -> assertThat(e.get(Fields.TRACE_ID)).isEqualTo(TRACE_ID))
        .allSatisfy(e -> assertThat(e.get(Fields.REQUEST_ID)).isEqualTo("chain-1"));
    assertThat(servlet.get(Fields.SPAN_PARENT_ID)).isEqualTo(CALLER_SPAN);
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(servlet.get(Fields.SPAN_ID));
    assertThat(server.get(Fields.SPAN_PARENT_ID)).isEqualTo(client.get(Fields.SPAN_ID));
    assertThat(List.of(servlet.get(Fields.SPAN_ID), client.get(Fields.SPAN_ID), server.get(Fields.SPAN_ID)))
        .doesNotHaveDuplicates();

    assertThat(servlet.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(servlet.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(client.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("OK");
    assertThat(server.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("OK");
    // The gRPC hop saw the certificate the web tier presented, and the web tier saw the server's.
    assertThat(server.get(Fields.TLS_CLIENT_HASH_SHA256))
        .isEqualTo(GrpcServerInterceptorTest.sha256Hex(Tls.ALICE.der()));
    assertThat(client.get(Fields.TLS_SERVER_HASH_SHA256))
        .isEqualTo(GrpcServerInterceptorTest.sha256Hex(Tls.SERVER.der()));
  }

  @Test
  void aFailureOfTheGrpcHopIsNamedInTheServletsEvent() throws Exception {
    HttpResponse<String> response = get("status:UNAVAILABLE");
    assertThat(response.statusCode()).isEqualTo(503);

    List<IdentityEvent> webEvents = web.awaitEvents(2, WAIT);
    IdentityEvent servlet = GrpcServerInterceptorTest.byName(webEvents, EventName.SERVER);
    IdentityEvent client = GrpcServerInterceptorTest.byName(webEvents, EventName.CLIENT);
    IdentityEvent server = GrpcServerInterceptorTest.only(backend);

    assertThat(server.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("UNAVAILABLE");
    assertThat(client.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(servlet.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(503L);
    assertThat(servlet.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(servlet.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(servlet.get(Fields.DEPENDENCY_NAME)).isEqualTo("backend");
    assertThat(servlet.get(Fields.DEPENDENCY_STATUS)).isEqualTo("UNAVAILABLE");
    assertThat(server.get(Fields.SPAN_PARENT_ID)).isEqualTo(client.get(Fields.SPAN_ID));
  }

  private static HttpResponse<String> get(String ask) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(checkout + "?ask=" + ask.replace(":", "%3A")))
            .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01")
            .header("X-Request-ID", "chain-1")
            .timeout(WAIT)
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Answers with what the gRPC service said; 503 when it failed. */
  static final class CheckoutServlet extends HttpServlet {
    private final transient ManagedChannel channel;

    CheckoutServlet(ManagedChannel channel) {
      this.channel = channel;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      try {
        String answer =
            ClientCalls.blockingUnaryCall(
                channel,
                Echo.UNARY,
                CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
                req.getParameter("ask"));
        resp.setContentType("text/plain");
        resp.getWriter().write(answer);
      } catch (StatusRuntimeException e) {
        resp.sendError(
            e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED ? 504 : 503);
      }
    }
  }
}
