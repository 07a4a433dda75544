package dev.identitylog.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import dev.identitylog.IdentityLog;
import dev.identitylog.emit.Slf4jEventSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real Jetty with mTLS, the filter, and the README's Logback configuration writing to a full disk
 * ({@code /dev/full}): every request is answered, and every event Logback could not write is
 * counted in {@code droppedEvents()}.
 */
class FullDiskJettyTest {
  private static final int REQUESTS = 40;

  private Server server;
  private LoggerContext logback;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (logback != null) {
      logback.stop();
    }
  }

  @Test
  void requestsAreAnsweredAndLostEventsCounted() throws Exception {
    assertAnsweredAndCounted("ch.qos.logback.core.FileAppender", true);
  }

  @Test
  void withTheDirectAppenderBehindAnAsyncAppender() throws Exception {
    assertAnsweredAndCounted("dev.identitylog.emit.logback.IdentityEventFileAppender", true);
  }

  @Test
  void withTheDirectAppenderOnTheRequestThread() throws Exception {
    assertAnsweredAndCounted("dev.identitylog.emit.logback.IdentityEventFileAppender", false);
  }

  private void assertAnsweredAndCounted(String appender, boolean async) throws Exception {
    logback = new LoggerContext();
    logback.setMDCAdapter(new LogbackMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(logback);
    String xml = "<configuration>"
        + "<appender name='IDENTITY' class='" + appender + "'>"
        + "<file>/dev/full</file><immediateFlush>false</immediateFlush>"
        + "<encoder class='dev.identitylog.emit.logback.IdentityEventEncoder'/></appender>"
        + "<appender name='IDENTITY_ASYNC' class='ch.qos.logback.classic.AsyncAppender'>"
        + "<neverBlock>true</neverBlock><discardingThreshold>0</discardingThreshold>"
        + "<appender-ref ref='IDENTITY'/></appender>"
        + "<logger name='identity.events' level='INFO' additivity='false'>"
        + "<appender-ref ref='" + (async ? "IDENTITY_ASYNC" : "IDENTITY") + "'/></logger>"
        + "</configuration>";
    configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));

    TestPki pki = TestPki.create("Full Disk Root");
    Credential serverCredential = pki.issue(TestPki.server("localhost"));
    Credential alice = pki.issue(TestPki.leaf("CN=alice,O=Example").clientAuth());
    IdentityLog identityLog = IdentityLog.builder()
        .serviceName("orders")
        .addSink(Slf4jEventSink.create(logback.getLogger(Slf4jEventSink.LOGGER_NAME)))
        .build();
    int port = start(serverCredential, identityLog);

    OkHttpClient client = new OkHttpClient.Builder()
        .sslSocketFactory(alice.clientSslContext().getSocketFactory(), pki.trustManager())
        .hostnameVerifier((host, session) -> true)
        .callTimeout(Duration.ofSeconds(20))
        .build();
    for (int i = 0; i < REQUESTS; i++) {
      Request request = new Request.Builder().url("https://127.0.0.1:" + port + "/api/ok").build();
      try (Response response = client.newCall(request).execute()) {
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body().string()).isEqualTo("ok");
      }
    }
    server.stop(); // every request has ended: every event was emitted
    logback.stop(); // drains the AsyncAppender, then closes the file
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();

    assertThat(identityLog.droppedEvents()).isEqualTo(REQUESTS);
    assertThat(identityLog.internalErrors()).isZero();
  }

  private int start(Credential credential, IdentityLog identityLog) throws Exception {
    server = new Server();
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(credential.serverSslContextAcceptingAnyClient());
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
    context.addFilter(
        new FilterHolder(IdentityLogFilter.builder(identityLog).build()),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().write("ok");
      }
    }), "/api/*");
    server.setHandler(context);
    server.start();
    return connector.getLocalPort();
  }
}
