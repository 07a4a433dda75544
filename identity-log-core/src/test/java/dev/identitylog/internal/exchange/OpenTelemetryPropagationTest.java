package dev.identitylog.internal.exchange;

import dev.identitylog.protocol.ClientRequest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.testing.CollectingSink;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With an OpenTelemetry SDK present, identity events and spans agree on the ids: a server event
 * takes the active span's trace and span id, and outbound headers are written by the SDK's
 * propagators (SPEC section 6).
 */
class OpenTelemetryPropagationTest {
  @RegisterExtension static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private final CollectingSink sink = new CollectingSink();

  @Test
  void serverAndClientEventsUseTheActiveSpansIds() {
    IdentityLog log =
        IdentityLog.builder().serviceName("orders").openTelemetry(OTEL.getOpenTelemetry())
            .addSink(sink).build();
    Span server = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("GET /orders").startSpan();
    IdentityEvent serverEvent;
    IdentityEvent clientEvent;
    ClientExchange call;
    try (Scope ignored = server.makeCurrent()) {
      ServerExchange x = ServerExchange.start(log, new FakeInboundRequest()
          .header("traceparent", "00-" + server.getSpanContext().getTraceId() + "-b7ad6b7169203331-01"));
      try (dev.identitylog.context.Scope bound = x.makeCurrent()) {
        Span client = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("GET inventory").startSpan();
        try (Scope inner = client.makeCurrent()) {
          call = ClientExchange.start(log, new ClientRequest() {
            @Override
            public String serverAddress() {
              return "inventory";
            }
          }, ServerExchange.current());
        }
        clientEvent = call.finishHttp(200, null);
        client.end();
        assertThat(call.spanId()).isEqualTo(client.getSpanContext().getSpanId());
      }
      serverEvent = x.finishHttp(200, null, null);
    } finally {
      server.end();
    }

    String traceId = server.getSpanContext().getTraceId();
    assertThat(serverEvent.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.OTEL);
    assertThat(serverEvent.get(Fields.TRACE_ID)).isEqualTo(traceId);
    assertThat(serverEvent.get(Fields.SPAN_ID)).isEqualTo(server.getSpanContext().getSpanId());
    assertThat(serverEvent.get(Fields.SPAN_PARENT_ID)).isEqualTo("b7ad6b7169203331");

    // written by OpenTelemetry's propagator (its flags may carry the level-2 "random" bit too)
    assertThat(call.propagationHeaders().get("traceparent"))
        .startsWith("00-" + traceId + "-" + call.spanId() + "-");
    assertThat(clientEvent.get(Fields.TRACE_ID)).isEqualTo(traceId);
    assertThat(clientEvent.get(Fields.SPAN_PARENT_ID)).isEqualTo(serverEvent.get(Fields.SPAN_ID));

    // The identity facts also land on the spans (OpenTelemetry sink).
    SpanData recorded = OTEL.getSpans().stream()
        .filter(s -> s.getName().equals("GET /orders")).findFirst().orElseThrow();
    assertThat(recorded.getAttributes().asMap().keySet().stream().map(k -> k.getKey()))
        .contains("identity.request.id", "event.outcome");
  }
}
