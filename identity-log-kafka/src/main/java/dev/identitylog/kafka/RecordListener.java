package dev.identitylog.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Processes one record; {@link KafkaConsumerTracing#process} runs it with the record's identity
 * current. What it throws ends the record as {@code internal_error} (unless a decision it recorded
 * names the cause) and is rethrown unchanged.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RecordListener<K, V> {
  void onRecord(ConsumerRecord<K, V> record) throws Exception;
}
