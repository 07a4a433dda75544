package dev.identitylog.okhttp;

import dev.identitylog.IdentityLog;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.HttpClientAdapterContract;
import dev.identitylog.testing.Credential;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The client adapter contract for OkHttp (run once per OkHttp major version the build tests),
 * calling a Jetty 12 callee that the servlet filter instruments.
 */
class OkHttpContractTest extends HttpClientAdapterContract {
  @Override
  protected RunningCallee startCallee(IdentityLog calleeLog, Credential server, Callee callee)
      throws Exception {
    Server jetty = new Server();
    ServerConnector connector = JettyFixture.httpsConnector(jetty, server);
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
    OkHttpClient client = new OkHttpClient.Builder()
        .sslSocketFactory(call.trusted.trustOnlySslContext().getSocketFactory(),
            call.trusted.trustManager())
        .connectTimeout(2, TimeUnit.SECONDS)
        .readTimeout(call.timeout.toMillis(), TimeUnit.MILLISECONDS)
        .build();
    Request.Builder request = new Request.Builder()
        .url("https://localhost:" + call.port + "/contract/" + call.route.path() + call.pathParameter);
    call.headers.forEach(request::header);
    try (Response response =
        IdentityLogOkHttp.create(callerLog).newCallFactory(client).newCall(request.build()).execute()) {
      return String.valueOf(response.code());
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
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
