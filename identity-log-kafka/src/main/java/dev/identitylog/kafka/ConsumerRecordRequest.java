package dev.identitylog.kafka;

import dev.identitylog.protocol.MessageConsumerRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A consumed record, as the core's consumer handler reads it. */
final class ConsumerRecordRequest implements MessageConsumerRequest {
  private final ConsumerRecord<?, ?> record;
  private final String group;
  private final Boolean redelivered;

  ConsumerRecordRequest(ConsumerRecord<?, ?> record, String group, Boolean redelivered) {
    this.record = record;
    this.group = group;
    this.redelivered = redelivered;
  }

  @Override
  public String header(String name) {
    return KafkaHeaders.text(record.headers(), name);
  }

  @Override
  public String messagingSystem() {
    return KafkaHeaders.SYSTEM;
  }

  @Override
  public String destinationName() {
    return record.topic();
  }

  @Override
  public String partitionId() {
    return record.partition() >= 0 ? Integer.toString(record.partition()) : null;
  }

  @Override
  public long offset() {
    return record.offset();
  }

  @Override
  public String consumerGroupName() {
    return group;
  }

  @Override
  public Boolean redelivered() {
    return redelivered;
  }

  @Override
  public long deliveryCount() {
    // Share groups (KIP-932) count deliveries; a classic consumer group does not. Older
    // kafka-clients lack the method.
    try {
      return record.deliveryCount().map(Short::longValue).orElse(-1L);
    } catch (NoSuchMethodError old) {
      return -1;
    }
  }
}
