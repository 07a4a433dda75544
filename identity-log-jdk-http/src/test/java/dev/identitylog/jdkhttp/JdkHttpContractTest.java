package dev.identitylog.jdkhttp;

import dev.identitylog.IdentityLog;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.HttpClientAdapterContract;
import dev.identitylog.testing.Credential;
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
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The client adapter contract for {@code java.net.http.HttpClient}, calling a Jetty 12 callee
 * that the servlet filter instruments.
 */
class JdkHttpContractTest extends HttpClientAdapterContract {
  @Override
  protected RunningCallee startCallee(IdentityLog calleeLog, Credential server, Callee callee)
      throws Exception {
    Server jetty = new Server();
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(server.serverSslContext());
    HttpConfiguration config = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    config.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(jetty, ssl, new HttpConnectionFactory(config));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(IdentityLogFilter.builder(calleeLog).build()), "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new CalleeServlet(callee)), "/contract/*");
    jetty.setHandler(context);
    jetty.setStopTimeout(0);
    jetty.start();
    return new RunningCallee() {
      @Override
      public int port() {
        return connector.getLocalPort();
      }

      @Override
      public void close() throws Exception {
        jetty.stop();
      }
    };
  }

  @Override
  protected String call(IdentityLog callerLog, Call call) throws IOException {
    HttpClient client = HttpClient.newBuilder()
        .sslContext(call.trusted.trustOnlySslContext())
        .connectTimeout(Duration.ofSeconds(2))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
            "https://localhost:" + call.port + "/contract/" + call.route.path() + call.pathParameter))
        .timeout(call.timeout);
    call.headers.forEach(request::header);
    try {
      HttpResponse<Void> response = IdentityLogHttpClient.create(callerLog).wrap(client)
          .send(request.build(), HttpResponse.BodyHandlers.discarding());
      return String.valueOf(response.statusCode());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static final class CalleeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Callee callee;

    CalleeServlet(Callee callee) {
      this.callee = callee;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Map<String, String> headers = new LinkedHashMap<>();
      for (String name : Collections.list(req.getHeaderNames())) {
        headers.put(name, req.getHeader(name));
      }
      String path = req.getPathInfo() == null ? "/ok" : req.getPathInfo();
      int status = httpStatus(callee.serve(path.substring(1), headers));
      if (status == 200) {
        resp.getWriter().write("ok");
      } else {
        resp.setStatus(status);
      }
    }
  }
}
