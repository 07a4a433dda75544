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
  private Server needing;

  @Override
  protected int start(Credential credential, ServletContainerInitializer initializer)
      throws Exception {
    // 'want' mode: any client certificate is accepted in the handshake, the filter judges it.
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(credential.serverSslContextAcceptingAnyClient());
    tls.setWantClientAuth(true);
    server = newServer("jetty");
    return start(server, tls, initializer);
  }

  @Override
  protected int startNeedingClientCertificates(
      Credential credential, ServletContainerInitializer initializer) throws Exception {
    // 'need' mode: the handshake fails unless the client presents a certificate of the server's CA.
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(credential.serverSslContext());
    tls.setNeedClientAuth(true);
    needing = newServer("jetty-need");
    return start(needing, tls, initializer);
  }

  private static Server newServer(String name) {
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName(name);
    return new Server(threads);
  }

  private static int start(
      Server server, SslContextFactory.Server tls, ServletContainerInitializer initializer)
      throws Exception {

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
    if (needing != null) {
      needing.stop();
    }
  }

  /** Not as a protocol attribute, but through the SSL session data Jetty 12 attaches. */
  @Override
  protected boolean exposesTlsProtocol() {
    return true;
  }
}
