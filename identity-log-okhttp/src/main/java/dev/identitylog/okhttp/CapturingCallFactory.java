package dev.identitylog.okhttp;

import dev.identitylog.internal.Throwables;
import dev.identitylog.handler.ClientHandler;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.ServerRecord;
import io.opentelemetry.context.Context;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Remembers, in a tag on the request, which inbound request a call was created for. The call may
 * run on another thread (OkHttp's dispatcher for {@code enqueue}), where nothing is bound; the tag
 * travels with the request through retries and redirects.
 */
final class CapturingCallFactory implements Call.Factory {
  private final ClientHandler log;
  private final OkHttpClient client;

  CapturingCallFactory(ClientHandler log, OkHttpClient client) {
    this.log = log;
    this.client = client;
  }

  @Override
  public Call newCall(Request request) {
    return client.newCall(capture(request));
  }

  private Request capture(Request request) {
    try {
      ServerRecord parent = ServerHandler.current();
      Context otel = Context.current();
      if (otel == Context.root()) {
        otel = null;
      }
      if (parent == null && otel == null) {
        // Nothing to carry. A request taken from an earlier response still carries that call's
        // context: drop it, or this call would be reported into a request long finished.
        return request.tag(CallContext.class) == null
            ? request
            : request.newBuilder().tag(CallContext.class, null).build();
      }
      return request.newBuilder().tag(CallContext.class, new CallContext(parent, otel)).build();
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      // Never fail the application's newCall: the call then runs without a captured parent.
      log.internalError("capturing the request for an OkHttp call", t);
      return request;
    }
  }

  @Override
  public String toString() {
    return "IdentityLogOkHttp.CallFactory{" + client + "}";
  }
}
