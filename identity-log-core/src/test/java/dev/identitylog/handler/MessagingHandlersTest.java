package dev.identitylog.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.context.Scope;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.CertSource;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.MessageConsumerRequest;
import dev.identitylog.protocol.MessageConsumerResult;
import dev.identitylog.protocol.MessageHeaders;
import dev.identitylog.protocol.MessageProducerRequest;
import dev.identitylog.protocol.MessageProducerResult;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.EventSchema;
import dev.identitylog.testing.TestPki;
import java.net.ConnectException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A request's identity crosses a broker: the producer writes the trace and the evidence of the
 * request that caused the send into record headers, the consumer continues from them (SPEC 6,
 * 1.1 messages), and each side ends with its own outcome rules.
 */
class MessagingHandlersTest {
  private static final String WORKLOAD = "spiffe://example.org/ns/shop/sa/checkout";
  private static final Credential CALLER =
      TestPki.create("messaging").issue(TestPki.spiffeSvid(WORKLOAD));

  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log =
      IdentityLog.builder().serviceName("orders").peerCertificatesVerified(true).addSink(sink).build();

  @Test
  void producerPassesTraceAndEvidenceOnAndConsumerContinuesFromThem() {
    ServerHandler servers = ServerHandler.create(log);
    ProducerHandler producers = ProducerHandler.create(log);
    Map<String, String> recordHeaders = new LinkedHashMap<>();

    ServerRecord request = servers.start(mtlsRequest());
    ClientRecord send;
    try (Scope ignored = request.makeCurrent()) {
      send = producers.start(topic("orders.created"), recordHeaders::put);
    }
    IdentityEvent produced = producers.finish(send, MessageProducerResult.acknowledged("3", 42));
    IdentityEvent served = servers.finish(request, HttpServerResponse.of(202, null, null));

    assertThat(produced.get(Fields.EVENT_NAME)).isEqualTo(EventName.PRODUCER);
    assertThat(produced.get(Fields.TRACE_ID)).isEqualTo(served.get(Fields.TRACE_ID));
    assertThat(produced.get(Fields.SPAN_PARENT_ID)).isEqualTo(served.get(Fields.SPAN_ID));
    assertThat(produced.get(Fields.MESSAGING_DESTINATION_PARTITION_ID)).isEqualTo("3");
    assertThat(produced.get(Fields.MESSAGING_KAFKA_OFFSET)).isEqualTo(42L);
    assertThat(produced.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.SUCCESS);
    assertThat(produced.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isNull();
    assertThat(recordHeaders)
        .containsEntry("traceparent",
            "00-" + served.get(Fields.TRACE_ID) + "-" + produced.get(Fields.SPAN_ID) + "-01")
        .containsEntry("X-Request-ID", served.get(Fields.REQUEST_ID))
        .containsEntry(MessageHeaders.WORKLOAD_ID, WORKLOAD)
        .containsEntry(MessageHeaders.CERT_SHA256, TestPki.sha256(CALLER.certificate()))
        .doesNotContainKey("Client-Cert");

    ConsumerHandler consumers = ConsumerHandler.create(log);
    ServerRecord processing = consumers.start(consumed(recordHeaders));
    try (Scope ignored = processing.makeCurrent()) {
      assertThat(RequestIdentity.current()).isSameAs(processing);
      RequestIdentity.current().authzSucceeded("orders:consume");
    }
    IdentityEvent consumedEvent = consumers.finish(processing, MessageConsumerResult.processed());

    assertThat(consumedEvent.get(Fields.EVENT_NAME)).isEqualTo(EventName.CONSUMER);
    assertThat(consumedEvent.get(Fields.TRACE_ID)).isEqualTo(served.get(Fields.TRACE_ID));
    assertThat(consumedEvent.get(Fields.SPAN_PARENT_ID)).isEqualTo(produced.get(Fields.SPAN_ID));
    assertThat(consumedEvent.get(Fields.REQUEST_ID)).isEqualTo(served.get(Fields.REQUEST_ID));
    assertThat(consumedEvent.get(Fields.WORKLOAD_ID)).isEqualTo(WORKLOAD);
    assertThat(consumedEvent.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.MESSAGE);
    assertThat(consumedEvent.get(Fields.MESSAGING_CONSUMER_GROUP_NAME)).isEqualTo("billing");
    assertThat(consumedEvent.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(consumedEvent.get(Fields.HTTP_RESPONSE_STATUS_CODE)).isNull();
    assertThat(consumedEvent.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.SUCCESS);
    for (IdentityEvent e : new IdentityEvent[] {produced, consumedEvent}) {
      assertThat(EventSchema.validate(JsonLineWriter.toJson(e))).isEmpty();
    }
  }

  @Test
  void aListenerThatThrewIsAnInternalError() {
    ConsumerHandler consumers = ConsumerHandler.create(log);
    ServerRecord r = consumers.start(consumed(Map.of()));
    IdentityEvent e =
        consumers.finish(r, MessageConsumerResult.failed(new IllegalStateException("boom")));
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.INTERNAL_ERROR);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(consumers.finish(r, MessageConsumerResult.processed())).isNull();
  }

  @Test
  void forgedEvidenceHeadersAreNotTakenUnlessWellFormed() {
    Map<String, String> forged = new LinkedHashMap<>();
    forged.put(MessageHeaders.WORKLOAD_ID, "spiffe://evil/../x\nINJECT");
    forged.put(MessageHeaders.CERT_SHA256, "not-a-hash");
    forged.put(MessageHeaders.TOKEN_HASH, "eyJhbGciOiJIUzI1NiJ9.raw.token");
    IdentityEvent e =
        ConsumerHandler.create(log)
            .finish(ConsumerHandler.create(log).start(consumed(forged)),
                MessageConsumerResult.processed());
    assertThat(e.get(Fields.WORKLOAD_ID)).isNull();
    assertThat(e.get(Fields.TLS_CLIENT_HASH_SHA256)).isNull();
    assertThat(e.get(Fields.CERT_SOURCE)).isNull();
    assertThat(e.get(Fields.TOKEN_HASH)).isNull();
  }

  @Test
  void brokerAnswersBecomeDependencyReasonsOfTheSendAndOfTheRequest() {
    ServerHandler servers = ServerHandler.create(log);
    ProducerHandler producers = ProducerHandler.create(log);
    Map<MessageProducerResult, Reason> cases = new LinkedHashMap<>();
    cases.put(MessageProducerResult.failed(MessageProducerResult.Status.NOT_AUTHORIZED, null),
        Reason.UPSTREAM_FORBIDDEN);
    cases.put(MessageProducerResult.failed(MessageProducerResult.Status.TIMED_OUT, null),
        Reason.TIMEOUT);
    cases.put(MessageProducerResult.failed(MessageProducerResult.Status.REFUSED, null),
        Reason.UPSTREAM_ERROR);
    cases.put(MessageProducerResult.failed(MessageProducerResult.Status.FAILED,
        new ConnectException("refused")), Reason.CONNECT_FAILURE);
    cases.put(MessageProducerResult.failed(MessageProducerResult.Status.UNAUTHENTICATED, null),
        Reason.UPSTREAM_UNAUTHENTICATED);
    cases.put(MessageProducerResult.failed(MessageProducerResult.Status.UNAVAILABLE, null),
        Reason.UPSTREAM_UNAVAILABLE);
    for (Map.Entry<MessageProducerResult, Reason> c : cases.entrySet()) {
      ServerRecord request = servers.start(mtlsRequest());
      ClientRecord send;
      try (Scope ignored = request.makeCurrent()) {
        send = producers.start(topic("orders.created"), (k, v) -> {});
      }
      IdentityEvent produced = producers.finish(send, c.getKey());
      IdentityEvent served = servers.finish(request, HttpServerResponse.of(503, null, null));
      assertThat(produced.get(Fields.DEPENDENCY_REASON)).isEqualTo(c.getValue());
      assertThat(produced.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
      assertThat(served.get(Fields.DEPENDENCY_REASON)).isEqualTo(c.getValue());
    }
  }

  @Test
  void aBatchLinksEveryProducerContextItProcessedWhenMoreThanItsParent() {
    String a = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    String b = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Map<String, String> first = Map.of("traceparent", a);
    Map<String, String> second = Map.of("traceparent", b);
    Map<String, String> again = Map.of("traceparent", a); // two records of one send context
    Map<String, String> forged = Map.of("traceparent", "00-zz-not-a-context-01");
    ConsumerHandler consumers = ConsumerHandler.create(log);
    java.util.List<MessageConsumerRequest> batch =
        java.util.List.of(consumed(first), consumed(second), consumed(again), consumed(forged));

    java.util.List<String> links = consumers.links(batch);
    assertThat(links).containsExactly(
        "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331");
    for (MessageConsumerRequest m : batch) {
      IdentityEvent e =
          consumers.finish(consumers.start(m, links), MessageConsumerResult.processed());
      assertThat(e.get(Fields.LINKS)).isEqualTo(links);
      assertThat(EventSchema.validate(JsonLineWriter.toJson(e))).isEmpty();
    }

    // A batch of one context that is the record's own parent: nothing the trace fields lack.
    java.util.List<MessageConsumerRequest> single = java.util.List.of(consumed(first));
    IdentityEvent alone = consumers.finish(
        consumers.start(consumed(first), consumers.links(single)),
        MessageConsumerResult.processed());
    assertThat(alone.get(Fields.LINKS)).isNull();
    assertThat(alone.get(Fields.SPAN_PARENT_ID)).isEqualTo("00f067aa0ba902b7");
    // Started without a batch, a record carries no links (the 1.0 path, unchanged).
    assertThat(consumers.finish(consumers.start(consumed(first)), MessageConsumerResult.processed())
        .get(Fields.LINKS)).isNull();
  }

  @Test
  void batchLinksAreCappedAndOversizedHeadersLeftOut() {
    IdentityLog small = IdentityLog.builder().serviceName("orders")
        .limits(dev.identitylog.redact.Limits.of(512, 2, 256)).addSink(sink).build();
    ConsumerHandler consumers = ConsumerHandler.create(small);
    java.util.List<MessageConsumerRequest> batch = new java.util.ArrayList<>();
    batch.add(consumed(Map.of("traceparent", "00-" + "a".repeat(32) + "-" + "1".repeat(16) + "-01"
        + " ".repeat(256)))); // over the 256-byte header limit: not parsed
    for (int i = 2; i <= 5; i++) {
      batch.add(consumed(Map.of("traceparent",
          "00-" + "a".repeat(32) + "-" + Integer.toString(i).repeat(16) + "-01")));
    }
    assertThat(consumers.links(batch)).containsExactly(
        "a".repeat(32) + "-" + "2".repeat(16), "a".repeat(32) + "-" + "3".repeat(16));
    assertThat(consumers.links(null)).isEmpty();
  }

  private static MessageProducerRequest topic(String name) {
    return new MessageProducerRequest() {
      @Override
      public String messagingSystem() {
        return "kafka";
      }

      @Override
      public String destinationName() {
        return name;
      }
    };
  }

  private static MessageConsumerRequest consumed(Map<String, String> headers) {
    return new MessageConsumerRequest() {
      @Override
      public String header(String name) {
        return headers.get(name);
      }

      @Override
      public String messagingSystem() {
        return "kafka";
      }

      @Override
      public String destinationName() {
        return "orders.created";
      }

      @Override
      public String consumerGroupName() {
        return "billing";
      }

      @Override
      public long offset() {
        return 42;
      }
    };
  }

  private static HttpServerRequest mtlsRequest() {
    return new HttpServerRequest() {
      @Override
      public String header(String name) {
        return null;
      }

      @Override
      public String method() {
        return "POST";
      }

      @Override
      public String path() {
        return "/orders";
      }

      @Override
      public X509Certificate[] peerCertificates() {
        return new X509Certificate[] {CALLER.certificate()};
      }
    };
  }
}
