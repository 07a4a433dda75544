package dev.identitylog.jdkhttp;

import dev.identitylog.handler.ClientHandler;
import dev.identitylog.internal.Throwables;
import dev.identitylog.protocol.ClientRecord;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.Map;

/**
 * The one place that starts a call's record: reads the request, captures the request being served
 * on the calling thread, and adds the propagation headers the application did not set. Immutable.
 */
final class Calls {
  private final ClientHandler log;
  private final boolean propagate;
  private final boolean recordOutboundToken;

  Calls(ClientHandler log, boolean propagate, boolean recordOutboundToken) {
    this.log = log;
    this.propagate = propagate;
    this.recordOutboundToken = recordOutboundToken;
  }

  ClientHandler log() {
    return log;
  }

  /**
   * Starts the record of a call through {@code client}, on the calling thread (where the request
   * being served is bound); {@code null} when that failed, and the call then goes out unchanged
   * and unlogged. Never throws anything but a fatal error.
   */
  OutboundCall start(HttpRequest request, HttpClient client) {
    ClientRecord exchange;
    try {
      exchange = log.start(new JdkOutboundRequest(request, recordOutboundToken));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("starting a java.net.http call", t);
      return null;
    }
    HttpRequest sent = request;
    try {
      if (propagate) {
        sent = withPropagationHeaders(request, exchange, client);
      }
      // What goes on the wire is what the callee names as its parent: the application's own
      // traceparent, when it set one, becomes this call's span.id.
      exchange.traceParentSent(sent.headers().firstValue("traceparent").orElse(null));
      exchange.requestIdSent(sent.headers().firstValue(exchange.requestIdHeader()).orElse(null));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("adding headers to a java.net.http call", t);
      sent = request;
    }
    return new OutboundCall(log, exchange, sent);
  }

  /**
   * The request plus each propagation header it does not already carry; never overwrites. The
   * JDK's {@code HttpRequest} is immutable, so a copy is built (only when a header is added).
   */
  private static HttpRequest withPropagationHeaders(
      HttpRequest request, ClientRecord exchange, HttpClient client) {
    HttpHeaders present = request.headers();
    HttpRequest.Builder builder = null;
    for (Map.Entry<String, String> e : exchange.propagationHeaders().entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (value == null || present.firstValue(name).isPresent()) {
        continue;
      }
      if (ClientRecord.CLIENT_CERT_HEADER.equalsIgnoreCase(name)
          && client.followRedirects() != HttpClient.Redirect.NEVER) {
        // The JDK copies a request's headers onto the redirects it follows, to any host: the
        // caller's certificate would follow a redirect to a host it was never configured for.
        continue;
      }
      if (builder == null) {
        builder = HttpRequest.newBuilder(request, (n, v) -> true);
      }
      try {
        builder.header(name, value);
      } catch (IllegalArgumentException invalid) {
        // A value the JDK refuses (a request id received from upstream with characters HTTP does
        // not allow): left out rather than failing the call.
      }
    }
    return builder == null ? request : builder.build();
  }
}
