package dev.identitylog.protocol;

/**
 * A message this hop processes ({@code identity.consumer}). Record headers are attacker
 * controlled like any request header: the core reads them through the size limits and records
 * the evidence in them as {@code identity.cert.source = message}, never as verified.
 */
public interface MessageConsumerRequest {
  /**
   * A record header as text, or {@code null}; several with one name joined with {@code ","} in
   * order, as {@link ServerRequest#header} requires.
   */
  String header(String name);

  /** {@code messaging.system}, e.g. {@code kafka}. */
  String messagingSystem();

  /** {@code messaging.destination.name}: the topic or queue. */
  String destinationName();

  default String partitionId() {
    return null;
  }

  /** {@code messaging.kafka.offset}, or -1. */
  default long offset() {
    return -1;
  }

  /** {@code messaging.consumer.group.name}. */
  default String consumerGroupName() {
    return null;
  }

  default String messageId() {
    return null;
  }

  /** {@code identity.message.redelivered}: this group already saw this record; null: unknown. */
  default Boolean redelivered() {
    return null;
  }

  /** {@code identity.message.delivery_count}, when the broker reports it; else -1. */
  default long deliveryCount() {
    return -1;
  }
}
