package dev.identitylog.examples;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The demo's Kafka: one real KRaft broker (combined with its controller) inside the demo's JVM,
 * from Kafka's own test kit, on an ephemeral port of 127.0.0.1, with the two topics the demo uses:
 * {@value #ORDERS}, which the backend publishes to, and {@value #ORDERS_DEAD_LETTERS}, where
 * billing puts what it could not process. Plain text, no TLS: the identity a record carries is in
 * its headers, written by the producer (SPEC section 6), not in the connection.
 */
final class DemoKafka implements AutoCloseable {
  static final String ORDERS = "orders";
  /** Spring Kafka's naming ({@code DeadLetterPublishingRecoverer}), which correlate recognizes. */
  static final String ORDERS_DEAD_LETTERS = "orders.DLT";

  /** Generous: a broker starts in a second or two, much slower on a machine busy with builds. */
  private static final long STARTUP_SECONDS = 120;

  private final KafkaClusterTestKit cluster;
  private CompletableFuture<Void> started = CompletableFuture.completedFuture(null);

  private DemoKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /**
   * Formats a broker's storage and starts it in the background: the caller starts the rest of
   * the topology meanwhile, and {@link #awaitStarted()} before anything uses the broker.
   */
  static DemoKafka start() throws Exception {
    KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                    .setNumControllerNodes(1).build())
            // Topics exist because the demo made them, never because someone wrote to a typo.
            .setConfigProp("auto.create.topics.enable", "false")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            // The first consumer of a group gets its partitions at once, not after 3 s.
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .build();
    DemoKafka kafka = new DemoKafka(cluster);
    try {
      formatQuietly(cluster);
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
    kafka.started = CompletableFuture.runAsync(() -> {
      try {
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin = cluster.admin()) {
          admin.createTopics(List.of(new NewTopic(ORDERS, 1, (short) 1),
                  new NewTopic(ORDERS_DEAD_LETTERS, 1, (short) 1)))
              .all().get(STARTUP_SECONDS, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
    return kafka;
  }

  /** Waits until the broker serves and has the demo's topics. */
  void awaitStarted() throws Exception {
    try {
      started.get(STARTUP_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the embedded Kafka broker did not start", e.getCause());
    }
  }

  /**
   * Kafka's formatter prints what it does to {@code System.out}, between the demo's own lines;
   * nothing else runs yet when the topology starts with it, so muting the stream meanwhile hides
   * only that.
   */
  private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    PrintStream out = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
    try {
      cluster.format();
    } finally {
      System.setOut(out);
    }
  }

  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** A producer's configuration: string keys and values, acknowledged by the broker. */
  Map<String, Object> producerConfig(String clientId) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    return c;
  }

  /**
   * A consumer's configuration: offsets committed by the application after each record is
   * settled, from the earliest record when the group has none.
   */
  Map<String, Object> consumerConfig(String group) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return c;
  }

  @Override
  public void close() throws Exception {
    try {
      started.get(STARTUP_SECONDS, TimeUnit.SECONDS); // not while it is still starting
    } catch (ExecutionException | TimeoutException ignored) {
      // closing is all that is left to do
    } finally {
      cluster.close();
    }
  }
}
