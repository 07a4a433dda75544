package dev.identitylog.kafka;

import dev.identitylog.propagation.TraceContext;
import dev.identitylog.propagation.TraceContextExtractor;
import dev.identitylog.propagation.TraceParent;
import dev.identitylog.protocol.ClientRecord;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import dev.identitylog.protocol.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes the propagation and evidence headers of one send into a record's headers, replacing
 * whatever the record carried under those names (an application's stale copy, or a forgery): each
 * name is removed, then added once, so a record never carries two {@code traceparent}s.
 */
final class KafkaHeaders {
  static final String SYSTEM = "kafka";
  static final String TRACEPARENT = TraceContextExtractor.TRACEPARENT;
  static final String TRACESTATE = TraceContextExtractor.TRACESTATE;

  /** Names removed on every send, whether or not this send writes them. */
  private static final String[] OWNED = {
    TRACEPARENT, TRACESTATE, MessageHeaders.WORKLOAD_ID, MessageHeaders.CERT_SHA256,
    MessageHeaders.TOKEN_HASH
  };

  private KafkaHeaders() {}

  /**
   * Replaces this library's headers in {@code headers} with those of {@code record}.
   *
   * @throws IllegalStateException when Kafka made the headers read-only (the record was sent
   *     before); nothing was changed then, since the first removal throws
   */
  static void replace(
      Headers headers, ClientRecord record, String requestIdHeader, String traceparent) {
    for (String name : OWNED) {
      headers.remove(name);
    }
    headers.remove(requestIdHeader);
    add(headers, record, traceparent);
  }

  /**
   * The {@code traceparent} an OpenTelemetry instrumentation already wrote on this record for this
   * send, or {@code null}: one that names the span current now (the instrumentation's PRODUCER
   * span around {@code send}). Kept rather than replaced, so the consumer's side of that
   * instrumentation finds its parent span; anything else on the record (a stale copy, a forgery,
   * another trace) is replaced.
   */
  static String instrumentationTraceparent(Headers headers) {
    Header h = headers.lastHeader(TRACEPARENT);
    if (h == null || h instanceof StampedHeader || h.value() == null) {
      return null;
    }
    SpanContext current = Span.current().getSpanContext();
    if (!current.isValid()) {
      return null;
    }
    String value = new String(h.value(), StandardCharsets.UTF_8);
    TraceContext written = TraceParent.parse(value, null);
    return written != null
            && written.traceId().equals(current.getTraceId())
            && written.parentSpanId().equals(current.getSpanId())
        ? value
        : null;
  }

  /**
   * A writable copy of {@code headers} without this library's names, then with {@code record}'s:
   * for a record whose own headers are read-only.
   */
  static Headers replacedCopy(
      Headers headers, ClientRecord record, String requestIdHeader, String traceparent) {
    RecordHeaders copy = new RecordHeaders();
    for (Header h : headers) {
      if (!owned(h.key(), requestIdHeader)) {
        copy.add(h);
      }
    }
    add(copy, record, traceparent);
    return copy;
  }

  private static boolean owned(String key, String requestIdHeader) {
    for (String name : OWNED) {
      if (name.equals(key)) {
        return true;
      }
    }
    return requestIdHeader.equals(key);
  }

  private static void add(Headers headers, ClientRecord record, String traceparent) {
    for (Map.Entry<String, String> h : record.propagationHeaders().entrySet()) {
      byte[] value = h.getValue().getBytes(StandardCharsets.UTF_8);
      if (TRACEPARENT.equals(h.getKey())) {
        byte[] sent = traceparent == null ? value : traceparent.getBytes(StandardCharsets.UTF_8);
        headers.add(new StampedHeader(TRACEPARENT, sent, record));
      } else {
        // An OpenTelemetry propagator may write more (baggage, b3): replace those too.
        headers.remove(h.getKey());
        headers.add(h.getKey(), value);
      }
    }
  }

  /** This library's stamp among {@code headers}, or {@code null}. */
  static StampedHeader stamp(Headers headers) {
    if (headers == null) {
      return null;
    }
    for (Header h : headers.headers(TRACEPARENT)) {
      if (h instanceof StampedHeader stamp) {
        return stamp;
      }
    }
    return null;
  }

  /** A header as text (several with one name joined with {@code ","}), or {@code null}. */
  static String text(Headers headers, String name) {
    String joined = null;
    StringBuilder more = null;
    for (Header h : headers.headers(name)) {
      byte[] v = h.value();
      if (v == null) {
        continue;
      }
      String s = new String(v, StandardCharsets.UTF_8);
      if (joined == null) {
        joined = s;
      } else {
        if (more == null) {
          more = new StringBuilder(joined);
        }
        more.append(',').append(s);
      }
    }
    return more != null ? more.toString() : joined;
  }
}
