package dev.identitylog.okhttp;

import dev.identitylog.IdentityLog;
import dev.identitylog.exchange.ClientExchange;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The application interceptor: one {@link ClientExchange} per logical call, around OkHttp's own
 * retry and redirect handling. It never touches a body and never replaces what the chain returns
 * or throws.
 *
 * <p>The event is emitted when the response <em>headers</em> arrive: the status is known then,
 * and waiting for the application to close the body would tie the event to code we do not
 * control (a body never closed would never be logged). {@code event.duration} is therefore the
 * time to the response headers.
 */
final class CallInterceptor implements Interceptor {
  private final IdentityLog log;
  private final boolean recordOutboundToken;

  CallInterceptor(IdentityLog log, boolean recordOutboundToken) {
    this.log = log;
    this.recordOutboundToken = recordOutboundToken;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    ClientExchange exchange = null;
    Request tagged = request;
    try {
      exchange = start(request);
      tagged =
          request.newBuilder().tag(CallRecord.class, new CallRecord(exchange, request.url().host())).build();
    } catch (Throwable t) {
      log.internalError("starting an OkHttp call", t);
    }
    if (exchange == null) {
      return chain.proceed(request);
    }
    Response response;
    try {
      response = chain.proceed(tagged);
    } catch (Throwable t) {
      finish(exchange, -1, t);
      throw t; // the application gets exactly what OkHttp threw
    }
    finish(exchange, response.code(), null);
    return response;
  }

  private ClientExchange start(Request request) {
    OkHttpOutboundRequest outbound = new OkHttpOutboundRequest(request, recordOutboundToken);
    CallContext captured = request.tag(CallContext.class);
    if (captured == null) {
      // Not created through our factory (a client from newClient inside another library's
      // factory): the request bound to this thread, if any; else a call of its own.
      return log.startClient(outbound);
    }
    if (captured.otel == null) {
      return log.startClient(outbound, captured.parent);
    }
    // The OpenTelemetry context of the creating thread, so that an enqueued call joins the
    // caller's span rather than whatever the dispatcher thread has.
    try (io.opentelemetry.context.Scope ignored = captured.otel.makeCurrent()) {
      return log.startClient(outbound, captured.parent);
    }
  }

  private void finish(ClientExchange exchange, int status, Throwable error) {
    try {
      exchange.finishHttp(status, error);
    } catch (Throwable t) {
      log.internalError("finishing an OkHttp call", t);
    }
  }
}
