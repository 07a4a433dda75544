package dev.identitylog.servlet;

import dev.identitylog.handler.ServerHandler;
import dev.identitylog.internal.Throwables;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.ServerRecord;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;

/**
 * How a request's record ends. The exchange itself emits at most once (its first finish wins), so
 * every path here may call finish without coordinating with the others: the filter's own {@code
 * finally}, the async listener, and a failure path that only wants to make sure an event goes out.
 */
final class Completion {
  /**
   * Spring MVC's {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}: the route template that
   * matched, set while the chain ran. Read as a plain attribute, so no Spring class is needed.
   */
  static final String SPRING_ROUTE_ATTRIBUTE =
      "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

  private static final int MAX_CAUSE_DEPTH = 8;

  private Completion() {}

  /**
   * After the first pass of the chain returned or threw: ends the record now, or, when the
   * request went async, hands it to an {@link AsyncCompletion} that ends it when the container
   * completes the request.
   */
  static void afterChain(
      ServerHandler handler,
      ServerRecord exchange,
      HttpServletRequest request,
      HttpServletResponse response,
      Throwable error) {
    try {
      frameworkRoute(exchange, request);
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("reading a framework's route", t);
    }
    try {
      // Containers report async as started until the dispatch that started it returns, even when
      // complete() or dispatch() was already called on another thread, so this does not race.
      if (request.isAsyncStarted()) {
        AsyncCompletion async = new AsyncCompletion(handler, exchange, response, error);
        request.setAttribute(IdentityLogFilter.STATE_ATTRIBUTE, async);
        request.getAsyncContext().addListener(async, request, response);
        return;
      }
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("following an async servlet request", t);
    }
    finish(handler, exchange, response, error);
  }

  /** Ends the record with what the response says; never throws. */
  static void finish(
      ServerHandler handler, ServerRecord exchange, HttpServletResponse response, Throwable error) {
    try {
      if (error != null && isClientAbort(error)) {
        handler.finish(exchange, HttpServerResponse.aborted(response.getStatus()));
      } else {
        handler.finish(exchange, new Ended(status(response, error), response, error));
      }
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("finishing a servlet request", t);
      try {
        handler.finish(exchange, HttpServerResponse.of(-1, null, error)); // still exactly one event, with what is known
      } catch (Throwable ignored) {
        Throwables.propagateIfFatal(ignored);
        // The exchange guards its sinks; nothing more can be done here.
      }
    }
  }

  /**
   * How the response ended. The challenge is read only when the core asks for it (for the statuses
   * whose reason it can name), not searched for in the response's headers on every request.
   */
  private static final class Ended implements HttpServerResponse {
    private final int status;
    private final HttpServletResponse response;
    private final Throwable error;

    Ended(int status, HttpServletResponse response, Throwable error) {
      this.status = status;
      this.response = response;
      this.error = error;
    }

    @Override
    public int statusCode() {
      return status;
    }

    @Override
    public String wwwAuthenticate() {
      try {
        return response.getHeader("WWW-Authenticate");
      } catch (RuntimeException e) {
        return null; // a response wrapper that throws: the event ends without the challenge
      }
    }

    @Override
    public Throwable error() {
      return error;
    }
  }

  /**
   * Strict forwarding: forwarded identity came from an untrusted peer, so the application does
   * not run and the caller gets 400.
   */
  static void reject(ServerHandler handler, ServerRecord exchange, HttpServletResponse response) {
    try {
      if (!response.isCommitted()) {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentLength(0);
      }
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("rejecting a servlet request", t);
    }
    try {
      handler.finish(exchange, HttpServerResponse.of(HttpServletResponse.SC_BAD_REQUEST, null, null));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("finishing a servlet request", t);
    }
  }

  /**
   * The status the client receives. After an exception, the container answers 500 when the
   * response was not committed yet (whatever status the application had set), and a status that
   * still says 200 is only the default; {@link UnavailableException} has statuses of its own.
   */
  static int status(HttpServletResponse response, Throwable error) {
    int status = response.getStatus();
    if (error == null || (response.isCommitted() && status != HttpServletResponse.SC_OK)) {
      return status;
    }
    if (error instanceof UnavailableException) {
      return ((UnavailableException) error).isPermanent()
          ? HttpServletResponse.SC_NOT_FOUND
          : HttpServletResponse.SC_SERVICE_UNAVAILABLE;
    }
    return HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
  }

  /**
   * Whether the client went away: Tomcat's {@code ClientAbortException}, Jetty's {@code
   * EofException}, possibly wrapped. Matched by class name, so neither container is needed.
   */
  static boolean isClientAbort(Throwable error) {
    Throwable t = error;
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++) {
      String name = t.getClass().getName();
      if (name.endsWith(".ClientAbortException") || name.endsWith(".EofException")) {
        return true;
      }
      Throwable cause = t.getCause();
      t = cause == t ? null : cause;
    }
    return false;
  }

  /** The route a framework matched while the chain ran (Spring MVC), if it says so. */
  private static void frameworkRoute(ServerRecord exchange, HttpServletRequest request) {
    Object pattern = request.getAttribute(SPRING_ROUTE_ATTRIBUTE);
    if (!(pattern instanceof String) || ((String) pattern).isEmpty()) {
      return;
    }
    String prefix = request.getContextPath();
    HttpServletMapping mapping = request.getHttpServletMapping();
    if (mapping != null && mapping.getMappingMatch() == MappingMatch.PATH) {
      prefix = prefix + request.getServletPath(); // DispatcherServlet mapped at /api/*
    }
    exchange.route(prefix == null || prefix.isEmpty() ? (String) pattern : prefix + pattern);
  }
}
