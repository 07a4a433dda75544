package dev.identitylog.kafka;

import dev.identitylog.protocol.ClientRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * A producer that logs each send from its own callback: exact per record, on any kafka-clients,
 * and it sees an exception {@code send()} throws (a serializer's, a closed producer's) as well as
 * those Kafka reports to the callback. The application's callback runs after the event is
 * emitted, with what Kafka gave.
 */
final class TracingProducer<K, V> implements Producer<K, V> {
  private final Producer<K, V> delegate;
  private final SendTracer tracer;

  TracingProducer(Producer<K, V> delegate, SendTracer tracer) {
    this.delegate = delegate;
    this.tracer = tracer;
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
    return send(record, null);
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
    ProducerRecord<K, V> sent = tracer.start(record);
    ClientRecord send = sent == null ? null : SendTracer.sendOf(sent.headers());
    Callback ending = send == null ? callback : new Ending(tracer, send, callback);
    try {
      return delegate.send(sent, ending);
    } catch (RuntimeException | Error e) {
      // Kafka calls the callback for the errors it reports through the future, not for these.
      tracer.finish(send, null, e instanceof Exception x ? x : new RuntimeException(e));
      throw e;
    }
  }

  /** Ends the send, then runs the application's callback. */
  private static final class Ending implements Callback {
    private final SendTracer tracer;
    private final ClientRecord send;
    private final Callback callback;

    Ending(SendTracer tracer, ClientRecord send, Callback callback) {
      this.tracer = tracer;
      this.send = send;
      this.callback = callback;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      tracer.finish(send, metadata, exception); // never throws but for fatal JVM errors
      if (callback != null) {
        callback.onCompletion(metadata, exception);
      }
    }
  }

  @Override
  public void initTransactions() {
    delegate.initTransactions();
  }

  @Override
  public void beginTransaction() {
    delegate.beginTransaction();
  }

  @Override
  public void sendOffsetsToTransaction(
      Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
    delegate.sendOffsetsToTransaction(offsets, groupMetadata);
  }

  @Override
  public void commitTransaction() {
    delegate.commitTransaction();
  }

  @Override
  public void abortTransaction() {
    delegate.abortTransaction();
  }

  @Override
  public void registerMetricForSubscription(KafkaMetric metric) {
    delegate.registerMetricForSubscription(metric);
  }

  @Override
  public void unregisterMetricFromSubscription(KafkaMetric metric) {
    delegate.unregisterMetricFromSubscription(metric);
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic) {
    return delegate.partitionsFor(topic);
  }

  @Override
  public Map<MetricName, ? extends Metric> metrics() {
    return delegate.metrics();
  }

  @Override
  public Uuid clientInstanceId(Duration timeout) {
    return delegate.clientInstanceId(timeout);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public void close(Duration timeout) {
    delegate.close(timeout);
  }

  @Override
  public String toString() {
    return "TracingProducer{" + delegate + "}";
  }
}
