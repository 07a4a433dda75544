package dev.identitylog.kafka;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Processes records together; {@link KafkaConsumerTracing#processBatch} runs it. What it throws
 * ends every record of the batch as {@code internal_error} and is rethrown unchanged.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface BatchListener<K, V> {
  void onBatch(List<ConsumerRecord<K, V>> records) throws Exception;
}
