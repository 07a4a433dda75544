package dev.identitylog.okhttp;

import dev.identitylog.internal.Throwables;
import dev.identitylog.handler.ClientHandler;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.HttpClientResponse;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The application interceptor: one {@link ClientRecord} per logical call, around OkHttp's own
 * retry and redirect handling. It never touches a body and never replaces what the chain returns
 * or throws.
 *
 * <p>The event is emitted when the response <em>headers</em> arrive: the status is known then,
 * and waiting for the application to close the body would tie the event to code we do not
 * control (a body never closed would never be logged). {@code event.duration} is therefore the
 * time to the response headers.
 */
final class CallInterceptor implements Interceptor {
  private final ClientHandler log;
  private final boolean recordOutboundToken;

  CallInterceptor(ClientHandler log, boolean recordOutboundToken) {
    this.log = log;
    this.recordOutboundToken = recordOutboundToken;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    ClientRecord exchange = null;
    Request tagged = request;
    try {
      exchange = start(request);
      tagged =
          request.newBuilder().tag(CallRecord.class, new CallRecord(exchange, request.url().host())).build();
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
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

  private ClientRecord start(Request request) {
    OkHttpOutboundRequest outbound = new OkHttpOutboundRequest(request, recordOutboundToken);
    CallContext captured = request.tag(CallContext.class);
    if (captured == null) {
      // Not created through our factory (a client from newClient inside another library's
      // factory): the request bound to this thread, if any; else a call of its own.
      return log.start(outbound);
    }
    if (captured.otel == null) {
      return log.start(outbound, captured.parent);
    }
    // The OpenTelemetry context of the creating thread, so that an enqueued call joins the
    // caller's span rather than whatever the dispatcher thread has.
    try (io.opentelemetry.context.Scope ignored = captured.otel.makeCurrent()) {
      return log.start(outbound, captured.parent);
    }
  }

  private void finish(ClientRecord exchange, int status, Throwable error) {
    try {
      log.finish(exchange, HttpClientResponse.of(status, error));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("finishing an OkHttp call", t);
    }
  }
}
