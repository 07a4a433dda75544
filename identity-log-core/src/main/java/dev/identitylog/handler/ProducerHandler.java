package dev.identitylog.handler;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.InternalErrors;
import dev.identitylog.internal.Throwables;
import dev.identitylog.internal.exchange.ClientExchange;
import dev.identitylog.internal.exchange.ServerExchange;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.HeaderSetter;
import dev.identitylog.protocol.MessageProducerRequest;
import dev.identitylog.protocol.MessageProducerResult;
import dev.identitylog.protocol.ServerRecord;
import java.util.Map;

/**
 * Starts and ends the records of messages this hop sends ({@code identity.producer}, one per
 * record). {@link #start} writes, through the adapter's {@link HeaderSetter}, {@code traceparent},
 * {@code tracestate}, the request id and the evidence of the request that caused the send
 * ({@link dev.identitylog.protocol.MessageHeaders}); {@link #finish} ends the record when the
 * broker acknowledged or refused the message (a Kafka adapter calls it from the send callback).
 *
 * <p>Immutable and thread-safe.
 */
public final class ProducerHandler {
  private final IdentityLog log;
  private final InternalErrors errors;

  private ProducerHandler(IdentityLog log) {
    this.log = log;
    this.errors = InternalErrors.of(log);
  }

  public static ProducerHandler create(IdentityLog log) {
    if (log == null) {
      throw new NullPointerException("identityLog");
    }
    return new ProducerHandler(log);
  }

  /** Starts a send made for the request current here, if any, and writes the headers. */
  public ClientRecord start(MessageProducerRequest request, HeaderSetter headers) {
    return start(request, headers, ServerHandler.current());
  }

  /**
   * Starts a send made for {@code parent} (or for no request), and writes the propagation and
   * evidence headers with {@code headers}; a header the setter refuses is skipped. Never throws
   * (but for fatal JVM errors).
   */
  public ClientRecord start(
      MessageProducerRequest request, HeaderSetter headers, ServerRecord parent) {
    ServerExchange p = parent instanceof ServerExchange ? (ServerExchange) parent : null;
    ClientExchange record = ClientExchange.start(log, request, p);
    if (headers != null) {
      for (Map.Entry<String, String> h : record.propagationHeaders().entrySet()) {
        try {
          headers.set(h.getKey(), h.getValue());
        } catch (Throwable t) {
          Throwables.propagateIfFatal(t);
          errors.record("writing a message header", t);
        }
      }
    }
    return record;
  }

  /** Ends the send with the broker's answer and emits its one event; later calls return null. */
  public IdentityEvent finish(ClientRecord record, MessageProducerResult result) {
    if (!(record instanceof ClientExchange)) {
      return null;
    }
    ClientExchange exchange = (ClientExchange) record;
    try {
      return exchange.finishProducer(
          result != null
              ? result
              : MessageProducerResult.failed(MessageProducerResult.Status.FAILED, null));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      errors.record("finishing a sent message", t);
      return exchange.finishHttp(-1, t);
    }
  }

  /** As {@link ServerHandler#internalError}. */
  public void internalError(String where, Throwable t) {
    errors.record(where, t);
  }
}
