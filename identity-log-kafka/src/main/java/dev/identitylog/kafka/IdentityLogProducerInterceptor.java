package dev.identitylog.kafka;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.slf4j.LoggerFactory;

/**
 * The {@code ProducerInterceptor} that {@link IdentityLogKafka#producerConfig} installs: one
 * {@code identity.producer} event per record, the trace and evidence headers written in {@code
 * onSend}. Public only because Kafka instantiates interceptors by class name; configure it through
 * {@link IdentityLogKafka#producerConfig}, which passes the {@link IdentityLogKafka} it belongs to
 * in the producer's configuration under {@link IdentityLogKafka#CONFIG_KEY}. Without one it does
 * nothing (and says so once at WARN).
 *
 * <p>{@code onSend} runs on the sending thread, {@code onAcknowledgement} on the producer's I/O
 * thread; the two meet through the header object {@code onSend} wrote, which Kafka hands back
 * with the acknowledgement (kafka-clients 4.0 and later). Send errors the application sees as an
 * exception from {@code send()} are reported here too, so every send ends in one event.
 */
public final class IdentityLogProducerInterceptor<K, V> implements ProducerInterceptor<K, V> {
  private volatile SendTracer tracer;

  /** For Kafka, which instantiates interceptors by class name. */
  public IdentityLogProducerInterceptor() {}

  @Override
  public void configure(Map<String, ?> configs) {
    Object kafka = configs == null ? null : configs.get(IdentityLogKafka.CONFIG_KEY);
    if (kafka instanceof IdentityLogKafka configured) {
      tracer = configured.sendTracer();
    } else {
      LoggerFactory.getLogger("identity.internal")
          .warn("identity-log configuration: {} has no {} in the producer configuration (build it"
                  + " with IdentityLogKafka.producerConfig); it records nothing",
              IdentityLogProducerInterceptor.class.getSimpleName(), IdentityLogKafka.CONFIG_KEY);
    }
  }

  @Override
  public ProducerRecord<K, V> onSend(ProducerRecord<K, V> record) {
    SendTracer t = tracer;
    return t == null ? record : t.start(record);
  }

  /** Without headers (kafka-clients before 4.0) the send cannot be found: nothing to end. */
  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception, Headers headers) {
    SendTracer t = tracer;
    if (t != null) {
      t.finish(SendTracer.sendOf(headers), metadata, exception);
    }
  }

  @Override
  public void close() {}
}
