package dev.identitylog.otelit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.otelit.Agreement.Ev;
import dev.identitylog.otelit.Agreement.Incoming;
import dev.identitylog.otelit.Agreement.Sp;
import dev.identitylog.otelit.TwoServiceApp.Instrumentation;
import dev.identitylog.testing.CollectingSink;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * In one JVM with the OpenTelemetry SDK (in-memory exporters), the OkHttp and gRPC library
 * instrumentations and a SERVER span per servlet request; the front service gives the SDK to
 * {@code IdentityLog.openTelemetry(..)}. Then also without any OpenTelemetry, the same app.
 */
class LibraryInstrumentationTest {
  @RegisterExtension static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private static final CollectingSink front = new CollectingSink();
  private static final CollectingSink back = new CollectingSink();
  private static final CollectingSink plainFront = new CollectingSink();
  private static final CollectingSink plainBack = new CollectingSink();
  private static TwoServiceApp library;
  private static TwoServiceApp plain;

  @BeforeAll
  static void start() throws Exception {
    IdentityLog frontLog = IdentityLog.builder().serviceName("front-otel")
        .openTelemetry(OTEL.getOpenTelemetry()).addSink(front).build();
    IdentityLog backLog = IdentityLog.builder().serviceName("back").addSink(back).build();
    library = new TwoServiceApp(Instrumentation.LIBRARY, frontLog, backLog, OTEL.getOpenTelemetry());
    plain = new TwoServiceApp(Instrumentation.NONE,
        IdentityLog.builder().serviceName("front").addSink(plainFront).build(),
        IdentityLog.builder().serviceName("back").addSink(plainBack).build(), null);
  }

  @AfterAll
  static void stop() throws Exception {
    library.close();
    plain.close();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"/http, NONE", "/http, SAMPLED", "/http, UNSAMPLED",
      "/grpc, NONE", "/grpc, SAMPLED", "/grpc, UNSAMPLED"})
  void libraryInstrumentationsAndEventsAgree(String path, Incoming incoming) throws Exception {
    String requestId = "lib" + path.replace('/', '-') + "-" + incoming;
    assertThat(library.call(path, requestId, incoming.traceparent(requestId))).isEqualTo(200);
    List<Ev> events = events(requestId, front, back);
    Agreement.check(requestId, incoming, events, spans(events, incoming), true);

    // One log record per event of the front service, the event's name as its EventName, sampled
    // or not: the events are security evidence.
    List<LogRecordData> records = OTEL.getLogRecords().stream()
        .filter(r -> requestId.equals(r.getAttributes().get(AttributeKey.stringKey("identity.request.id"))))
        .collect(Collectors.toList());
    assertThat(records).hasSize(2);
    assertThat(records.stream().map(LogRecordData::getEventName))
        .containsExactlyInAnyOrder("identity.server", "identity.client");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"/http, NONE", "/http, SAMPLED", "/grpc, NONE", "/grpc, UNSAMPLED"})
  void withoutOpenTelemetryTheEventsStillLinkUp(String path, Incoming incoming) throws Exception {
    String requestId = "plain" + path.replace('/', '-') + "-" + incoming;
    assertThat(plain.call(path, requestId, incoming.traceparent(requestId))).isEqualTo(200);
    List<Ev> events = events(requestId, plainFront, plainBack);
    // No span of these traces was exported: nothing but identity-log wrote ids.
    List<Sp> none = List.of();
    Agreement.check(requestId, incoming, events, none, false, false);
  }

  private static List<Ev> events(String requestId, CollectingSink a, CollectingSink b) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<Ev> found;
    do {
      found = new java.util.ArrayList<>();
      for (CollectingSink s : List.of(a, b)) {
        for (IdentityEvent e : s.events()) {
          if (requestId.equals(e.get(Fields.REQUEST_ID))) {
            found.add(view(e));
          }
        }
      }
    } while (found.size() < 3 && System.nanoTime() < deadline && pause());
    return found;
  }

  private static boolean pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  static Ev view(IdentityEvent e) {
    return new Ev(e.get(Fields.EVENT_NAME).code(), e.get(Fields.SERVICE_NAME), e.get(Fields.TRACE_ID),
        e.get(Fields.SPAN_ID), e.get(Fields.SPAN_PARENT_ID), e.get(Fields.REQUEST_ID));
  }

  /** The exported spans, once the request's three are in (a SERVER span ends after the response). */
  private static List<Sp> spans(List<Ev> events, Incoming incoming) {
    String traceId = events.isEmpty() ? "" : events.get(0).traceId();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<Sp> spans;
    do {
      spans = OTEL.getSpans().stream().map(LibraryInstrumentationTest::view).collect(Collectors.toList());
    } while (incoming.sampled()
        && spans.stream().filter(s -> s.traceId().equals(traceId)).count() < 3
        && System.nanoTime() < deadline && pause());
    return spans;
  }

  private static Sp view(SpanData s) {
    Map<String, Object> attributes = new HashMap<>();
    s.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), v));
    String parent = s.getParentSpanContext().isValid() ? s.getParentSpanId() : null;
    return new Sp(s.getTraceId(), s.getSpanId(), parent, s.getKind().name(), attributes);
  }
}
