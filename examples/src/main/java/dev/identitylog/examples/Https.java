package dev.identitylog.examples;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
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
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The plumbing every HTTP hop shares: a Jetty server on an ephemeral port of 127.0.0.1 speaking
 * HTTPS, and OkHttp clients that reach the demo's host names.
 *
 * <p>Every hop has its own name under {@code identitylog.test} (a reserved test domain), resolved
 * to 127.0.0.1 by {@link #DNS}, and a certificate for that name. The names make the events
 * readable ({@code server.address: backend.identitylog.test}) and let TLS hostname verification
 * work as usual; they do not make the hops distinguishable by address, which is why every hop
 * trusts the one before it by its SPIFFE ID.
 */
final class Https {
  /** The parent domain of every hop's host name. */
  static final String DOMAIN = "identitylog.test";

  /** Resolves {@code *.identitylog.test} to the loopback address; nothing else. */
  static final Dns DNS = hostname -> {
    if (hostname.toLowerCase(Locale.ROOT).endsWith("." + DOMAIN)) {
      return List.of(InetAddress.getLoopbackAddress());
    }
    throw new UnknownHostException(hostname + " is not a host of the demo");
  };

  /** How a server treats client certificates during the TLS handshake. */
  enum ClientAuth {
    /** Asks for a certificate, accepts any (or none): the application decides. */
    WANT,
    /** Requires a certificate the server's trust manager accepts. */
    NEED
  }

  private Https() {}

  static String host(String name) {
    return name + "." + DOMAIN;
  }

  /**
   * Starts Jetty on 127.0.0.1 with an ephemeral port, serving {@code servlet} at {@code pathSpec}
   * (such as {@code /api/*}, which the events show as {@code http.route}) behind {@code filter}
   * (when not null), registered for every path and first, as the servlet adapter's README asks.
   */
  static Server start(String name, SSLContext tls, ClientAuth clientAuth, Filter filter,
      String pathSpec, HttpServlet servlet) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(32, 2);
    threads.setName(name);
    Server server = new Server(threads);

    SslContextFactory.Server sslFactory = new SslContextFactory.Server();
    sslFactory.setSslContext(tls);
    if (clientAuth == ClientAuth.NEED) {
      sslFactory.setNeedClientAuth(true);
    } else {
      sslFactory.setWantClientAuth(true);
    }
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Exposes the client certificate as jakarta.servlet.request.X509Certificate. The SNI host
    // check compares against certificates Jetty loaded itself; this server was handed an
    // SSLContext instead, and hostname checks are the clients' business anyway.
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server,
        new SslConnectionFactory(sslFactory, "http/1.1"), new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    if (filter != null) {
      FilterHolder holder = new FilterHolder(filter);
      holder.setName("identity-log");
      holder.setAsyncSupported(true);
      context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    }
    context.addServlet(new ServletHolder(name, servlet), pathSpec);
    server.setHandler(context);
    server.start();
    return server;
  }

  static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  static void stop(Server server) {
    if (server == null) {
      return;
    }
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop " + server, e);
    }
  }

  /** An OkHttp client presenting {@code tls}'s certificate, reaching the demo's host names. */
  static OkHttpClient client(SSLContext tls, X509TrustManager trust) {
    return new OkHttpClient.Builder()
        .dns(DNS)
        .sslSocketFactory(tls.getSocketFactory(), trust)
        .connectTimeout(2, TimeUnit.SECONDS)
        .readTimeout(5, TimeUnit.SECONDS)
        .callTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  /** Releases a client's pooled connections and threads, so that the JVM can exit. */
  static void close(OkHttpClient client) {
    if (client != null) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }
}
