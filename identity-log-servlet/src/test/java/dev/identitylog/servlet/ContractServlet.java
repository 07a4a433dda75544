package dev.identitylog.servlet;

import dev.identitylog.IdentityLog;
import dev.identitylog.testing.HttpServerAdapterContract;
import dev.identitylog.testing.ServerAdapterContract.Application;
import dev.identitylog.testing.ServerAdapterContract.Route;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;

/** The contract suite's application as a servlet behind the filter, as the README installs it. */
final class ContractServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private final transient Application app;

  private ContractServlet(Application app) {
    this.app = app;
  }

  /** Registers the filter for {@code identityLog} and the application at context start. */
  static ServletContainerInitializer initializer(IdentityLog identityLog, Application app) {
    return (classes, context) -> {
      FilterRegistration.Dynamic filter =
          context.addFilter("identity-log", IdentityLogFilter.builder(identityLog).build());
      filter.setAsyncSupported(true);
      filter.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
      var servlet = context.addServlet("contract", new ContractServlet(app));
      servlet.setAsyncSupported(true);
      servlet.addMapping("/contract/*");
    };
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Route route = HttpServerAdapterContract.routeOf(req.getRequestURI());
    switch (app.serve(route == null ? "ok" : route.name())) {
      case CHALLENGE:
        resp.setHeader("WWW-Authenticate", HttpServerAdapterContract.CHALLENGE);
        resp.sendError(401);
        return;
      case FORBIDDEN:
        resp.sendError(403);
        return;
      case ASYNC:
        AsyncContext async = req.startAsync();
        new Thread(() -> {
          try {
            ((HttpServletResponse) async.getResponse()).getWriter().write("async");
          } catch (IOException e) {
            // the client went away; the filter records it
          }
          async.complete();
        }, "contract-async").start();
        return;
      case SLOW:
        slow(resp);
        return;
      default:
        resp.getWriter().write("ok");
    }
  }

  private static void slow(HttpServletResponse resp) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    OutputStream out = resp.getOutputStream();
    for (int i = 0; i < 64; i++) {
      out.write(chunk);
      out.flush();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
