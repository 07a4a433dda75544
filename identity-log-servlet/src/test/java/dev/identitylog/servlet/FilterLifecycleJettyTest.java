package dev.identitylog.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.Fields;
import dev.identitylog.testing.CollectingSink;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A filter the container creates (as from {@code web.xml}) on real Jetty 12: it publishes the
 * {@link IdentityLog} it built for the application's other adapters and closes it on destroy, or
 * uses the one the application put in the context and leaves it open.
 */
class FilterLifecycleJettyTest {
  private Server server;
  private final OkHttpClient client =
      new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build();

  @AfterEach
  void stop() throws Exception {
    if (server != null && server.isRunning()) {
      server.stop();
    }
  }

  @Test
  void anIdentityLogBuiltByInitIsSharedThenClosedByDestroy() throws Exception {
    AtomicReference<Object> seenByApp = new AtomicReference<>();
    ServletContextHandler context = start(null, seenByApp);
    assertThat(get("/api/ok")).isEqualTo(200);

    assertThat(seenByApp.get()).isInstanceOf(IdentityLog.class);
    IdentityLog built = (IdentityLog) seenByApp.get();
    assertThat(built.serviceName()).isEqualTo("orders");
    assertThat(built.isClosed()).isFalse();

    server.stop();
    assertThat(built.isClosed()).isTrue();
    assertThat(context.getServletContext().getAttribute(IdentityLogFilter.IDENTITY_LOG_ATTRIBUTE))
        .isNull();
  }

  @Test
  void anIdentityLogTheApplicationPutThereIsUsedAndLeftOpen() throws Exception {
    CollectingSink sink = new CollectingSink();
    IdentityLog own = IdentityLog.builder().serviceName("from-the-app").addSink(sink).build();
    AtomicReference<Object> seenByApp = new AtomicReference<>();
    start(own, seenByApp);
    assertThat(get("/api/ok")).isEqualTo(200);

    assertThat(seenByApp.get()).isSameAs(own);
    assertThat(sink.awaitEvents(1, Duration.ofSeconds(10)).get(0).get(Fields.SERVICE_NAME))
        .isEqualTo("from-the-app");
    server.stop();
    assertThat(own.isClosed()).isFalse();
  }

  private ServletContextHandler start(IdentityLog supplied, AtomicReference<Object> seenByApp)
      throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    if (supplied != null) {
      context.setAttribute(IdentityLogFilter.IDENTITY_LOG_ATTRIBUTE, supplied);
    }
    FilterHolder filter = new FilterHolder(IdentityLogFilter.class); // no-arg, like web.xml
    filter.setInitParameter(IdentityLogFilter.SERVICE_NAME, "orders");
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp)
                  throws IOException {
                ServletContext sc = req.getServletContext();
                seenByApp.set(sc.getAttribute(IdentityLogFilter.IDENTITY_LOG_ATTRIBUTE));
                resp.setStatus(200);
                resp.getWriter().write("ok");
              }
            }),
        "/api/*");
    server.setHandler(context);
    server.start();
    return context;
  }

  private int get(String path) throws IOException {
    int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    Request request = new Request.Builder().url("http://127.0.0.1:" + port + path).build();
    try (Response response = client.newCall(request).execute()) {
      return response.code();
    }
  }
}
