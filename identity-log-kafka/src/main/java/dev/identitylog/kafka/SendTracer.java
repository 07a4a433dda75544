package dev.identitylog.kafka;

import dev.identitylog.handler.ProducerHandler;
import dev.identitylog.internal.Throwables;
import dev.identitylog.protocol.ClientRecord;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;

/**
 * The producer side shared by the interceptor and the wrapper: starts one {@code identity.producer}
 * record per send, writes its headers, and ends it with Kafka's answer. Never throws into the send
 * (but for fatal JVM errors).
 */
final class SendTracer {
  private final ProducerHandler handler;
  private final String requestIdHeader;
  private final LongAdder readOnlyResends;

  SendTracer(ProducerHandler handler, String requestIdHeader, LongAdder readOnlyResends) {
    this.handler = handler;
    this.requestIdHeader = requestIdHeader;
    this.readOnlyResends = readOnlyResends;
  }

  /**
   * Starts the send of {@code record} and returns the record to send: {@code record} itself with
   * its headers replaced, or, when Kafka made its headers read-only because it was sent before, a
   * copy with fresh headers (counted and warned about: its old headers named the earlier send).
   */
  <K, V> ProducerRecord<K, V> start(ProducerRecord<K, V> record) {
    if (record == null) {
      return null;
    }
    ClientRecord send = null;
    try {
      send = handler.start(new ProducerRecordRequest(record.topic()), null);
      String instrumented = KafkaHeaders.instrumentationTraceparent(record.headers());
      if (instrumented != null) {
        send.traceParentSent(instrumented); // the event names the span that goes on the wire
      }
      try {
        KafkaHeaders.replace(record.headers(), send, requestIdHeader, instrumented);
        return record;
      } catch (IllegalStateException readOnly) {
        readOnlyResends.increment();
        handler.internalError(
            "sending a record again: Kafka made its headers read-only at the earlier send, so"
                + " this send goes out as a copy with its own trace and evidence headers",
            readOnly);
        Headers fresh =
            KafkaHeaders.replacedCopy(record.headers(), send, requestIdHeader, instrumented);
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(),
            record.key(), record.value(), fresh);
      }
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("writing a record's headers", t);
      if (send != null) {
        // No event for a send whose headers could not be written would be a lost event: end it
        // when Kafka answers, if the stamp made it onto the record, else now.
        if (KafkaHeaders.stamp(record.headers()) == null) {
          handler.finish(send, SendOutcomes.of(null, null));
        }
      }
      return record;
    }
  }

  /** The record of the send whose headers these are, or {@code null}. */
  static ClientRecord sendOf(Headers headers) {
    StampedHeader stamp = KafkaHeaders.stamp(headers);
    return stamp == null ? null : stamp.record();
  }

  /** Ends a send with Kafka's answer; a second answer for the same send changes nothing. */
  void finish(ClientRecord send, RecordMetadata metadata, Exception error) {
    if (send == null) {
      return;
    }
    try {
      handler.finish(send, SendOutcomes.of(metadata, error));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("ending a send", t);
    }
  }
}
