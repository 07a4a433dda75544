package dev.identitylog.handler;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.InternalErrors;
import dev.identitylog.internal.Throwables;
import dev.identitylog.internal.exchange.ServerExchange;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.RpcServerResponse;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.protocol.ServerRequest;
import dev.identitylog.protocol.ServerResponse;

/**
 * Starts and ends the records of requests this hop receives ({@code identity.server}). An adapter
 * implements {@link dev.identitylog.protocol.HttpServerRequest} or {@link
 * dev.identitylog.protocol.RpcServerRequest} over its framework's request, and:
 *
 * <pre>{@code
 * ServerRecord record = handler.start(request);
 * if (record.shouldReject()) { answer 400; handler.finish(record, HttpServerResponse.of(400, null, null)); return; }
 * try (Scope s = record.makeCurrent()) { run the application; }
 * handler.finish(record, HttpServerResponse.of(status, wwwAuthenticate, error));
 * }</pre>
 *
 * <p>Immutable and thread-safe: build one per adapter instance.
 */
public final class ServerHandler {
  private final IdentityLog log;
  private final InternalErrors errors;

  private ServerHandler(IdentityLog log) {
    this.log = log;
    this.errors = InternalErrors.of(log);
  }

  public static ServerHandler create(IdentityLog log) {
    if (log == null) {
      throw new NullPointerException("identityLog");
    }
    return new ServerHandler(log);
  }

  /**
   * Starts the record of a received request. Never throws (but for fatal JVM errors): a failure
   * inside the library yields a record that still emits a (smaller) event.
   */
  public ServerRecord start(ServerRequest request) {
    return ServerExchange.start(log, request);
  }

  /**
   * Ends the record with how the request ended and emits its one event; the first finish wins,
   * later ones return {@code null}. A response of a protocol the record does not know ends it with
   * an unknown status.
   */
  public IdentityEvent finish(ServerRecord record, ServerResponse response) {
    if (!(record instanceof ServerExchange)) {
      return null; // not started by a handler: nothing of ours to end
    }
    ServerExchange exchange = (ServerExchange) record;
    try {
      if (response instanceof RpcServerResponse) {
        RpcServerResponse rpc = (RpcServerResponse) response;
        return rpc.aborted()
            ? exchange.finishAborted(-1, rpc.statusName())
            : exchange.finishGrpc(rpc.statusName(), rpc.error());
      }
      if (response instanceof HttpServerResponse) {
        HttpServerResponse http = (HttpServerResponse) response;
        return http.aborted()
            ? exchange.finishAborted(http.statusCode(), null)
            : finishHttp(exchange, http);
      }
      boolean aborted = response != null && response.aborted();
      return aborted
          ? exchange.finishAborted(-1, null)
          : exchange.finishHttp(-1, null, response == null ? null : response.error());
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      errors.record("finishing a received request", t);
      return exchange.finishHttp(-1, null, null); // still exactly one event, with what is known
    }
  }

  /**
   * Asks for the challenge only with the statuses whose inferred reason it can name (401: the
   * authentication failure's, 403: {@code insufficient_scope}), so that an adapter reading it
   * lazily searches the response's headers only then, not on every request.
   */
  private static IdentityEvent finishHttp(ServerExchange exchange, HttpServerResponse http) {
    int status = http.statusCode();
    String challenge = status == 401 || status == 403 ? http.wwwAuthenticate() : null;
    return exchange.finishHttp(status, challenge, http.error());
  }

  /** The record of the request current here, or {@code null}. */
  public static ServerRecord current() {
    return ServerExchange.current();
  }

  /**
   * Counts a failure of the adapter's own code against this hop (see {@link
   * IdentityLog#internalErrors()}) and logs it, rate limited; rethrows fatal JVM errors.
   */
  public void internalError(String where, Throwable t) {
    errors.record(where, t);
  }

  /** The configuration this handler serves. */
  public IdentityLog identityLog() {
    return log;
  }
}
