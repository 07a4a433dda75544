package dev.identitylog.kafka;

import dev.identitylog.IdentityLog;
import dev.identitylog.handler.ConsumerHandler;
import dev.identitylog.handler.ProducerHandler;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Makes Kafka producers and consumers log the standard's message events ({@code
 * identity.producer} per record sent, {@code identity.consumer} per record processed) and carry
 * the current request's trace and identity evidence in record headers.
 *
 * <pre>{@code
 * IdentityLogKafka kafka = IdentityLogKafka.create(identityLog);
 * // A plain KafkaProducer: the interceptor, in the configuration it is built from.
 * Producer<String, String> producer = new KafkaProducer<>(kafka.producerConfig(config));
 * // Or a wrapper, whose events come from each send's own callback.
 * Producer<String, String> wrapped = kafka.wrap(new KafkaProducer<>(config));
 * // Consumers: one tracing per group, around each record the poll loop processes.
 * KafkaConsumerTracing billing = kafka.consumerTracing("billing");
 * billing.process(record, r -> handle(r));
 * }</pre>
 *
 * <p>Use the interceptor or the wrapper on a producer, not both (each would log every send).
 * Immutable and thread-safe; one per {@link IdentityLog}.
 *
 * @since 0.1
 */
public final class IdentityLogKafka {
  /**
   * The producer configuration key under which {@link #producerConfig} passes this object to the
   * interceptor Kafka instantiates. Kafka reports it among the "supplied but not used"
   * configurations at INFO when the producer starts; that is expected.
   */
  public static final String CONFIG_KEY = "identitylog.kafka";

  private final IdentityLog log;
  private final ProducerHandler producers;
  private final ConsumerHandler consumers;
  private final LongAdder readOnlyResends = new LongAdder();
  private final SendTracer tracer;

  private IdentityLogKafka(IdentityLog log) {
    this.log = log;
    this.producers = ProducerHandler.create(log);
    this.consumers = ConsumerHandler.create(log);
    this.tracer = new SendTracer(producers, log.requestIdHeader(), readOnlyResends);
  }

  public static IdentityLogKafka create(IdentityLog identityLog) {
    if (identityLog == null) {
      throw new NullPointerException("identityLog");
    }
    return new IdentityLogKafka(identityLog);
  }

  /**
   * A copy of {@code config} (may be null) that also installs {@link
   * IdentityLogProducerInterceptor}: appended to any {@code interceptor.classes} already there,
   * with this object under {@link #CONFIG_KEY}. Build the {@code KafkaProducer} from the result.
   * Needs kafka-clients 4.0 or later (the acknowledgement carries the record's headers there).
   */
  public Map<String, Object> producerConfig(Map<String, ?> config) {
    Map<String, Object> result = config == null ? new HashMap<>() : new HashMap<>(config);
    String ours = IdentityLogProducerInterceptor.class.getName();
    Object existing = result.get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
    result.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, append(existing, ours));
    result.put(CONFIG_KEY, this);
    return result;
  }

  private static String append(Object existing, String ours) {
    StringBuilder names = new StringBuilder();
    if (existing instanceof Collection) {
      for (Object o : (Collection<?>) existing) {
        String name = o instanceof Class ? ((Class<?>) o).getName() : String.valueOf(o).trim();
        if (!name.isEmpty() && !name.equals(ours)) {
          names.append(name).append(',');
        }
      }
    } else if (existing instanceof Class) {
      names.append(((Class<?>) existing).getName()).append(',');
    } else if (existing != null) {
      for (String name : String.valueOf(existing).split(",", -1)) {
        String n = name.trim();
        if (!n.isEmpty() && !n.equals(ours)) {
          names.append(n).append(',');
        }
      }
    }
    return names.append(ours).toString();
  }

  /**
   * {@code producer} logging each send from that send's own callback: exact per record on any
   * kafka-clients version, and a send that {@code send()} itself throws for is logged too. The
   * producer must not also have the interceptor.
   */
  public <K, V> Producer<K, V> wrap(Producer<K, V> producer) {
    if (producer == null) {
      throw new NullPointerException("producer");
    }
    return new TracingProducer<>(producer, tracer);
  }

  /** Tracing for the consumers of one group ({@code messaging.consumer.group.name}). */
  public KafkaConsumerTracing consumerTracing(String group) {
    return new KafkaConsumerTracing(consumers, group == null || group.isEmpty() ? null : group);
  }

  /**
   * Records sent again after an earlier send, whose headers Kafka had made read-only: each went
   * out as a copy with fresh headers (never with the earlier send's identity) and was logged at
   * WARN (rate limited) and counted in {@link IdentityLog#internalErrors()} as well.
   */
  public long readOnlyResends() {
    return readOnlyResends.sum();
  }

  SendTracer sendTracer() {
    return tracer;
  }

  IdentityLog identityLog() {
    return log;
  }

  @Override
  public String toString() {
    return "IdentityLogKafka{service.name=" + log.serviceName() + "}";
  }
}
