package dev.identitylog.servlet;

import dev.identitylog.testing.Credential;
import jakarta.servlet.ServletContainerInitializer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The server suite on embedded Jetty 12 (ee10). */
class JettyServletServerTest extends ServletServerSuite {
  private Server server;

  @Override
  protected int start(Credential credential, ServletContainerInitializer initializer)
      throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("jetty");
    server = new Server(threads);

    // 'want' mode: any client certificate is accepted in the handshake, the filter judges it.
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
    context.addServletContainerInitializer(initializer);
    server.setHandler(context);
    server.start();
    return connector.getLocalPort();
  }

  @Override
  protected void stop() throws Exception {
    server.stop();
  }

  /** Jetty 12 exposes the cipher suite but not the protocol as a request attribute. */
  @Override
  protected boolean exposesTlsProtocol() {
    return false;
  }
}
