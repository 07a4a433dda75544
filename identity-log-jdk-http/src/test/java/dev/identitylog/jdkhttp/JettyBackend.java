package dev.identitylog.jdkhttp;

import dev.identitylog.testing.Credential;
import jakarta.servlet.Filter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A real HTTPS server (embedded Jetty 12, HTTP/1.1, or HTTP/2 by ALPN) on 127.0.0.1 that records the headers of every
 * request it receives, in order, and serves:
 *
 * <ul>
 *   <li>{@code /ok}: 200, body {@code hello}
 *   <li>{@code /status/NNN}: that status (401 with {@code WWW-Authenticate: Bearer})
 *   <li>{@code /redirect}: 302 to {@code /ok}
 *   <li>{@code /slow}: answers only after {@link #close()} or five seconds
 *   <li>{@code /reset}: drops the connection without answering
 * </ul>
 */
final class JettyBackend implements AutoCloseable {
  private final Server server = new Server();
  private final ServerConnector connector;
  private final Credential credential;
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  /** {@code filter}, when not null, runs in front of the routes (an identity-logged backend). */
  JettyBackend(Credential credential, Filter filter) throws Exception {
    this(credential, filter, false);
  }

  /** With {@code http2}, the connector offers HTTP/2 and HTTP/1.1 by ALPN (h2 first). */
  JettyBackend(Credential credential, Filter filter, boolean http2) throws Exception {
    this.credential = credential;
    connector = http2 ? h2Connector(server, credential) : httpsConnector(server, credential, false);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    if (filter != null) {
      context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    context.addServlet(new ServletHolder(new Routes()), "/*");
    server.setHandler(context);
    server.setStopTimeout(0);
    server.start();
  }

  /** An HTTPS connector on 127.0.0.1, any free port, presenting {@code credential}. */
  static ServerConnector httpsConnector(Server server, Credential credential, boolean wantClientAuth) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(credential.serverSslContext());
    ssl.setWantClientAuth(wantClientAuth);
    HttpConfiguration config = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    config.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(config));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    return connector;
  }

  /** An HTTPS connector on 127.0.0.1 that negotiates h2 (else HTTP/1.1) by ALPN. */
  static ServerConnector h2Connector(Server server, Credential credential) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(credential.serverSslContext());
    HttpConfiguration config = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    config.addCustomizer(secure);
    HttpConnectionFactory http1 = new HttpConnectionFactory(config);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
    alpn.setDefaultProtocol(http1.getProtocol());
    SslConnectionFactory tls = new SslConnectionFactory(ssl, alpn.getProtocol());
    ServerConnector connector = new ServerConnector(server, tls, alpn, h2, http1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    return connector;
  }

  private final class Routes extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String path = req.getRequestURI();
      received.add(new Received(path, headers(req)));
      if (path.equals("/ok")) {
        resp.setStatus(200);
        resp.getWriter().write("hello");
      } else if (path.startsWith("/status/")) {
        int code = Integer.parseInt(path.substring("/status/".length()));
        resp.setStatus(code);
        if (code == 401) {
          resp.setHeader("WWW-Authenticate", "Bearer");
        }
        resp.getWriter().write("status " + code);
      } else if (path.equals("/redirect")) {
        resp.setStatus(302);
        resp.setHeader("Location", "/ok");
      } else if (path.equals("/slow")) {
        try {
          closing.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        resp.setStatus(200);
        resp.getWriter().write("too late");
      } else if (path.equals("/reset")) {
        ServletContextRequest.getServletContextRequest(req)
            .getConnectionMetaData()
            .getConnection()
            .getEndPoint()
            .close();
      } else {
        resp.setStatus(404);
      }
    }
  }

  private static Map<String, List<String>> headers(HttpServletRequest req) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      map.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .addAll(Collections.list(req.getHeaders(name)));
    }
    return map;
  }

  int port() {
    return connector.getLocalPort();
  }

  /** {@code https://localhost:PORT} + path. */
  String url(String path) {
    return "https://localhost:" + port() + path;
  }

  X509Certificate certificate() {
    return credential.certificate();
  }

  Received takeRequest() throws InterruptedException {
    Received r = received.poll(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the server received no request");
    }
    return r;
  }

  void drain() {
    received.clear();
  }

  @Override
  public void close() throws Exception {
    closing.countDown();
    server.stop();
  }
}
