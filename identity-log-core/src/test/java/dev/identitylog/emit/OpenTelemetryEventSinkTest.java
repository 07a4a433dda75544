package dev.identitylog.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.outcome.Coded;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenTelemetryEventSinkTest {
  @RegisterExtension static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private final OpenTelemetryEventSink sink =
      OpenTelemetryEventSink.create(OTEL.getOpenTelemetry());

  @Test
  @SuppressWarnings("try")
  void identityFieldsBecomeTypedAttributesOfTheSpanTheEventDescribes() {
    Span span = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("request").startSpan();
    IdentityEvent event = describing(TestEvents.full(), span);
    try (Scope ignored = span.makeCurrent()) {
      sink.emit(event);
    } finally {
      span.end();
    }
    SpanData data = OTEL.getSpans().get(0);
    assertAttributes(data.getAttributes(), event, OpenTelemetryEventSink::isSpanAttribute);
    // What the span already is, or what its instrumentation writes, is never repeated on it.
    assertThat(data.getAttributes().asMap().keySet().stream().map(AttributeKey::getKey))
        .doesNotContain("service.name", "trace.id", "span.id", "span.parent.id", "timestamp",
            "event.duration", "event.name", "identity.schema", "url.full", "http.request.method",
            "error.type")
        .contains("identity.request.id", "tls.client.subject", "event.outcome");
  }

  @Test
  @SuppressWarnings("try")
  void nothingGoesOnACurrentSpanTheEventDoesNotDescribe() {
    Span other = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("other").startSpan();
    try (Scope ignored = other.makeCurrent()) {
      sink.emit(TestEvents.full()); // its span.id is not this span's
    } finally {
      other.end();
    }
    assertThat(OTEL.getSpans().get(0).getAttributes().isEmpty()).isTrue();
    assertThat(OTEL.getLogRecords()).hasSize(1);
  }

  private static IdentityEvent describing(IdentityEvent event, Span span) {
    return event.toBuilder()
        .set(Fields.TRACE_ID, span.getSpanContext().getTraceId())
        .set(Fields.SPAN_ID, span.getSpanContext().getSpanId())
        .build();
  }

  @Test
  @SuppressWarnings("try")
  void logRecordHasEventNameSeverityBodyAttributesAndSpanContext() {
    IdentityEvent event = TestEvents.denied();
    Span span = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("request").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      sink.emit(event);
    } finally {
      span.end();
    }
    LogRecordData record = OTEL.getLogRecords().get(0);
    assertThat(record.getEventName()).isEqualTo("identity.server");
    assertThat(record.getSeverity()).isEqualTo(Severity.WARN);
    assertThat(record.getSeverityText()).isEqualTo("WARN");
    assertThat(record.getBodyValue().asString())
        .isEqualTo("identity.server GET /orders 403 authz=failure(insufficient_scope) trace="
            + TestEvents.TRACE_ID);
    assertThat(record.getInstrumentationScopeInfo().getName()).isEqualTo("dev.identitylog");
    assertThat(record.getTimestampEpochNanos())
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(Instant.parse("2026-11-28T09:00:00.123Z").toEpochMilli()));
    assertThat(record.getSpanContext()).isEqualTo(span.getSpanContext());
    assertAttributes(record.getAttributes(), event, f -> true);
  }

  @Test
  void successIsInfo() {
    sink.emit(TestEvents.ok());
    LogRecordData record = OTEL.getLogRecords().get(0);
    assertThat(record.getSeverity()).isEqualTo(Severity.INFO);
    assertThat(record.getSeverityText()).isEqualTo("INFO");
  }

  @Test
  void withoutARecordingSpanOnlyTheLogRecordIsWritten() {
    sink.emit(TestEvents.ok());
    assertThat(OTEL.getSpans()).isEmpty();
    assertThat(OTEL.getLogRecords()).hasSize(1);
    assertThat(OTEL.getLogRecords().get(0).getSpanContext().isValid()).isFalse();
  }

  @Test
  void eventWithoutNameOrTimestampStillEmits() {
    sink.emit(IdentityEvent.builder().set(Fields.URL_PATH, "/x").build());
    LogRecordData record = OTEL.getLogRecords().get(0);
    assertThat(record.getEventName()).isNull();
    assertThat(record.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo("/x");
  }

  /** Checks each attribute against the event with keys made here, by type. */
  private static void assertAttributes(
      Attributes attributes, IdentityEvent event, Predicate<Field<?>> included) {
    int expectedCount = event.claims().size();
    for (Field<?> f : Fields.ALL) {
      Object v = event.get(f);
      if (v == null || !included.test(f)) {
        continue;
      }
      expectedCount++;
      switch (f.kind()) {
        case STRING:
          assertThat(attributes.get(AttributeKey.stringKey(f.key()))).as(f.key()).isEqualTo(v);
          break;
        case LONG:
          assertThat(attributes.get(AttributeKey.longKey(f.key()))).as(f.key()).isEqualTo(v);
          break;
        case BOOLEAN:
          assertThat(attributes.get(AttributeKey.booleanKey(f.key()))).as(f.key()).isEqualTo(v);
          break;
        case STRINGS:
          assertThat(attributes.get(AttributeKey.stringArrayKey(f.key()))).as(f.key()).isEqualTo((List<?>) v);
          break;
        case TIME:
          assertThat(attributes.get(AttributeKey.stringKey(f.key())))
              .as(f.key())
              .isEqualTo(Timestamps.format((Instant) v));
          break;
        case CODE:
          assertThat(attributes.get(AttributeKey.stringKey(f.key())))
              .as(f.key())
              .isEqualTo(((Coded) v).code());
          break;
        default:
          throw new AssertionError(f.kind());
      }
    }
    event.claims().forEach((k, v) -> assertThat(attributes.get(AttributeKey.stringKey(k))).isEqualTo(v));
    assertThat(attributes.size()).isEqualTo(expectedCount);
  }
}
