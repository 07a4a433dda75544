package dev.identitylog.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.context.Scope;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.CertSource;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer side against a real broker: one event per record processed, continuing the
 * producer's trace and carrying its evidence, retries and redeliveries, fan-out to two groups, a
 * batch, and headers forged by a producer that is not the one they name.
 */
class ConsumerTest {
  private static KafkaBroker broker;

  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log =
      IdentityLog.builder().serviceName("billing").peerCertificatesVerified(true).addSink(sink)
          .build();
  private final IdentityLogKafka kafka = IdentityLogKafka.create(log);
  private final ServerHandler servers = ServerHandler.create(log);
  private final Producer<String, String> producer;

  ConsumerTest() {
    producer = new KafkaProducer<>(kafka.producerConfig(broker.producerConfig()));
  }

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
  }

  @AfterEach
  void closeProducer() {
    producer.close();
  }

  @Test
  void aConsumerContinuesTheProducersTraceCarriesItsEvidenceAndRecordsItsDecision()
      throws Exception {
    String topic = broker.topic("orders");
    String reply = broker.topic("replies");
    IdentityEvent served = sendFromRequest(topic, "req-1", "order-1");
    IdentityEvent produced = last(EventName.PRODUCER);
    sink.clear();

    KafkaConsumerTracing billing = kafka.consumerTracing("billing");
    try (KafkaConsumer<String, String> consumer = consumer("billing", topic)) {
      for (ConsumerRecord<String, String> r : poll(consumer, 1)) {
        billing.process(r, record -> {
          RequestIdentity.current().authzFailed(Reason.POLICY_DENIED, "billing:accept");
          // A call made while processing joins the record's trace.
          producer.send(new ProducerRecord<>(reply, "k", "refused")).get(20, TimeUnit.SECONDS);
        });
      }
    }
    IdentityEvent consumed = last(EventName.CONSUMER);
    IdentityEvent replied = last(EventName.PRODUCER);

    assertThat(consumed.get(Fields.TRACE_ID)).isEqualTo(served.get(Fields.TRACE_ID));
    assertThat(consumed.get(Fields.SPAN_PARENT_ID)).isEqualTo(produced.get(Fields.SPAN_ID));
    assertThat(consumed.get(Fields.REQUEST_ID)).isEqualTo("req-1");
    assertThat(consumed.get(Fields.MESSAGING_SYSTEM)).isEqualTo("kafka");
    assertThat(consumed.get(Fields.MESSAGING_DESTINATION_NAME)).isEqualTo(topic);
    assertThat(consumed.get(Fields.MESSAGING_DESTINATION_PARTITION_ID)).isEqualTo("0");
    assertThat(consumed.get(Fields.MESSAGING_KAFKA_OFFSET))
        .isEqualTo(produced.get(Fields.MESSAGING_KAFKA_OFFSET));
    assertThat(consumed.get(Fields.MESSAGING_CONSUMER_GROUP_NAME)).isEqualTo("billing");
    assertThat(consumed.get(Fields.WORKLOAD_ID)).isEqualTo(Requests.WORKLOAD);
    assertThat(consumed.get(Fields.TLS_CLIENT_HASH_SHA256))
        .isEqualTo(TestPki.sha256(Requests.CALLER.certificate()));
    assertThat(consumed.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.MESSAGE);
    assertThat(consumed.get(Fields.MESSAGE_REDELIVERED)).isNull();
    assertThat(consumed.get(Fields.LINKS)).isNull();
    assertThat(consumed.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(consumed.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.POLICY_DENIED);
    assertThat(consumed.get(Fields.AUTHZ_POLICY)).isEqualTo("billing:accept");
    assertThat(consumed.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(EventSchema.validate(JsonLineWriter.toJson(consumed))).isEmpty();

    assertThat(replied.get(Fields.TRACE_ID)).isEqualTo(served.get(Fields.TRACE_ID));
    assertThat(replied.get(Fields.SPAN_PARENT_ID)).isEqualTo(consumed.get(Fields.SPAN_ID));
    assertThat(replied.get(Fields.MESSAGING_DESTINATION_NAME)).isEqualTo(reply);
  }

  @Test
  void aListenerThatThrowsIsAnInternalErrorAndItsRetryIsARedelivery() throws Exception {
    String topic = broker.topic("orders");
    sendFromRequest(topic, "req-2", "poison");
    sink.clear();

    KafkaConsumerTracing billing = kafka.consumerTracing("billing");
    IllegalStateException boom = new IllegalStateException("cannot bill");
    int[] attempts = {0};
    try (KafkaConsumer<String, String> consumer = consumer("billing", topic)) {
      ConsumerRecord<String, String> r = poll(consumer, 1).get(0);
      assertThatThrownBy(() -> billing.process(r, record -> {
        attempts[0]++;
        throw boom;
      })).isSameAs(boom);
      // The poll loop's retry: seek back and process the same record again.
      consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
      for (ConsumerRecord<String, String> again : poll(consumer, 1)) {
        billing.process(again, record -> attempts[0]++);
      }
    }
    assertThat(attempts[0]).isEqualTo(2);
    List<IdentityEvent> events = events(EventName.CONSUMER);
    assertThat(events).hasSize(2);
    IdentityEvent failed = events.get(0);
    IdentityEvent retried = events.get(1);
    assertThat(failed.get(Fields.ERROR_TYPE)).isEqualTo(Reason.INTERNAL_ERROR);
    assertThat(failed.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
    assertThat(failed.get(Fields.MESSAGE_REDELIVERED)).isNull();
    assertThat(retried.get(Fields.MESSAGE_REDELIVERED)).isTrue();
    assertThat(retried.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.SUCCESS);
    assertThat(retried.get(Fields.MESSAGING_KAFKA_OFFSET))
        .isEqualTo(failed.get(Fields.MESSAGING_KAFKA_OFFSET));
    assertThat(retried.get(Fields.TRACE_ID)).isEqualTo(failed.get(Fields.TRACE_ID));
    assertThat(billing.redeliveries()).isEqualTo(1);
    assertThat(EventSchema.validate(JsonLineWriter.toJson(retried))).isEmpty();
  }

  @Test
  void aRecordReadAgainAfterAConsumerCrashedIsARedeliveryWhereThisProcessOrTheGroupKnowsIt()
      throws Exception {
    String topic = broker.topic("orders");
    sendFromRequest(topic, "req-3", "one");
    sendFromRequest(topic, "req-3", "two");
    sink.clear();

    // A consumer processes both records and dies before committing.
    KafkaConsumerTracing billing = kafka.consumerTracing("billing");
    try (KafkaConsumer<String, String> crashed = consumer("billing", topic)) {
      for (ConsumerRecord<String, String> r : poll(crashed, 2)) {
        billing.process(r, record -> {});
      }
    }
    // Its replacement in this process (same tracing: a restart inside the process or a
    // rebalance) reads them again from the last committed offset: known as redelivered.
    try (KafkaConsumer<String, String> replacement = consumer("billing", topic)) {
      for (ConsumerRecord<String, String> r : poll(replacement, 2)) {
        billing.process(r, record -> {});
      }
      replacement.commitSync();
    }
    // A replacement in a new process knows nothing of the first delivery: the flag stays
    // absent (unknown, not false), and the two events with one group, topic, partition and
    // offset are what correlate joins. Records below the committed offset, read again after a
    // seek back, are known from the group's committed offset.
    KafkaConsumerTracing newProcess = kafka.consumerTracing("billing");
    try (KafkaConsumer<String, String> elsewhere = new KafkaConsumer<>(
        broker.consumerConfig("billing"))) {
      elsewhere.subscribe(List.of(topic), newProcess.rebalanceListener(elsewhere, null));
      List<ConsumerRecord<String, String>> none = poll(elsewhere, 0);
      assertThat(none).isEmpty();
      elsewhere.seekToBeginning(elsewhere.assignment());
      for (ConsumerRecord<String, String> r : poll(elsewhere, 2)) {
        newProcess.process(r, record -> {});
      }
    }

    List<IdentityEvent> events = events(EventName.CONSUMER);
    assertThat(events).hasSize(6);
    assertThat(events.subList(0, 2)).extracting(e -> e.get(Fields.MESSAGE_REDELIVERED))
        .containsOnlyNulls();
    assertThat(events.subList(2, 4)).extracting(e -> e.get(Fields.MESSAGE_REDELIVERED))
        .containsOnly(true);
    assertThat(events.subList(4, 6)).extracting(e -> e.get(Fields.MESSAGE_REDELIVERED))
        .containsOnly(true);
    assertThat(billing.redeliveries()).isEqualTo(2);
    assertThat(newProcess.redeliveries()).isEqualTo(2);
    for (int i = 0; i < 2; i++) {
      assertThat(events.get(i + 2).get(Fields.MESSAGING_KAFKA_OFFSET))
          .isEqualTo(events.get(i).get(Fields.MESSAGING_KAFKA_OFFSET));
      assertThat(events.get(i + 2).get(Fields.MESSAGING_CONSUMER_GROUP_NAME)).isEqualTo("billing");
    }
  }

  @Test
  void aNewProcessCannotKnowAnUncommittedEarlierDelivery() throws Exception {
    String topic = broker.topic("orders");
    sendFromRequest(topic, "req-4", "one");
    sink.clear();
    try (KafkaConsumer<String, String> crashed = consumer("billing", topic)) {
      kafka.consumerTracing("billing").process(poll(crashed, 1).get(0), record -> {});
    }
    KafkaConsumerTracing newProcess = kafka.consumerTracing("billing");
    try (KafkaConsumer<String, String> elsewhere = new KafkaConsumer<>(
        broker.consumerConfig("billing"))) {
      elsewhere.subscribe(List.of(topic), newProcess.rebalanceListener(elsewhere, null));
      newProcess.process(poll(elsewhere, 1).get(0), record -> {});
    }
    List<IdentityEvent> events = events(EventName.CONSUMER);
    assertThat(events).hasSize(2);
    assertThat(events).extracting(e -> e.get(Fields.MESSAGE_REDELIVERED)).containsOnlyNulls();
    // What correlate joins: one group, topic, partition and offset, processed twice.
    for (var field : List.of(Fields.MESSAGING_CONSUMER_GROUP_NAME,
        Fields.MESSAGING_DESTINATION_NAME, Fields.MESSAGING_DESTINATION_PARTITION_ID)) {
      assertThat(events.get(1).get(field)).isEqualTo(events.get(0).get(field));
    }
    assertThat(events.get(1).get(Fields.MESSAGING_KAFKA_OFFSET))
        .isEqualTo(events.get(0).get(Fields.MESSAGING_KAFKA_OFFSET));
  }

  @Test
  void fanOutToTwoGroupsLogsOneEventPerGroupOnOneTrace() throws Exception {
    String topic = broker.topic("orders");
    IdentityEvent served = sendFromRequest(topic, "req-5", "order-5");
    IdentityEvent produced = last(EventName.PRODUCER);
    sink.clear();
    for (String group : List.of("billing", "audit")) {
      KafkaConsumerTracing tracing = kafka.consumerTracing(group);
      try (KafkaConsumer<String, String> consumer = consumer(group, topic)) {
        for (ConsumerRecord<String, String> r : poll(consumer, 1)) {
          tracing.process(r, record -> {});
        }
      }
    }
    List<IdentityEvent> events = events(EventName.CONSUMER);
    assertThat(events).extracting(e -> e.get(Fields.MESSAGING_CONSUMER_GROUP_NAME))
        .containsExactly("billing", "audit");
    for (IdentityEvent e : events) {
      assertThat(e.get(Fields.TRACE_ID)).isEqualTo(served.get(Fields.TRACE_ID));
      assertThat(e.get(Fields.SPAN_PARENT_ID)).isEqualTo(produced.get(Fields.SPAN_ID));
      assertThat(e.get(Fields.MESSAGE_REDELIVERED)).isNull(); // another group is no redelivery
    }
    assertThat(events.get(0).get(Fields.SPAN_ID)).isNotEqualTo(events.get(1).get(Fields.SPAN_ID));
  }

  @Test
  void aBatchLinksEveryProducerContextAndDecidesPerRecord() throws Exception {
    String topic = broker.topic("orders");
    sendFromRequest(topic, "req-6", "a");
    sendFromRequest(topic, "req-7", "b");
    sendFromRequest(topic, "req-8", "c");
    List<IdentityEvent> sends = events(EventName.PRODUCER);
    List<String> contexts = new ArrayList<>();
    for (IdentityEvent s : sends) {
      contexts.add(s.get(Fields.TRACE_ID) + "-" + s.get(Fields.SPAN_ID));
    }
    sink.clear();

    KafkaConsumerTracing billing = kafka.consumerTracing("billing");
    List<String> currentDuringBatch = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer("billing", topic)) {
      List<ConsumerRecord<String, String>> batch = poll(consumer, 3);
      billing.processBatch(batch, records -> {
        currentDuringBatch.add(RequestIdentity.current().traceId());
        billing.identityOf(records.get(1)).authzFailed(Reason.POLICY_DENIED, "billing:accept");
      });
    }
    List<IdentityEvent> events = events(EventName.CONSUMER);
    assertThat(events).hasSize(3);
    for (int i = 0; i < 3; i++) {
      IdentityEvent e = events.get(i);
      assertThat(e.get(Fields.LINKS)).containsExactlyElementsOf(contexts);
      assertThat(e.get(Fields.SPAN_PARENT_ID)).isEqualTo(sends.get(i).get(Fields.SPAN_ID));
      assertThat(e.get(Fields.TRACE_ID)).isEqualTo(sends.get(i).get(Fields.TRACE_ID));
      assertThat(EventSchema.validate(JsonLineWriter.toJson(e))).isEmpty();
    }
    assertThat(currentDuringBatch).containsExactly(sends.get(0).get(Fields.TRACE_ID));
    assertThat(events).extracting(e -> e.get(Fields.AUTHZ_OUTCOME))
        .containsExactly(Outcome.SUCCESS, Outcome.FAILURE, Outcome.SUCCESS);
  }

  @Test
  void aBatchWhoseListenerThrowsEndsEveryRecordAsAnInternalError() throws Exception {
    String topic = broker.topic("orders");
    sendFromRequest(topic, "req-9", "a");
    sendFromRequest(topic, "req-9", "b");
    sink.clear();
    KafkaConsumerTracing billing = kafka.consumerTracing("billing");
    IllegalStateException boom = new IllegalStateException("batch failed");
    try (KafkaConsumer<String, String> consumer = consumer("billing", topic)) {
      List<ConsumerRecord<String, String>> batch = poll(consumer, 2);
      assertThatThrownBy(() -> billing.processBatch(batch, records -> {
        throw boom;
      })).isSameAs(boom);
    }
    assertThat(events(EventName.CONSUMER)).hasSize(2)
        .extracting(e -> e.get(Fields.ERROR_TYPE)).containsOnly(Reason.INTERNAL_ERROR);
  }

  /**
   * A producer that is not the one the evidence names writes the headers itself: the consumer
   * reports what the record claims, as {@code identity.cert.source = message}. That is evidence
   * the producer reported, never verified by the consumer: nothing here may base trust on it.
   */
  @Test
  void headersForgedByAnotherProducerAreReportedAsMessageEvidenceNeverAsVerified()
      throws Exception {
    String topic = broker.topic("orders");
    String claimedHash = TestPki.sha256(Requests.CALLER.certificate());
    try (Producer<String, String> rogue = new KafkaProducer<>(broker.producerConfig())) {
      ProducerRecord<String, String> record = new ProducerRecord<>(topic, "k", "v");
      record.headers()
          .add(MessageHeaders.WORKLOAD_ID, bytes(Requests.WORKLOAD))
          .add(MessageHeaders.CERT_SHA256, bytes(claimedHash))
          .add("traceparent", bytes("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
      rogue.send(record).get(20, TimeUnit.SECONDS);
    }
    KafkaConsumerTracing billing = kafka.consumerTracing("billing");
    try (KafkaConsumer<String, String> consumer = consumer("billing", topic)) {
      billing.process(poll(consumer, 1).get(0), record -> {});
    }
    IdentityEvent consumed = last(EventName.CONSUMER);
    assertThat(consumed.get(Fields.WORKLOAD_ID)).isEqualTo(Requests.WORKLOAD);
    assertThat(consumed.get(Fields.TLS_CLIENT_HASH_SHA256)).isEqualTo(claimedHash);
    assertThat(consumed.get(Fields.CERT_SOURCE)).isEqualTo(CertSource.MESSAGE);
    // Nothing says it was checked: no subject, issuer or validity from a handshake, no token
    // verification.
    assertThat(consumed.get(Fields.TLS_CLIENT_SUBJECT)).isNull();
    assertThat(consumed.get(Fields.TOKEN_VERIFIED)).isNull();
    assertThat(consumed.get(Fields.TRACE_ID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  // ------------------------------------------------------------------ helpers

  /** Sends {@code value} through the interceptor producer while serving an mTLS request. */
  private IdentityEvent sendFromRequest(String topic, String requestId, String value)
      throws Exception {
    ServerRecord request = servers.start(Requests.mtls(requestId));
    try (Scope ignored = request.makeCurrent()) {
      producer.send(new ProducerRecord<>(topic, "k", value)).get(20, TimeUnit.SECONDS);
    }
    return servers.finish(request, HttpServerResponse.of(202, null, null));
  }

  private KafkaConsumer<String, String> consumer(String group, String topic) {
    KafkaConsumer<String, String> c = new KafkaConsumer<>(broker.consumerConfig(group));
    c.subscribe(List.of(topic));
    return c;
  }

  /** Polls until {@code n} records arrived (for 0: until the partitions are assigned). */
  private static List<ConsumerRecord<String, String>> poll(
      KafkaConsumer<String, String> consumer, int n) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(100)).forEach(out::add);
      if (n == 0 ? !consumer.assignment().isEmpty() : out.size() >= n) {
        return out;
      }
    }
    throw new AssertionError("expected " + n + " records, got " + out.size());
  }

  private List<IdentityEvent> events(EventName name) {
    Predicate<IdentityEvent> named = e -> name.equals(e.get(Fields.EVENT_NAME));
    return sink.events().stream().filter(named).toList();
  }

  private IdentityEvent last(EventName name) {
    List<IdentityEvent> events = events(name);
    assertThat(events).isNotEmpty();
    return events.get(events.size() - 1);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
