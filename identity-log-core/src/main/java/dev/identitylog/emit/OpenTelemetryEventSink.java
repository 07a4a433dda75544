package dev.identitylog.emit;

import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.outcome.Coded;
import dev.identitylog.outcome.EventOutcome;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Emits each event into OpenTelemetry: a log record through the Logs bridge with the event name as
 * its EventName, severity INFO for {@code success} and WARN otherwise, every field as an
 * attribute, and the one-line summary as its body; and the identity fields as attributes of the
 * span the event describes. The log record carries the current context, so a backend links it to
 * the span.
 *
 * <p>Span attributes go only on the span whose id is the event's {@code span.id} (the SERVER span
 * for a server event; a client event is emitted with the instrumentation's CLIENT span current),
 * never on another span that happens to be current. They are a subset (see {@link
 * #isSpanAttribute}): what the span does not already say. Its ids, service, start and end are the
 * span itself, and the HTTP and RPC fields are the instrumentation's to write.
 *
 * <p>Times and coded values are string attributes, as in the JSON line; counts are longs, flags
 * booleans, and lists string arrays.
 */
public final class OpenTelemetryEventSink implements EventSink {
  /** The instrumentation scope of the log records. */
  public static final String SCOPE_NAME = "dev.identitylog";

  /** Attribute keys per field, built once: indexed by {@link Field#index()}. */
  private static final AttributeKey<?>[] KEYS = new AttributeKey<?>[Fields.count()];

  /** Which fields go on the span, by {@link Field#index()}. */
  private static final boolean[] ON_SPAN = new boolean[Fields.count()];

  static {
    for (Field<?> f : Fields.ALL) {
      KEYS[f.index()] = keyFor(f);
      ON_SPAN[f.index()] = isSpanAttribute(f);
    }
  }

  /** Claim keys come from an allowlist, so they are few; the bound only guards misuse. */
  private static final int MAX_CACHED_CLAIM_KEYS = 256;

  private static final ConcurrentHashMap<String, AttributeKey<String>> CLAIM_KEYS =
      new ConcurrentHashMap<>();

  /**
   * {@code Logger.isEnabled(Severity)} is newer than OpenTelemetry API 1.55; applications on 1.55 or older
   * (Spring Boot 4.0 manages 1.55) would otherwise fail every request with a {@code
   * NoSuchMethodError}. Looked up once; without it every record is emitted.
   */
  private static final boolean LOGGER_IS_ENABLED = hasLoggerIsEnabled();

  private final Logger logger;

  private OpenTelemetryEventSink(Logger logger) {
    this.logger = logger;
  }

  /** A sink writing spans attributes and log records through this OpenTelemetry instance. */
  public static OpenTelemetryEventSink create(OpenTelemetry openTelemetry) {
    if (openTelemetry == null) {
      throw new NullPointerException("openTelemetry");
    }
    return new OpenTelemetryEventSink(openTelemetry.getLogsBridge().get(SCOPE_NAME));
  }

  /**
   * Whether a field is written on the span: the {@code identity.*} fields (but {@code
   * identity.schema}, which describes the log line), the {@code tls.*} fields and {@code
   * event.outcome}. The rest either is the span already ({@code trace.id}, {@code span.id}, {@code
   * span.parent.id}, {@code service.name}, {@code timestamp}, {@code event.duration}, {@code
   * event.name}) or belongs to the HTTP / RPC instrumentation, whose values (a full URL, its own
   * {@code error.type}) must not be overwritten with ours.
   */
  public static boolean isSpanAttribute(Field<?> field) {
    String key = field.key();
    return (key.startsWith("identity.") && field != Fields.SCHEMA)
        || key.startsWith("tls.")
        || field == Fields.EVENT_OUTCOME;
  }

  @Override
  public void emit(IdentityEvent event) {
    writeToSpan(Span.current(), event);
    Severity severity =
        event.get(Fields.EVENT_OUTCOME) == EventOutcome.SUCCESS ? Severity.INFO : Severity.WARN;
    if (LOGGER_IS_ENABLED && !logger.isEnabled(severity)) {
      return;
    }
    LogRecordBuilder record =
        logger
            .logRecordBuilder()
            .setSeverity(severity)
            .setSeverityText(severity == Severity.INFO ? "INFO" : "WARN")
            .setBody(Summary.of(event));
    if (event.has(Fields.EVENT_NAME)) {
      record.setEventName(event.get(Fields.EVENT_NAME).code());
    }
    Instant timestamp = event.get(Fields.TIMESTAMP);
    if (timestamp != null) {
      record.setTimestamp(timestamp);
    }
    event.forEach(new RecordAttributes(record));
    record.emit();
  }

  /**
   * Writes the span attributes of {@code event} onto {@code span} when it is recording and is the
   * span the event describes (its id is the event's {@code span.id}); otherwise does nothing.
   * Adapters call it for a span that ends before the event does (a per-attempt CLIENT span).
   */
  public static void writeToSpan(Span span, IdentityEvent event) {
    if (!span.isRecording()
        || !span.getSpanContext().getSpanId().equals(event.get(Fields.SPAN_ID))) {
      return;
    }
    event.forEach(new SpanAttributes(span));
  }

  @Override
  public String toString() {
    return "OpenTelemetryEventSink{" + SCOPE_NAME + "}";
  }

  private static boolean hasLoggerIsEnabled() {
    try {
      Logger.class.getMethod("isEnabled", Severity.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static AttributeKey<?> keyFor(Field<?> f) {
    switch (f.kind()) {
      case LONG:
        return AttributeKey.longKey(f.key());
      case BOOLEAN:
        return AttributeKey.booleanKey(f.key());
      case STRINGS:
        return AttributeKey.stringArrayKey(f.key());
      default:
        return AttributeKey.stringKey(f.key()); // STRING, TIME, CODE
    }
  }

  static AttributeKey<String> claimKey(String key) {
    AttributeKey<String> k = CLAIM_KEYS.get(key);
    if (k == null) {
      k = AttributeKey.stringKey(key);
      if (CLAIM_KEYS.size() < MAX_CACHED_CLAIM_KEYS) {
        CLAIM_KEYS.putIfAbsent(key, k);
      }
    }
    return k;
  }

  /** The key with the attribute value: strings, longs, booleans or string lists. */
  @SuppressWarnings("unchecked")
  static <T> AttributeKey<T> key(Field<?> field) {
    return (AttributeKey<T>) KEYS[field.index()];
  }

  static Object attributeValue(Field<?> field, Object value) {
    switch (field.kind()) {
      case TIME:
        return Timestamps.format((Instant) value);
      case CODE:
        return ((Coded) value).code();
      default:
        return value;
    }
  }

  private static final class SpanAttributes implements IdentityEvent.FieldVisitor {
    private final Span span;

    SpanAttributes(Span span) {
      this.span = span;
    }

    @Override
    public void visit(Field<?> field, Object value) {
      if (ON_SPAN[field.index()]) {
        span.setAttribute(key(field), attributeValue(field, value));
      }
    }

    @Override
    public void visitClaim(String key, String value) {
      span.setAttribute(claimKey(key), value); // identity.token.claim.*
    }
  }

  private static final class RecordAttributes implements IdentityEvent.FieldVisitor {
    private final LogRecordBuilder record;

    RecordAttributes(LogRecordBuilder record) {
      this.record = record;
    }

    @Override
    public void visit(Field<?> field, Object value) {
      record.setAttribute(key(field), attributeValue(field, value));
    }

    @Override
    public void visitClaim(String key, String value) {
      record.setAttribute(claimKey(key), value);
    }
  }
}
