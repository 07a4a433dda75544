package dev.identitylog.grpc;

import dev.identitylog.IdentityLog;
import dev.identitylog.exchange.InboundRequest;
import dev.identitylog.exchange.Scope;
import dev.identitylog.exchange.ServerExchange;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A first hop made with the core API directly: starts the request's record, binds it to the
 * serving thread, ends it with the status sent. Synchronous requests only.
 */
final class PlainIdentityFilter implements Filter {
  private final IdentityLog log;

  PlainIdentityFilter(IdentityLog log) {
    this.log = log;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    ServerExchange exchange =
        log.startServer(
            new InboundRequest() {
              @Override
              public String header(String name) {
                return request.getHeader(name);
              }

              @Override
              public String method() {
                return request.getMethod();
              }

              @Override
              public String path() {
                return request.getRequestURI();
              }

              @Override
              public String peerAddress() {
                return request.getRemoteAddr();
              }
            });
    Scope bound = exchange.makeCurrent();
    try {
      chain.doFilter(req, res);
    } finally {
      bound.close();
      exchange.finishHttp(response.getStatus(), response.getHeader("WWW-Authenticate"), null);
    }
  }
}
