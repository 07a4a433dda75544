package dev.identitylog.okhttp;

import dev.identitylog.testing.Credential;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** {@link TestServer} on embedded Jetty 12 (ee10 servlets), HTTPS, HTTP/1.1. */
final class JettyFixture implements TestServer {
  private final Server server = new Server();
  private final ServerConnector connector;
  private final Credential credential;
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final Set<String> seenFlakyKeys = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final CountDownLatch stream = new CountDownLatch(1);

  JettyFixture(Credential credential) throws Exception {
    this.credential = credential;
    connector = httpsConnector(server, credential);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new Routes()), "/*");
    server.setHandler(context);
    server.setStopTimeout(0); // no graceful wait for the client's idle keep-alive connections
    server.start();
  }

  /** An HTTPS connector on 127.0.0.1, any free port, presenting {@code credential}. */
  static ServerConnector httpsConnector(Server server, Credential credential) {
    return httpsConnector(server, credential, false);
  }

  /** As above; with {@code wantClientAuth}, clients of the credential's PKI may present one. */
  static ServerConnector httpsConnector(Server server, Credential credential, boolean wantClientAuth) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(credential.serverSslContext());
    ssl.setWantClientAuth(wantClientAuth);
    HttpConfiguration config = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false); // the test calls both localhost and 127.0.0.1
    config.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(config));
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
      try {
        route(path, req, resp);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void route(String path, HttpServletRequest req, HttpServletResponse resp)
        throws IOException, InterruptedException {
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
      } else if (path.equals("/redirect-ip")) {
        resp.setStatus(302);
        resp.setHeader("Location", "https://127.0.0.1:" + port() + "/ok");
      } else if (path.equals("/loop")) {
        resp.setStatus(302);
        resp.setHeader("Location", "/loop");
      } else if (path.startsWith("/flaky/")) {
        int code = seenFlakyKeys.add(path) ? 408 : 200;
        resp.setStatus(code);
        resp.getWriter().write("flaky " + code);
      } else if (path.equals("/slow")) {
        closing.await(5, TimeUnit.SECONDS);
        resp.setStatus(200);
        resp.getWriter().write("too late");
      } else if (path.equals("/reset")) {
        // Drop the connection under the request: no status line ever reaches the client.
        ServletContextRequest.getServletContextRequest(req)
            .getConnectionMetaData()
            .getConnection()
            .getEndPoint()
            .close();
      } else if (path.equals("/stream")) {
        resp.setStatus(200);
        resp.getWriter().write("late-");
        resp.flushBuffer(); // the headers leave now; the rest only when the test says so
        stream.await(5, TimeUnit.SECONDS);
        resp.getWriter().write("body");
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

  @Override
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public X509Certificate certificate() {
    return credential.certificate();
  }

  @Override
  public Received takeRequest(long timeout, TimeUnit unit) throws InterruptedException {
    return received.poll(timeout, unit);
  }

  @Override
  public void releaseStream() {
    stream.countDown();
  }

  @Override
  public void close() throws Exception {
    closing.countDown();
    stream.countDown();
    server.stop();
  }

  @Override
  public String toString() {
    return "Jetty";
  }
}
