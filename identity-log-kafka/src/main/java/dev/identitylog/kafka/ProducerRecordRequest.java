package dev.identitylog.kafka;

import dev.identitylog.protocol.MessageProducerRequest;

/** A record about to be sent, as the core's producer handler reads it. */
final class ProducerRecordRequest implements MessageProducerRequest {
  private final String topic;

  ProducerRecordRequest(String topic) {
    this.topic = topic;
  }

  @Override
  public String messagingSystem() {
    return KafkaHeaders.SYSTEM;
  }

  @Override
  public String destinationName() {
    return topic;
  }
}
