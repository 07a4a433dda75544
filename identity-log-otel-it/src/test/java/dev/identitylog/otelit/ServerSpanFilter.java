package dev.identitylog.otelit;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Collections;

/**
 * What a servlet instrumentation does, reduced to what the tests need: a SERVER span per request,
 * child of the received {@code traceparent}, current while the rest of the chain runs.
 */
final class ServerSpanFilter implements Filter {
  private static final TextMapGetter<HttpServletRequest> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest carrier) {
          return Collections.list(carrier.getHeaderNames());
        }

        @Override
        public String get(HttpServletRequest carrier, String key) {
          return carrier == null ? null : carrier.getHeader(key);
        }
      };

  private final OpenTelemetry otel;

  ServerSpanFilter(OpenTelemetry otel) {
    this.otel = otel;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    Context parent =
        otel.getPropagators().getTextMapPropagator().extract(Context.root(), http, HEADERS);
    Span span =
        otel.getTracer("otel-it.servlet")
            .spanBuilder("GET " + http.getRequestURI())
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      chain.doFilter(request, response);
    } finally {
      span.end();
    }
  }
}
