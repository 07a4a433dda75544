package dev.identitylog.bench.jmh;

import ch.qos.logback.classic.LoggerContext;
import dev.identitylog.IdentityLog;
import dev.identitylog.bench.CountingOutputStream;
import dev.identitylog.bench.Fixtures;
import dev.identitylog.bench.Logging;
import dev.identitylog.context.Scope;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.kafka.IdentityLogKafka;
import dev.identitylog.kafka.IdentityLogProducerInterceptor;
import dev.identitylog.kafka.KafkaConsumerTracing;
import dev.identitylog.kafka.RecordListener;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestRequests;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What identity-log adds to each Kafka record, without a broker: the producer interceptor's {@code
 * onSend} and {@code onAcknowledgement} called as {@code KafkaProducer} calls them, and {@link
 * KafkaConsumerTracing#process} around a listener, each on real {@link ProducerRecord} and {@link
 * ConsumerRecord} objects, each record's event through SLF4J and a real Logback context with the
 * shipped encoder into a stream that counts the bytes (as {@link PipelineBenchmark}).
 *
 * <ul>
 *   <li>{@code sendBaseline}: the record an application builds, with no interceptor: the floor;
 *   <li>{@code sendIntercepted}: the same record through the interceptor, sent from inside a
 *       request (mTLS, a JWT, a {@code traceparent}: the evidence its headers carry), acknowledged;
 *   <li>{@code consumeBaseline}: the listener called on a consumed record, as a poll loop does;
 *   <li>{@code consumeTraced}: the same through {@code process}, on a record with the headers the
 *       producer wrote (trace, request id, evidence), each at a new offset.
 * </ul>
 *
 * Kafka's own work (serializing, batching, the network) is not here: it is the same with and
 * without the library, and it would only hide the difference. Run with {@code -prof gc}; see
 * docs/performance.md. The teardowns fail a run that wrote fewer lines than records it traced.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class KafkaRecordBenchmark {
  static final String TOPIC = "orders";
  static final String KEY = "order-42";
  static final String VALUE = "{\"item\":\"widget\",\"quantity\":1}";

  /** The producer side, inside a request that is current on the benchmark's thread. */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class Producing {
    final CountingOutputStream out = new CountingOutputStream();
    long traced;
    IdentityLogProducerInterceptor<String, String> interceptor;
    RecordMetadata acknowledged;
    private ServerHandler servers;
    private ServerRecord request;
    private Scope current;

    @Setup(Level.Trial)
    public void setUp() {
      LoggerContext logback = Logging.reset();
      Logging.identityEventsTo(logback, out);
      IdentityLog log = IdentityLog.builder()
          .serviceName("checkout").tokenInspector(Fixtures.tokenInspector())
          .peerCertificatesVerified(true).build();
      interceptor = new IdentityLogProducerInterceptor<>();
      interceptor.configure(IdentityLogKafka.create(log).producerConfig(Map.of()));
      acknowledged = new RecordMetadata(new TopicPartition(TOPIC, 0), 42, 0,
          System.currentTimeMillis(), KEY.length(), VALUE.length());
      // Left open for the whole trial: its decisions and evidence are what every send copies.
      servers = ServerHandler.create(log);
      // An mTLS request with a bearer token and a traceparent, as a servlet filter sees it.
      request = servers.start(TestRequests.server("POST", "/checkout")
          .header("Authorization", "Bearer " + Fixtures.token())
          .header("traceparent", Fixtures.TRACEPARENT)
          .peerCertificates(TestPki.create("Bench Root")
              .issue(TestPki.spiffeSvid("spiffe://example.org/ns/shop/sa/checkout")).certificate())
          .build());
      current = request.makeCurrent();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      current.close();
      Logging.reset();
      if (out.lines() != traced) {
        throw new IllegalStateException(
            "the interceptor wrote " + out.lines() + " lines for " + traced + " records");
      }
      servers.finish(request, HttpServerResponse.of(202, null, null));
    }

    /** Headers as a consumer reads them: what {@code onSend} wrote, as plain record headers. */
    Headers sentHeaders() {
      ProducerRecord<String, String> sent = interceptor.onSend(new ProducerRecord<>(TOPIC, KEY, VALUE));
      interceptor.onAcknowledgement(acknowledged, null, sent.headers());
      traced++;
      RecordHeaders copy = new RecordHeaders();
      for (Header h : sent.headers()) {
        copy.add(new RecordHeader(h.key(), h.value()));
      }
      return copy;
    }
  }

  /** The consumer side: a poll loop's thread, no request current. */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class Consuming {
    final CountingOutputStream out = new CountingOutputStream();
    long traced;
    KafkaConsumerTracing tracing;
    Headers headers;
    /** What the listener saw last, so that its work is not optimized away. */
    String lastValue;
    final RecordListener<String, String> listener = r -> lastValue = r.value();
    private long offset;

    @Setup(Level.Trial)
    public void setUp() {
      Producing producer = new Producing();
      producer.setUp();
      headers = producer.sentHeaders();
      producer.tearDown();

      LoggerContext logback = Logging.reset();
      Logging.identityEventsTo(logback, out);
      tracing = IdentityLogKafka.create(IdentityLog.builder().serviceName("billing").build())
          .consumerTracing("billing");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      Logging.reset();
      if (out.lines() != traced) {
        throw new IllegalStateException(
            "the consumer wrote " + out.lines() + " lines for " + traced + " records");
      }
    }

    /** The next record of the partition, as {@code poll} returns it. */
    ConsumerRecord<String, String> next() {
      return new ConsumerRecord<>(TOPIC, 0, offset++, 1_700_000_000_000L,
          TimestampType.CREATE_TIME, KEY.length(), VALUE.length(), KEY, VALUE, headers,
          Optional.empty());
    }
  }

  @Benchmark
  public ProducerRecord<String, String> sendBaseline(Producing p) {
    return new ProducerRecord<>(TOPIC, KEY, VALUE);
  }

  @Benchmark
  public ProducerRecord<String, String> sendIntercepted(Producing p) {
    ProducerRecord<String, String> sent =
        p.interceptor.onSend(new ProducerRecord<>(TOPIC, KEY, VALUE));
    p.interceptor.onAcknowledgement(p.acknowledged, null, sent.headers());
    p.traced++;
    return sent;
  }

  @Benchmark
  public String consumeBaseline(Consuming c) throws Exception {
    c.listener.onRecord(c.next());
    return c.lastValue;
  }

  @Benchmark
  public String consumeTraced(Consuming c) throws Exception {
    c.tracing.process(c.next(), c.listener);
    c.traced++;
    return c.lastValue;
  }
}
