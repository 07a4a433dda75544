package dev.identitylog.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.context.Scope;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.MessageHeaders;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.EventSchema;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import dev.identitylog.event.TraceOrigin;

/**
 * The producer side against a real broker: headers written and replaced, one event per record
 * with the broker's answer, through the interceptor and through the wrapper.
 */
class ProducerTest {
  @RegisterExtension static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private static KafkaBroker broker;

  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log =
      IdentityLog.builder().serviceName("orders").peerCertificatesVerified(true).addSink(sink)
          .build();
  private final IdentityLogKafka kafka = IdentityLogKafka.create(log);
  private final ServerHandler servers = ServerHandler.create(log);

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
  }

  @Test
  void interceptorReplacesForgedHeadersWithTheRequestsTraceAndEvidence() throws Exception {
    String topic = broker.topic("orders");
    ServerRecord request = servers.start(Requests.mtls("req-1"));
    try (Producer<String, String> producer =
        new KafkaProducer<>(kafka.producerConfig(broker.producerConfig()))) {
      ProducerRecord<String, String> record = new ProducerRecord<>(topic, "k", "v");
      // What an application or an attacker upstream may already have put on the record.
      record.headers()
          .add("traceparent", bytes("00-11111111111111111111111111111111-2222222222222222-01"))
          .add("X-Request-ID", bytes("forged"))
          .add(MessageHeaders.WORKLOAD_ID, bytes("spiffe://evil.example/sa/admin"))
          .add(MessageHeaders.CERT_SHA256, bytes("A".repeat(64)))
          .add(MessageHeaders.TOKEN_HASH, bytes("b".repeat(32)))
          .add("app-header", bytes("kept"));
      try (Scope ignored = request.makeCurrent()) {
        producer.send(record).get(20, TimeUnit.SECONDS);
      }
    }
    IdentityEvent served = servers.finish(request, HttpServerResponse.of(202, null, null));
    IdentityEvent produced = producerEvent();

    ConsumerRecord<String, String> onBroker = Records.read(broker, topic, 1).get(0);
    assertThat(Records.values(onBroker.headers(), "traceparent")).containsExactly(
        "00-" + served.get(Fields.TRACE_ID) + "-" + produced.get(Fields.SPAN_ID) + "-01");
    assertThat(Records.values(onBroker.headers(), "X-Request-ID")).containsExactly("req-1");
    assertThat(Records.values(onBroker.headers(), MessageHeaders.WORKLOAD_ID))
        .containsExactly(Requests.WORKLOAD);
    assertThat(Records.values(onBroker.headers(), MessageHeaders.CERT_SHA256))
        .containsExactly(TestPki.sha256(Requests.CALLER.certificate()));
    assertThat(Records.values(onBroker.headers(), MessageHeaders.TOKEN_HASH)).isEmpty();
    assertThat(Records.values(onBroker.headers(), "app-header")).containsExactly("kept");

    assertThat(produced.get(Fields.EVENT_NAME)).isEqualTo(EventName.PRODUCER);
    assertThat(produced.get(Fields.TRACE_ID)).isEqualTo(served.get(Fields.TRACE_ID));
    assertThat(produced.get(Fields.SPAN_PARENT_ID)).isEqualTo(served.get(Fields.SPAN_ID));
    assertThat(produced.get(Fields.REQUEST_ID)).isEqualTo("req-1");
    assertThat(produced.get(Fields.MESSAGING_SYSTEM)).isEqualTo("kafka");
    assertThat(produced.get(Fields.MESSAGING_DESTINATION_NAME)).isEqualTo(topic);
    assertThat(produced.get(Fields.MESSAGING_DESTINATION_PARTITION_ID)).isEqualTo("0");
    assertThat(produced.get(Fields.MESSAGING_KAFKA_OFFSET)).isEqualTo(onBroker.offset());
    assertThat(produced.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.SUCCESS);
    assertThat(produced.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(EventSchema.validate(JsonLineWriter.toJson(produced))).isEmpty();
  }

  @Test
  void theRequestsTokenTravelsAsItsHashOnlyNeverItself() throws Exception {
    String topic = broker.topic("orders");
    String token = TestTokens.rs256().audience("orders-api").sign();
    ServerRecord request = servers.start(Requests.mtls("req-3", token));
    try (Producer<String, String> producer =
        new KafkaProducer<>(kafka.producerConfig(broker.producerConfig()))) {
      try (Scope ignored = request.makeCurrent()) {
        producer.send(new ProducerRecord<>(topic, "k", "v")).get(20, TimeUnit.SECONDS);
      }
    }
    IdentityEvent served = servers.finish(request, HttpServerResponse.of(202, null, null));
    assertThat(served.get(Fields.TOKEN_HASH)).isNotNull();
    ConsumerRecord<String, String> onBroker = Records.read(broker, topic, 1).get(0);
    assertThat(Records.values(onBroker.headers(), MessageHeaders.TOKEN_HASH))
        .containsExactly(served.get(Fields.TOKEN_HASH));
    String signature = token.substring(token.lastIndexOf('.') + 1);
    for (org.apache.kafka.common.header.Header h : onBroker.headers()) {
      String value = new String(h.value(), StandardCharsets.UTF_8);
      assertThat(value).doesNotContain(token).doesNotContain(signature);
    }
  }

  @Test
  void withNoRequestCurrentASendStartsATraceAndCarriesNoEvidence() throws Exception {
    String topic = broker.topic("orders");
    try (Producer<String, String> producer =
        new KafkaProducer<>(kafka.producerConfig(broker.producerConfig()))) {
      ProducerRecord<String, String> record = new ProducerRecord<>(topic, "k", "v");
      record.headers().add(MessageHeaders.WORKLOAD_ID, bytes("spiffe://evil.example/sa/admin"));
      producer.send(record).get(20, TimeUnit.SECONDS);
    }
    IdentityEvent produced = producerEvent();
    ConsumerRecord<String, String> onBroker = Records.read(broker, topic, 1).get(0);
    assertThat(Records.values(onBroker.headers(), "traceparent")).containsExactly(
        "00-" + produced.get(Fields.TRACE_ID) + "-" + produced.get(Fields.SPAN_ID) + "-01");
    assertThat(Records.values(onBroker.headers(), MessageHeaders.WORKLOAD_ID)).isEmpty();
    assertThat(produced.get(Fields.SPAN_PARENT_ID)).isNull();
  }

  @Test
  void aRecordSentAgainGoesOutWithFreshHeadersAndIsCounted() throws Exception {
    String topic = broker.topic("orders");
    ProducerRecord<String, String> record = new ProducerRecord<>(topic, "k", "v");
    try (Producer<String, String> producer =
        new KafkaProducer<>(kafka.producerConfig(broker.producerConfig()))) {
      producer.send(record).get(20, TimeUnit.SECONDS);
      // Kafka made the record's headers read-only at the first send.
      assertThat(((org.apache.kafka.common.header.internals.RecordHeaders) record.headers())
          .isReadOnly()).isTrue();
      producer.send(record).get(20, TimeUnit.SECONDS);
    }
    assertThat(kafka.readOnlyResends()).isEqualTo(1);
    assertThat(log.internalErrors()).isEqualTo(1);
    List<IdentityEvent> events = sink.awaitEvents(2, Duration.ofSeconds(10));
    assertThat(events).extracting(e -> e.get(Fields.EVENT_OUTCOME))
        .containsOnly(EventOutcome.SUCCESS);

    List<ConsumerRecord<String, String>> onBroker = Records.read(broker, topic, 2);
    assertThat(onBroker).hasSize(2);
    for (int i = 0; i < 2; i++) {
      // Each copy on the broker names its own send, never the earlier one's.
      assertThat(Records.values(onBroker.get(i).headers(), "traceparent")).containsExactly(
          "00-" + events.get(i).get(Fields.TRACE_ID) + "-" + events.get(i).get(Fields.SPAN_ID)
              + "-01");
      assertThat(events.get(i).get(Fields.MESSAGING_KAFKA_OFFSET))
          .isEqualTo(onBroker.get(i).offset());
    }
  }

  @Test
  void aRecordTheBrokerRefusesIsAnUpstreamErrorThroughInterceptorAndWrapper() throws Exception {
    String topic = broker.topic("small", 1, Map.of("max.message.bytes", "512"));
    String large = "x".repeat(4096);
    try (Producer<String, String> producer =
        new KafkaProducer<>(kafka.producerConfig(broker.producerConfig()))) {
      assertFails(RecordTooLargeException.class,
          () -> producer.send(new ProducerRecord<>(topic, "k", large)).get(20, TimeUnit.SECONDS));
    }
    assertRefused(producerEvent(), topic);

    sink.clear();
    CompletableFuture<Exception> seen = new CompletableFuture<>();
    try (Producer<String, String> producer =
        kafka.wrap(new KafkaProducer<>(broker.producerConfig()))) {
      producer.send(new ProducerRecord<>(topic, "k", large), (m, e) -> seen.complete(e));
      assertThat(seen.get(20, TimeUnit.SECONDS)).isInstanceOf(RecordTooLargeException.class);
    }
    assertRefused(producerEvent(), topic);
  }

  @Test
  void aSendThatTimesOutIsATimeoutThroughInterceptorAndWrapper() throws Exception {
    Map<String, Object> config = broker.producerConfig();
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300);
    try (Producer<String, String> producer = new KafkaProducer<>(kafka.producerConfig(config))) {
      assertFails(TimeoutException.class,
          () -> producer.send(new ProducerRecord<>("no-such-topic", "k", "v"))
              .get(20, TimeUnit.SECONDS));
    }
    assertTimedOut(producerEvent());

    sink.clear();
    try (Producer<String, String> producer = kafka.wrap(new KafkaProducer<>(config))) {
      assertFails(TimeoutException.class,
          () -> producer.send(new ProducerRecord<>("no-such-topic", "k", "v"))
              .get(20, TimeUnit.SECONDS));
    }
    assertTimedOut(producerEvent());
  }

  @Test
  void theWrapperEndsEachSendFromItsCallbackThenRunsTheApplications() throws Exception {
    String topic = broker.topic("orders");
    CompletableFuture<RecordMetadata> seen = new CompletableFuture<>();
    ServerRecord request = servers.start(Requests.mtls("req-2"));
    try (Producer<String, String> producer =
        kafka.wrap(new KafkaProducer<>(broker.producerConfig()))) {
      try (Scope ignored = request.makeCurrent()) {
        producer.send(new ProducerRecord<>(topic, "k", "v"), (m, e) -> {
          // The event is out before the application's callback runs.
          assertThat(sink.events()).hasSize(1);
          seen.complete(m);
        });
      }
      RecordMetadata metadata = seen.get(20, TimeUnit.SECONDS);
      IdentityEvent produced = producerEvent();
      assertThat(produced.get(Fields.MESSAGING_KAFKA_OFFSET)).isEqualTo(metadata.offset());
      assertThat(produced.get(Fields.REQUEST_ID)).isEqualTo("req-2");
      assertThat(produced.get(Fields.TRACE_ID)).isEqualTo(request.traceId());
    }
    servers.finish(request, HttpServerResponse.of(202, null, null));
  }

  /**
   * With an OpenTelemetry SDK configured and a PRODUCER span current (as a Kafka instrumentation
   * makes one around send), the headers are the SDK propagator's: the record names that span,
   * passes its tracestate on, and the event's span.id is the span's. A traceparent that
   * instrumentation wrote first is replaced, not doubled.
   */
  @Test
  void anOpenTelemetrySpanCurrentAtSendWritesTheHeadersThroughItsPropagator() throws Exception {
    IdentityLog otelLog = IdentityLog.builder().serviceName("orders")
        .openTelemetry(OTEL.getOpenTelemetry()).addSink(sink).build();
    IdentityLogKafka otelKafka = IdentityLogKafka.create(otelLog);
    String topic = broker.topic("orders");
    Span parent = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("POST /orders").startSpan();
    Span send;
    try (Producer<String, String> producer =
        new KafkaProducer<>(otelKafka.producerConfig(broker.producerConfig()))) {
      try (io.opentelemetry.context.Scope p = parent.makeCurrent()) {
        send = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("orders publish")
            .setSpanKind(SpanKind.PRODUCER).startSpan();
        Span withState = Span.wrap(SpanContext.create(send.getSpanContext().getTraceId(),
            send.getSpanContext().getSpanId(), TraceFlags.getSampled(),
            TraceState.builder().put("vendor", "abc").build()));
        try (io.opentelemetry.context.Scope s = withState.makeCurrent()) {
          ProducerRecord<String, String> record = new ProducerRecord<>(topic, "k", "v");
          // What the instrumentation itself already injected.
          record.headers().add("traceparent", bytes("00-" + send.getSpanContext().getTraceId()
              + "-" + send.getSpanContext().getSpanId() + "-01"));
          producer.send(record).get(20, TimeUnit.SECONDS);
        }
        send.end();
      }
    } finally {
      parent.end();
    }
    IdentityEvent produced = producerEvent();
    ConsumerRecord<String, String> onBroker = Records.read(broker, topic, 1).get(0);
    String traceId = parent.getSpanContext().getTraceId();
    assertThat(Records.values(onBroker.headers(), "traceparent")).singleElement()
        .asString().startsWith("00-" + traceId + "-" + send.getSpanContext().getSpanId() + "-");
    assertThat(Records.values(onBroker.headers(), "tracestate")).containsExactly("vendor=abc");
    assertThat(produced.get(Fields.TRACE_ID)).isEqualTo(traceId);
    assertThat(produced.get(Fields.SPAN_ID)).isEqualTo(send.getSpanContext().getSpanId());
    assertThat(produced.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.OTEL);
  }

  /**
   * An instrumentation (the OpenTelemetry Java agent's Kafka instrumentation, say) wrote the
   * traceparent of its PRODUCER span for this send, and no SDK was given to identity-log: the
   * header is kept, not replaced by one naming a span no tracer knows, and the event names it.
   */
  @Test
  void aTraceparentTheCurrentSpansInstrumentationWroteIsKept() throws Exception {
    String topic = broker.topic("orders");
    ServerRecord request = servers.start(Requests.mtls("req-4"));
    Span send = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("orders publish")
        .setSpanKind(SpanKind.PRODUCER).startSpan();
    String written = "00-" + send.getSpanContext().getTraceId() + "-"
        + send.getSpanContext().getSpanId() + "-01";
    try (Producer<String, String> producer =
        new KafkaProducer<>(kafka.producerConfig(broker.producerConfig()))) {
      try (Scope r = request.makeCurrent();
          io.opentelemetry.context.Scope s = send.makeCurrent()) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, "k", "v");
        record.headers().add("traceparent", bytes(written));
        producer.send(record).get(20, TimeUnit.SECONDS);
      }
    } finally {
      send.end();
    }
    servers.finish(request, HttpServerResponse.of(202, null, null));
    IdentityEvent produced = producerEvent();
    ConsumerRecord<String, String> onBroker = Records.read(broker, topic, 1).get(0);
    assertThat(Records.values(onBroker.headers(), "traceparent")).containsExactly(written);
    assertThat(produced.get(Fields.SPAN_ID)).isEqualTo(send.getSpanContext().getSpanId());
    assertThat(produced.get(Fields.TRACE_ID)).isEqualTo(send.getSpanContext().getTraceId());
    // The evidence still travels with it.
    assertThat(Records.values(onBroker.headers(), MessageHeaders.WORKLOAD_ID))
        .containsExactly(Requests.WORKLOAD);
  }

  private void assertRefused(IdentityEvent e, String topic) {
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_ERROR);
    assertThat(e.get(Fields.MESSAGING_DESTINATION_NAME)).isEqualTo(topic);
    assertThat(e.get(Fields.MESSAGING_KAFKA_OFFSET)).isNull();
    assertThat(EventSchema.validate(JsonLineWriter.toJson(e))).isEmpty();
  }

  private static void assertTimedOut(IdentityEvent e) {
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.TIMEOUT);
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.TIMEOUT);
  }

  /** The one producer event of the test so far (acknowledgements arrive on Kafka's thread). */
  private IdentityEvent producerEvent() {
    List<IdentityEvent> events = sink.awaitEvents(1, Duration.ofSeconds(10));
    List<IdentityEvent> produced = events.stream()
        .filter(e -> EventName.PRODUCER.equals(e.get(Fields.EVENT_NAME))).toList();
    assertThat(produced).hasSize(1);
    return produced.get(0);
  }

  private static void assertFails(Class<? extends Exception> type, Executable send) {
    try {
      send.execute();
      throw new AssertionError("expected " + type.getSimpleName());
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(type);
    } catch (Throwable t) {
      assertThat(t).isInstanceOf(type);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
