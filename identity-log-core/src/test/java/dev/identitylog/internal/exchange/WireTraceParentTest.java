package dev.identitylog.internal.exchange;

import dev.identitylog.protocol.ClientRequest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.testing.CollectingSink;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client event's {@code span.id} is the span id that went on the wire (SPEC sections 6 and 8),
 * whoever wrote the {@code traceparent}: this library, an OpenTelemetry instrumentation, the Java
 * agent; and its {@code span.parent.id} is the request's span, never itself.
 */
class WireTraceParentTest {
  @RegisterExtension static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private static final String INBOUND = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final ClientRequest CALL = new ClientRequest() {
    @Override
    public String serverAddress() {
      return "inventory";
    }
  };

  private final CollectingSink sink = new CollectingSink();

  @Test
  void withOnlyTheRequestsSpanCurrentTheCallGetsAnIdOfItsOwn() {
    IdentityLog log = IdentityLog.builder().openTelemetry(OTEL.getOpenTelemetry()).addSink(sink).build();
    Span server = OTEL.getOpenTelemetry().getTracer("t").spanBuilder("server")
        .setSpanKind(SpanKind.SERVER).startSpan();
    try (Scope ignored = server.makeCurrent()) {
      ServerExchange request = ServerExchange.start(log, new FakeInboundRequest());
      ClientExchange call = ClientExchange.start(log, CALL, request);
      IdentityEvent event = call.finishHttp(200, null);
      String serverSpan = server.getSpanContext().getSpanId();
      assertThat(event.get(Fields.SPAN_PARENT_ID)).isEqualTo(serverSpan);
      assertThat(event.get(Fields.SPAN_ID)).isNotEqualTo(serverSpan).isEqualTo(call.spanId());
      assertThat(call.propagationHeaders().get("traceparent"))
          .startsWith("00-" + server.getSpanContext().getTraceId() + "-" + call.spanId() + "-");
    } finally {
      server.end();
    }
  }

  @Test
  void theTraceparentAnInstrumentationSentBecomesTheSpanIdAndItsSpanGetsTheClientFields() {
    IdentityLog log = IdentityLog.builder().openTelemetry(OTEL.getOpenTelemetry()).addSink(sink).build();
    Span server = OTEL.getOpenTelemetry().getTracer("t").spanBuilder("server")
        .setSpanKind(SpanKind.SERVER).startSpan();
    ClientExchange call;
    IdentityEvent event;
    Span client;
    try (Scope ignored = server.makeCurrent()) {
      ServerExchange request = ServerExchange.start(log, new FakeInboundRequest());
      call = ClientExchange.start(log, CALL, request);
      client = OTEL.getOpenTelemetry().getTracer("t").spanBuilder("client")
          .setSpanKind(SpanKind.CLIENT).startSpan();
      try (Scope inner = client.makeCurrent()) {
        call.attempt();
        call.traceParentSent("00-" + client.getSpanContext().getTraceId() + "-"
            + client.getSpanContext().getSpanId() + "-01");
      }
      event = call.finishHttp(200, null);
      client.end();
    } finally {
      server.end();
    }
    assertThat(event.get(Fields.SPAN_ID)).isEqualTo(client.getSpanContext().getSpanId());
    assertThat(call.spanId()).isEqualTo(client.getSpanContext().getSpanId());
    assertThat(event.get(Fields.SPAN_PARENT_ID)).isEqualTo(server.getSpanContext().getSpanId());
    SpanData clientData = span("client");
    SpanData serverData = span("server");
    assertThat(clientData.getAttributes().asMap().keySet().stream().map(k -> k.getKey()))
        .contains("identity.client.attempts", "identity.request.id", "event.outcome");
    assertThat(serverData.getAttributes().asMap().keySet().stream().map(k -> k.getKey()))
        .doesNotContain("identity.client.attempts");
  }

  @Test
  void withoutOpenTelemetryAnotherTraceOnTheWireIsTakenWhole() {
    IdentityLog log = IdentityLog.builder().addSink(sink).build();
    ServerExchange request = ServerExchange.start(log, new FakeInboundRequest().header("traceparent", INBOUND));
    ClientExchange call = ClientExchange.start(log, CALL, request);
    String ours = call.spanId();
    call.traceParentSent("00-" + INBOUND.substring(3, 35) + "-" + ours + "-01"); // ours, unchanged
    assertThat(call.spanId()).isEqualTo(ours);
    call.traceParentSent("00-11111111111111111111111111111111-2222222222222222-01");
    IdentityEvent event = call.finishHttp(200, null);
    assertThat(event.get(Fields.TRACE_ID)).isEqualTo("11111111111111111111111111111111");
    assertThat(event.get(Fields.SPAN_ID)).isEqualTo("2222222222222222");
    assertThat(event.has(Fields.SPAN_PARENT_ID)).as("not the request's trace: no known parent").isFalse();
  }

  @Test
  void theRequestsOwnSpanOnTheWireIsNeverItsOwnParentAndGarbageChangesNothing() {
    IdentityLog log = IdentityLog.builder().addSink(sink).build();
    ServerExchange request = ServerExchange.start(log, new FakeInboundRequest().header("traceparent", INBOUND));
    ClientExchange call = ClientExchange.start(log, CALL, request);
    String ours = call.spanId();
    call.traceParentSent("not a traceparent");
    call.traceParentSent(null);
    assertThat(call.spanId()).isEqualTo(ours);
    call.traceParentSent("00-" + request.traceId() + "-" + request.spanId() + "-01");
    IdentityEvent event = call.finishHttp(200, null);
    assertThat(event.get(Fields.SPAN_ID)).isEqualTo(request.spanId());
    assertThat(event.has(Fields.SPAN_PARENT_ID)).isFalse();
    assertThat(log.internalErrors()).isZero();
  }

  private static SpanData span(String name) {
    return OTEL.getSpans().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }
}
