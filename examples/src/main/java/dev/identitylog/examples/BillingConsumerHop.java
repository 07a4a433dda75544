package dev.identitylog.examples;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.event.HopLayer;
import dev.identitylog.kafka.IdentityLogKafka;
import dev.identitylog.kafka.KafkaConsumerTracing;
import dev.identitylog.outcome.Reason;
import dev.identitylog.protocol.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing service: a Kafka consumer of the {@value DemoKafka#ORDERS} topic in group {@value
 * #GROUP}, with a plain poll loop on its own thread and its own {@link IdentityLog}. No server, no
 * caller on the line: what it knows of who caused an order is the evidence the backend's producer
 * wrote into the record's headers, which its events carry ({@code identity.cert.source: message}).
 *
 * <p>identity-log: {@link KafkaConsumerTracing#process} around each record (one {@code
 * identity.consumer} event per delivery, the record's identity current while billing decides), and
 * its rebalance listener; the dead-letter producer is {@link IdentityLogKafka#wrap wrapped}, so the
 * dead letter is an {@code identity.producer} event of the delivery that gave up.
 *
 * <p>Its policy, {@value #POLICY}: billing books only orders placed through the storefront, whose
 * requests reach the backend from the gateway. It reads that from the record's {@code
 * identity-workload-id} header: what the producer reported, not something billing verified
 * itself, which is as much as a consumer can know. A refused order is recorded ({@code
 * policy_denied}) and not retried. An order billing fails on (an item without a price) is retried
 * by seeking back to it, {@value #MAX_DELIVERIES} deliveries in all, then published to {@value
 * DemoKafka#ORDERS_DEAD_LETTERS} and committed.
 */
final class BillingConsumerHop implements AutoCloseable {
  static final String NAME = "billing";
  static final String GROUP = "billing";
  static final String POLICY = "billing:storefront-orders";
  /** Deliveries of one record before billing gives up on it and dead-letters it. */
  static final int MAX_DELIVERIES = 3;
  /** Whose orders billing books: requests the gateway brought to the backend. */
  static final Set<String> ACCEPTED_CALLERS = Set.of(DemoPki.spiffeId(GatewayHop.NAME));
  /** What billing charges, per item. "gift-card" is sold by the backend but not priced here. */
  private static final Map<String, String> PRICES = Map.of("widget", "9.90", "gadget", "24.50");

  private static final Logger LOG = LoggerFactory.getLogger(BillingConsumerHop.class);

  private final KafkaConsumer<String, String> consumer;
  private final Producer<String, String> deadLetters;
  private final KafkaConsumerTracing tracing;
  private final Thread loop;
  private final AtomicLong settled = new AtomicLong();
  private volatile boolean running = true;
  /** The offset being retried and its deliveries so far; only the loop's thread touches them. */
  private long retrying = -1;
  private int deliveries;
  /** The record being retried reached the dead-letter topic (the broker acknowledged it). */
  private boolean deadLettered;

  private BillingConsumerHop(DemoKafka kafka, DemoLogs logs) {
    IdentityLog identityLog = IdentityLog.builder()
        .serviceName(NAME)
        .hopLayer(HopLayer.BACKEND)
        .addSink(logs.general())
        .restrictedFields(logs.restricted())
        .build();
    IdentityLogKafka identityKafka = IdentityLogKafka.create(identityLog);
    this.tracing = identityKafka.consumerTracing(GROUP);
    this.consumer = new KafkaConsumer<>(kafka.consumerConfig(GROUP));
    this.deadLetters =
        identityKafka.wrap(new KafkaProducer<>(kafka.producerConfig(NAME + "-dead-letters")));
    consumer.subscribe(List.of(DemoKafka.ORDERS), tracing.rebalanceListener(consumer, null));
    this.loop = new Thread(this::pollLoop, "billing-consumer");
    loop.setDaemon(true);
  }

  static BillingConsumerHop start(DemoKafka kafka, DemoLogs logs) {
    BillingConsumerHop hop = new BillingConsumerHop(kafka, logs);
    hop.loop.start();
    return hop;
  }

  /** Records billing is done with: booked, refused, or dead-lettered (and committed). */
  long settled() {
    return settled.get();
  }

  /** Waits until billing settled {@code count} records in all; false on timeout. */
  boolean awaitSettled(long count, Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (settled.get() < count) {
      if (System.nanoTime() > until) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private void pollLoop() {
    try {
      while (running) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (!deliver(r)) {
            // Retry: read it again from the broker. The records after it in this batch come
            // again too, after it.
            consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
            break;
          }
        }
      }
    } catch (WakeupException stopping) {
      // close() woke the loop up
    } catch (RuntimeException e) {
      LOG.error("billing's poll loop stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** One delivery of {@code r}; true when billing is done with it, false to deliver it again. */
  private boolean deliver(ConsumerRecord<String, String> r) {
    if (r.offset() != retrying) {
      retrying = r.offset();
      deliveries = 0;
      deadLettered = false;
    }
    int delivery = ++deliveries;
    try {
      tracing.process(r, record -> bill(record, delivery));
    } catch (Exception failed) {
      if (delivery < MAX_DELIVERIES || !deadLettered) {
        // Delivered again: a failed order is committed only once its dead letter is safe.
        return false;
      }
      // Dead-lettered by bill() on this last delivery: done with it.
    }
    consumer.commitSync(
        Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
    retrying = -1;
    settled.incrementAndGet();
    return true;
  }

  /** Runs with the record's identity current: its decisions go into the delivery's event. */
  private void bill(ConsumerRecord<String, String> order, int delivery) throws Exception {
    RequestIdentity identity = RequestIdentity.current();
    String caller = header(order, MessageHeaders.WORKLOAD_ID);
    if (caller == null || !ACCEPTED_CALLERS.contains(caller)) {
      identity.authzFailed(Reason.POLICY_DENIED, POLICY);
      return; // refused, not failed: retrying would refuse it again
    }
    identity.authzSucceeded(POLICY);
    String item = order.key();
    if (PRICES.get(item) == null) {
      IllegalStateException noPrice = new IllegalStateException("no price for item " + item);
      if (delivery >= MAX_DELIVERIES) {
        // Inside the delivery, so the dead letter continues its trace and names its request.
        deadLetters.send(new ProducerRecord<>(DemoKafka.ORDERS_DEAD_LETTERS, order.key(),
            order.value())).get(10, TimeUnit.SECONDS);
        deadLettered = true;
      }
      throw noPrice;
    }
    // Booked: a real billing service would write the invoice here.
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      loop.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deadLetters.close(Duration.ofSeconds(5));
  }
}
