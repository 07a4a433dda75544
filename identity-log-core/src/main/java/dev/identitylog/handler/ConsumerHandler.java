package dev.identitylog.handler;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.InternalErrors;
import dev.identitylog.internal.Throwables;
import dev.identitylog.internal.exchange.MessageLinks;
import dev.identitylog.internal.exchange.ServerExchange;
import dev.identitylog.protocol.MessageConsumerRequest;
import dev.identitylog.protocol.MessageConsumerResult;
import dev.identitylog.protocol.ServerRecord;
import java.util.Collections;
import java.util.List;

/**
 * Starts and ends the records of messages this hop processes ({@code identity.consumer}, one per
 * record). The record continues the producer's trace from the record headers, carries the
 * evidence the producer reported ({@code identity.cert.source = message}: never verified here),
 * and is made current while the listener runs, so {@link dev.identitylog.RequestIdentity#current()}
 * and client adapters see it:
 *
 * <pre>{@code
 * ServerRecord record = consumers.start(kafkaRecordView);
 * Throwable error = null;
 * try (Scope s = record.makeCurrent()) { listener.onMessage(r); }
 * catch (RuntimeException e) { error = e; throw e; }
 * finally { consumers.finish(record, MessageConsumerResult.failed(error)); }
 * }</pre>
 *
 * <p>A listener that threw ends as {@code internal_error}, unless a decision it recorded names the
 * cause. Immutable and thread-safe.
 */
public final class ConsumerHandler {
  private final IdentityLog log;
  private final InternalErrors errors;

  private ConsumerHandler(IdentityLog log) {
    this.log = log;
    this.errors = InternalErrors.of(log);
  }

  public static ConsumerHandler create(IdentityLog log) {
    if (log == null) {
      throw new NullPointerException("identityLog");
    }
    return new ConsumerHandler(log);
  }

  /** Starts the record of one consumed message. Never throws (but for fatal JVM errors). */
  public ServerRecord start(MessageConsumerRequest message) {
    return ServerExchange.startConsumer(log, message);
  }

  /**
   * The producer contexts of a batch processed at once (fan-in), read once for the whole batch and
   * passed to {@link #start(MessageConsumerRequest, List)} for each of its records: {@code
   * <trace.id>-<span.id>} of every distinct valid {@code traceparent}, in batch order, at most
   * {@code Limits.maxArraySize()} of them. Never throws (but for fatal JVM errors); an empty list
   * when nothing could be read.
   *
   * @since 0.1
   */
  public List<String> links(Iterable<? extends MessageConsumerRequest> batch) {
    try {
      return MessageLinks.of(batch, log.limits());
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      errors.record("reading a batch's producer contexts", t);
      return Collections.emptyList();
    }
  }

  /**
   * Starts the record of one message of a batch: as {@link #start(MessageConsumerRequest)}, and
   * its event carries {@code identity.links} = {@code links} when they name more than the
   * record's own parent (SPEC section 3: a batch links every producer context it processed rather
   * than pretending to one parent). Never throws (but for fatal JVM errors).
   *
   * @since 0.1
   */
  public ServerRecord start(MessageConsumerRequest message, List<String> links) {
    return ServerExchange.startConsumer(log, message, links);
  }

  /** Ends processing and emits the one event; later calls return null. */
  public IdentityEvent finish(ServerRecord record, MessageConsumerResult result) {
    if (!(record instanceof ServerExchange)) {
      return null;
    }
    ServerExchange exchange = (ServerExchange) record;
    try {
      return exchange.finishConsumer(result == null ? null : result.error());
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      errors.record("finishing a consumed message", t);
      return exchange.finishConsumer(null);
    }
  }

  /** As {@link ServerHandler#internalError}. */
  public void internalError(String where, Throwable t) {
    errors.record(where, t);
  }
}
