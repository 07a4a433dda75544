package dev.identitylog.servlet;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.handler.ClientHandler;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.HttpClientRequest;
import dev.identitylog.protocol.HttpClientResponse;
import dev.identitylog.outcome.Reason;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * The application of the server tests: what it does is chosen by the path and query, so that one
 * servlet can play every role (a secured API, an async handler, a client of another service).
 */
final class AppServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** How many times the application code ran, to show strict mode keeps it from running. */
  static final AtomicInteger INVOCATIONS = new AtomicInteger();

  private final transient IdentityLog identityLog;
  private final transient ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "app-async");
    t.setDaemon(true);
    return t;
  });
  private final int closedPort;

  AppServlet(IdentityLog identityLog) {
    this.identityLog = identityLog;
    this.closedPort = closedPort();
  }

  /** A port where nothing listens: the dependency that is down. */
  int unusedPort() {
    return closedPort;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp)
      throws ServletException, IOException {
    INVOCATIONS.incrementAndGet();
    // An include keeps the including request's paths; the target's is an attribute.
    Object included = req.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
    String op = included instanceof String ? (String) included
        : req.getPathInfo() == null ? "/hello" : req.getPathInfo();
    switch (op) {
      case "/hello":
        hello(req, resp);
        break;
      case "/forward":
        req.getRequestDispatcher("/api/hello?status=202").forward(req, resp);
        break;
      case "/include":
        resp.setStatus(203);
        req.getRequestDispatcher("/api/hello").include(req, resp);
        break;
      case "/throw":
        throw new IllegalStateException("the application failed");
      case "/async":
        async(req, resp);
        break;
      case "/outbound":
        outbound(resp);
        break;
      case "/abort":
        abort(resp);
        break;
      case "/spring":
        req.setAttribute(Completion.SPRING_ROUTE_ATTRIBUTE, "/orders/{id}");
        resp.setStatus(200);
        break;
      default:
        resp.setStatus(404);
    }
  }

  private static void hello(HttpServletRequest req, HttpServletResponse resp)
      throws ServletException, IOException {
    String pause = req.getParameter("sleep");
    if (pause != null) {
      sleep(Long.parseLong(pause)); // lets concurrent requests overlap on the server
    }
    // What the application sees while it runs: the thread-bound record and the MDC.
    RequestIdentity current = RequestIdentity.current();
    resp.setHeader("X-Seen-Recording", Boolean.toString(current.isRecording()));
    setIfPresent(resp, "X-Seen-Trace-Id", current.traceId());
    setIfPresent(resp, "X-Seen-Request-Id", current.requestId());
    setIfPresent(resp, "X-Mdc-Trace-Id", MDC.get("trace.id"));
    setIfPresent(resp, "X-Mdc-Span-Id", MDC.get("span.id"));
    setIfPresent(resp, "X-Mdc-Request-Id", MDC.get("identity.request.id"));
    Object fromAttribute = req.getAttribute(RequestIdentity.ATTRIBUTE);
    resp.setHeader("X-Attribute-Is-Current", Boolean.toString(fromAttribute == current));

    String authn = req.getParameter("authn");
    if ("success".equals(authn)) {
      current.authnSucceeded();
    } else if (authn != null) {
      current.authnFailed(Reason.fromCode(authn));
    }
    // Recorded through the request attribute, as code without access to the thread would.
    String authz = req.getParameter("authz");
    if (authz != null) {
      RequestIdentity identity = (RequestIdentity) req.getAttribute(RequestIdentity.ATTRIBUTE);
      if ("success".equals(authz)) {
        identity.authzSucceeded(req.getParameter("policy"));
      } else {
        identity.authzFailed(Reason.fromCode(authz), req.getParameter("policy"));
      }
    }
    String www = req.getParameter("www");
    if (www != null) {
      resp.setHeader("WWW-Authenticate", www);
    }
    String status = req.getParameter("status");
    if (status != null) {
      resp.setStatus(Integer.parseInt(status));
    }
    String fail = req.getParameter("throw");
    if ("runtime".equals(fail)) {
      throw new IllegalStateException("the application failed");
    }
    if ("after-commit".equals(fail)) {
      resp.getWriter().write("partial");
      resp.flushBuffer();
      throw new IllegalStateException("failed after the answer started");
    }
    resp.getWriter().write("ok");
  }

  private static void setIfPresent(HttpServletResponse resp, String name, String value) {
    if (value != null) {
      resp.setHeader(name, value);
    }
  }

  private void async(HttpServletRequest req, HttpServletResponse resp) {
    String mode = req.getParameter("mode");
    boolean again = req.getDispatcherType() == DispatcherType.ASYNC;
    AsyncContext ctx = req.startAsync();
    switch (mode) {
      case "complete":
        executor.execute(() -> {
          sleep(60);
          resp.setStatus(200);
          write(resp, "async");
          ctx.complete();
        });
        break;
      case "record":
        // Decisions recorded on another thread, through the request attribute.
        RequestIdentity identity = (RequestIdentity) req.getAttribute(RequestIdentity.ATTRIBUTE);
        executor.execute(() -> {
          identity.authzFailed(Reason.INSUFFICIENT_SCOPE, "orders:write");
          resp.setStatus(403);
          ctx.complete();
        });
        break;
      case "complete-now":
        // Completed before this dispatch returns: the container still reports async started.
        resp.setStatus(202);
        ctx.complete();
        break;
      case "dispatch-now":
        ctx.dispatch("/api/hello?status=206");
        break;
      case "timeout":
        ctx.setTimeout(200);
        break;
      case "error":
        executor.execute(() -> ctx.dispatch("/api/throw"));
        break;
      case "outbound":
        executor.execute(() -> ctx.dispatch("/api/outbound"));
        break;
      case "redispatch":
        if (!again) {
          executor.execute(ctx::dispatch); // back to this servlet, as an ASYNC dispatch
        } else {
          executor.execute(() -> {
            sleep(20);
            resp.setStatus(201);
            ctx.complete();
          });
        }
        break;
      default:
        throw new IllegalArgumentException(mode);
    }
  }

  /** Calls a port where nothing listens, reporting the call as an outbound adapter would. */
  private void outbound(HttpServletResponse resp) throws IOException {
    URL url = new URL("http://127.0.0.1:" + closedPort + "/stock?sku=42");
    ClientHandler handler = ClientHandler.create(identityLog);
    ClientRecord call =
        handler.start(new HttpClientRequest() {
          @Override
          public String method() {
            return "GET";
          }

          @Override
          public String url() {
            return url.toString();
          }

          @Override
          public String serverAddress() {
            return url.getHost();
          }

          @Override
          public int serverPort() {
            return url.getPort();
          }
        });
    call.attempt();
    try {
      HttpURLConnection connection = (HttpURLConnection) url.openConnection();
      for (Map.Entry<String, String> h : call.propagationHeaders().entrySet()) {
        connection.setRequestProperty(h.getKey(), h.getValue());
      }
      connection.setConnectTimeout(2000);
      handler.finish(call, HttpClientResponse.of(connection.getResponseCode(), null));
      resp.setStatus(200);
    } catch (IOException e) {
      handler.finish(call, HttpClientResponse.of(-1, e));
      resp.setStatus(503);
    }
  }

  /** Writes until the client has gone away; the container's exception reaches the filter. */
  private static void abort(HttpServletResponse resp) throws IOException {
    resp.setStatus(200);
    byte[] chunk = new byte[16 * 1024];
    OutputStream out = resp.getOutputStream();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      out.write(chunk);
      out.flush();
    }
    throw new IllegalStateException("the client did not go away");
  }

  private static void write(HttpServletResponse resp, String body) {
    try {
      resp.getWriter().write(body);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A servlet that is down: the container stops routing to a servlet that threw {@link
   * jakarta.servlet.UnavailableException} for the time it gave, so it is not the application servlet.
   */
  static final class DownServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
      throw new jakarta.servlet.UnavailableException("down for maintenance", 1);
    }
  }

  @Override
  public void destroy() {
    executor.shutdownNow();
  }
}
