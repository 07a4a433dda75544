package dev.identitylog.handler;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.InternalErrors;
import dev.identitylog.internal.Throwables;
import dev.identitylog.internal.exchange.ClientExchange;
import dev.identitylog.internal.exchange.ServerExchange;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.ClientRequest;
import dev.identitylog.protocol.ClientResponse;
import dev.identitylog.protocol.HttpClientResponse;
import dev.identitylog.protocol.RpcClientResponse;
import dev.identitylog.protocol.ServerRecord;

/**
 * Starts and ends the records of calls this hop makes ({@code identity.client}). An adapter
 * implements {@link dev.identitylog.protocol.HttpClientRequest} or {@link
 * dev.identitylog.protocol.RpcClientRequest}, adds {@link ClientRecord#propagationHeaders()} to
 * every attempt, and ends the record once with {@link #finish}. When the call is made while
 * serving a request, its outcome also reaches that request's record, so a 503 there can name the
 * dependency that failed.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClientHandler {
  private final IdentityLog log;
  private final InternalErrors errors;

  private ClientHandler(IdentityLog log) {
    this.log = log;
    this.errors = InternalErrors.of(log);
  }

  public static ClientHandler create(IdentityLog log) {
    if (log == null) {
      throw new NullPointerException("identityLog");
    }
    return new ClientHandler(log);
  }

  /** Starts a call made for the request current here ({@link ServerHandler#current()}), if any. */
  public ClientRecord start(ClientRequest request) {
    return ClientExchange.start(log, request, ServerExchange.current());
  }

  /**
   * Starts a call made on behalf of {@code parent}, captured earlier (another thread, a callback),
   * or of no request when {@code null}. Never throws (but for fatal JVM errors).
   */
  public ClientRecord start(ClientRequest request, ServerRecord parent) {
    ServerExchange p = parent instanceof ServerExchange ? (ServerExchange) parent : null;
    return ClientExchange.start(log, request, p);
  }

  /** Ends the call and emits its one event; the first finish wins, later ones return null. */
  public IdentityEvent finish(ClientRecord record, ClientResponse response) {
    if (!(record instanceof ClientExchange)) {
      return null;
    }
    ClientExchange exchange = (ClientExchange) record;
    try {
      if (response instanceof RpcClientResponse) {
        RpcClientResponse rpc = (RpcClientResponse) response;
        return exchange.finishGrpc(rpc.statusName(), rpc.error());
      }
      if (response instanceof HttpClientResponse) {
        HttpClientResponse http = (HttpClientResponse) response;
        return exchange.finishHttp(http.statusCode(), http.error());
      }
      return exchange.finishHttp(-1, response == null ? null : response.error());
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      errors.record("finishing an outbound call", t);
      return exchange.finishHttp(-1, t);
    }
  }

  /** As {@link ServerHandler#internalError}. */
  public void internalError(String where, Throwable t) {
    errors.record(where, t);
  }

  public IdentityLog identityLog() {
    return log;
  }
}
